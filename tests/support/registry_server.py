"""Real registries and small HTTP servers on 127.0.0.1 for the check-registry tests.

- `docker_registry(tmp, auth=...)`: the Debian `docker-registry` (distribution 2.8) on a free
  loopback port, with htpasswd Basic auth or token auth, optionally TLS.
- `TokenServer`: a Docker token server (PyJWT, RS256, libtrust `kid`) with Basic credentials;
  it can grant everything asked for or pull only, and records every request it gets.
- `make_ca` / `make_server_cert`: a throw-away CA and a server certificate, made with openssl.
- `HttpServer`: a threaded http.server whose handler is a plain function, for misbehaving
  servers (redirects, silence, huge bodies); it records the requests it sees.
- `silent_port()` accepts connections and never answers; `closed_port()` refuses them.

Everything binds to 127.0.0.1 only. The registry and htpasswd come from the Debian packages
`docker-registry` and `apache2-utils` (scripts/setup-test-env installs them; see
shared/reference/test-tooling.md §3); a missing binary fails loudly rather than skipping.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from support.tools import require_marker

REGISTRY_SERVICE = "test-registry"
TOKEN_ISSUER = "test-issuer"
_LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")


def require_binary(name: str) -> str:
    if name == "docker-registry":
        require_marker("registry")
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(
            f"`{name}` is not installed; run scripts/setup-test-env, or "
            "`apt-get install -y docker-registry apache2-utils` (see shared/reference/test-tooling.md §3)")
    return path


# ----------------------------------------------------------------------------- certificates

def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run([require_binary("openssl"), *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca(folder: Path, name: str = "ca") -> tuple[Path, Path]:
    """A self-signed CA: (certificate, key)."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
             "-days", "2", "-subj", f"/CN=binderhub-doctor test {name}",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=folder)
    return cert, key


def make_server_cert(folder: Path, ca: tuple[Path, Path], name: str = "server",
                     dns_names: tuple[str, ...] = ("localhost",)) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and ``dns_names`` signed by `ca`: (certificate, key)."""
    cert, key, csr, ext = (folder / f"{name}.crt", folder / f"{name}.key", folder / f"{name}.csr",
                           folder / f"{name}.ext")
    names = ",".join(f"DNS:{n}" for n in dns_names)
    ext.write_text(f"subjectAltName=IP:127.0.0.1,{names}\nextendedKeyUsage=serverAuth\n")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj",
             "/CN=127.0.0.1", cwd=folder)
    _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca[0]), "-CAkey", str(ca[1]), "-CAcreateserial",
             "-out", str(cert), "-days", "2", "-extfile", str(ext), cwd=folder)
    return cert, key


def make_signing_cert(folder: Path) -> tuple[Path, Path]:
    """The token signer's self-signed certificate and key (the registry's `rootcertbundle`)."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "signing.crt", folder / "signing.key"
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
             "-days", "2", "-subj", "/CN=token-signer", cwd=folder)
    return cert, key


def libtrust_key_id(cert_pem: bytes) -> str:
    """distribution's key ID: SHA-256 of the DER SubjectPublicKeyInfo, 30 bytes, base32, 4-groups."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    public = x509.load_pem_x509_certificate(cert_pem).public_key()
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    encoded = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(encoded[i:i + 4] for i in range(0, len(encoded), 4))


# ----------------------------------------------------------------------------- generic server

@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict


class BackgroundServer:
    """A ThreadingHTTPServer on 127.0.0.1:<free port>, served by a daemon thread inside `with`."""

    def _listen(self, handler_class) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class HttpServer(BackgroundServer):
    """A threaded HTTP(S) server on 127.0.0.1 whose answers come from `handle(request) -> reply`.

    `handle` gets the BaseHTTPRequestHandler and returns (status, headers, body) where body is
    bytes or an iterable of bytes (streamed), or None when it wrote the answer itself.
    """

    def __init__(self, handle, tls: tuple[Path, Path] | None = None):
        self.seen: list[SeenRequest] = []
        self._handle = handle
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.request_body = self.rfile.read(length) if length else b""
                outer.seen.append(SeenRequest(self.command, self.path, dict(self.headers.items())))
                try:
                    reply = outer._handle(self)
                except OSError:  # the client went away mid-answer: expected in timeout tests
                    self.close_connection = True
                    return
                if reply is None:
                    return
                status, headers, body = reply
                self.send_response(status)
                streamed = not isinstance(body, (bytes, bytearray))
                for name, value in headers.items():
                    self.send_header(name, value)
                if not streamed and "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                if streamed and "Content-Length" not in headers:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                try:
                    if streamed:
                        for chunk in body:
                            self.wfile.write(chunk)
                            self.wfile.flush()
                    elif self.command != "HEAD":
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _serve

        self._listen(Handler)
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https" if tls else "http"

    def url(self, path: str = "", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"


@contextlib.contextmanager
def silent_port():
    """A port that accepts TCP connections (kernel backlog) and never sends a byte."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ----------------------------------------------------------------------------- token server

@dataclass
class TokenServer:
    """A Docker token server (distribution's token auth) for one user.

    grant: "all" grants every action asked for; "pull" grants at most pull; "none" grants nothing
    (the token is still valid, as for an account without access to the repository). Issued tokens are
    kept in `issued`, every request in `seen`.
    """

    signing: tuple[Path, Path]
    username: str
    password: str
    grant: str = "all"
    realm_host: str = "127.0.0.1"
    issued: list[str] = field(default_factory=list)

    def __post_init__(self):
        import jwt  # PyJWT, a test dependency

        self._jwt = jwt
        self._key = self.signing[1].read_bytes()
        self._kid = libtrust_key_id(self.signing[0].read_bytes())
        self._server = HttpServer(self._answer)

    @property
    def seen(self) -> list[SeenRequest]:
        return self._server.seen

    @property
    def realm(self) -> str:
        return self._server.url("/token", host=self.realm_host)

    def __enter__(self):
        self._server.__enter__()
        return self

    def __exit__(self, *exc):
        self._server.__exit__(*exc)

    def _answer(self, request):
        parts = urlsplit(request.path)
        if parts.path != "/token":
            return 404, {}, b"not found"
        if not self._credentials_ok(request.headers.get("Authorization", "")):
            return 401, {"WWW-Authenticate": 'Basic realm="token"', "Content-Type": "application/json"}, \
                b'{"details":"incorrect username or password"}'
        query = parse_qs(parts.query)
        service = (query.get("service") or [""])[0]
        access = []
        for scope in query.get("scope", []):
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            wanted = [a for a in actions.split(",") if a]
            granted = [a for a in wanted if self.grant == "all" or (self.grant == "pull" and a == "pull")]
            access.append({"type": kind, "name": name, "actions": granted})
        now = int(time.time())
        claims = {"iss": TOKEN_ISSUER, "sub": self.username, "aud": service, "exp": now + 300, "nbf": now - 10,
                  "iat": now, "jti": uuid.uuid4().hex, "access": access}
        token = self._jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})
        self.issued.append(token)
        body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
        return 200, {"Content-Type": "application/json"}, body

    def _credentials_ok(self, header: str) -> bool:
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return user == self.username and password == self.password


# ----------------------------------------------------------------------------- docker-registry

@dataclass
class RegistryProcess:
    process: subprocess.Popen
    port: int
    scheme: str
    log: Path

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"


def htpasswd_file(path: Path, username: str, password: str) -> Path:
    """bcrypt htpasswd (distribution only accepts bcrypt); the password goes through stdin."""
    result = subprocess.run([require_binary("htpasswd"), "-Bni", username], input=password + "\n",
                            capture_output=True, text=True, check=True, timeout=60)
    path.write_text(result.stdout.strip() + "\n")
    return path


@contextlib.contextmanager
def docker_registry(folder: Path, *, htpasswd: Path | None = None, token: TokenServer | None = None,
                    realm: str | None = None, tls: tuple[Path, Path] | None = None):
    """Run docker-registry on 127.0.0.1:<free port>; yields a RegistryProcess, stops it after."""
    binary = require_binary("docker-registry")
    folder.mkdir(parents=True, exist_ok=True)
    http = {"addr": "127.0.0.1:0", "secret": "test-only"}
    if tls is not None:
        http["tls"] = {"certificate": str(tls[0]), "key": str(tls[1])}
    config = {
        "version": 0.1,
        "log": {"level": "info", "accesslog": {"disabled": True}},
        "storage": {"filesystem": {"rootdirectory": str(folder / "data")}, "delete": {"enabled": True}},
        "http": http,
    }
    if htpasswd is not None:
        config["auth"] = {"htpasswd": {"realm": "basic-realm", "path": str(htpasswd)}}
    elif token is not None:
        config["auth"] = {"token": {"realm": realm or token.realm, "service": REGISTRY_SERVICE,
                                    "issuer": TOKEN_ISSUER, "rootcertbundle": str(token.signing[0])}}
    config_file = folder / "config.yml"
    config_file.write_text(json.dumps(config))  # JSON is YAML
    log = folder / "registry.log"
    with log.open("wb") as log_handle:
        process = subprocess.Popen([binary, "serve", str(config_file)], stdout=log_handle,
                                   stderr=subprocess.STDOUT, cwd=folder)
    try:
        port = _wait_for_port(process, log)
        yield RegistryProcess(process, port, "https" if tls else "http", log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for_port(process: subprocess.Popen, log: Path, timeout: float = 15.0) -> int:
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        match = _LISTENING.search(log.read_text(errors="replace"))
        if match:
            port = int(match.group(1))
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
        if process.poll() is not None:
            raise RuntimeError(f"docker-registry exited ({process.returncode}):\n{log.read_text(errors='replace')}")
        time.sleep(0.05)
    raise RuntimeError(f"docker-registry did not start listening within {timeout} s:\n"
                       f"{log.read_text(errors='replace')}")
