"""Safe HTTP for every probe: bounded in time and size, and careful with credentials.

The whole API::

    from binderhub_doctor.probes.http import HttpClient, HttpError, safe_url

    with HttpClient(timeout=10, deadline=60, ca_bundle=None, insecure_hosts=("reg.lan:5000",)) as http:
        response = http.request("GET", url, params={...}, headers={...},
                                authorization="Bearer …",   # or basic=(user, password)
                                data=b"", follow_redirects=True)
    response.status, response.headers (case-insensitive), response.body (bytes, at most max_body),
    response.truncated, response.json(), response.text, response.url, response.redirects,
    response.credentials_dropped, response.seconds
    http.remaining()  # seconds left before the overall deadline

Guarantees:

- Time: `timeout` bounds connecting and every wait for bytes; `deadline` (seconds from the
  client's creation) bounds everything, including a server that drips one byte at a time. A
  request still running at the deadline is abandoned (its daemon thread ends with the process).
- Retries: up to `retries` more attempts on 429 and 503 (any method) and on 500/502/504 (idempotent
  methods), with exponential backoff, honouring `Retry-After` when the wait fits before the
  deadline; when it does not, the 429/5xx response is returned at once.
- Size: bodies are streamed and cut at `max_body` bytes (default 1 MiB); `response.truncated`
  says so and `response.json()` refuses a cut body. Bodies are requested uncompressed.
- Redirects are followed by hand (at most `max_redirects`, loops detected). Credentials
  (`Authorization`, `Proxy-Authorization`, `Cookie`, `PRIVATE-TOKEN`, `JOB-TOKEN`, `X-API-Key`)
  are dropped, for good, as soon as a redirect leaves the first URL's scheme+host+port.
- Transport: https only, except loopback hosts and hosts in `insecure_hosts` (`host` or
  `host:port`), checked for every hop. TLS is verified against `ca_bundle`, else
  REQUESTS_CA_BUNDLE / SSL_CERT_FILE, else the system's trust store. URLs with `user:pass@` are
  refused. ~/.netrc is never read; proxies come from the usual environment variables
  (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY), never for loopback. https goes through a proxy
  as a CONNECT tunnel (TLS from here to the server: the proxy sees the host name only); a plain
  http request through a proxy is readable by the proxy, so one carrying credentials is refused
  (kind "insecure_proxy") before it is sent; `describe_proxy(url)` says which applies.
- Errors: every failure is an HttpError whose `kind` is one of KINDS and whose message names the
  host (never a header value, a query string or userinfo) and what probably went wrong. Raised
  `from None`, so no library exception carrying a full URL rides along.
"""

from __future__ import annotations

import base64
import email.utils
import ipaddress
import json
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import requests
from requests.structures import CaseInsensitiveDict

from .. import __version__

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BODY = 1 << 20
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_RETRIES = 2

KINDS = (
    "dns", "refused", "tls", "timeout", "deadline", "insecure", "insecure_proxy", "invalid_url", "redirect_loop",
    "too_many_redirects", "too_large", "bad_response", "connection",
)
SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "private-token", "job-token", "x-api-key"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_ANY_METHOD = frozenset({429, 503})
_RETRY_IDEMPOTENT = frozenset({500, 502, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_READ_CHUNK = 64 * 1024


class HttpError(Exception):
    """A request that produced no usable response. `str()` is safe to print."""

    def __init__(self, kind: str, message: str, url: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.url = safe_url(url) if url else None

    def __str__(self) -> str:
        return self.message


@dataclass
class Response:
    status: int
    headers: CaseInsensitiveDict
    body: bytes
    url: str  # the final URL; print it with safe_url()
    truncated: bool = False
    seconds: float = 0.0
    redirects: list[str] = field(default_factory=list)  # safe URLs of the hops followed
    credentials_dropped: bool = False  # a redirect left the origin; credentials were not sent on

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        if self.truncated:
            raise HttpError("too_large", f"{safe_url(self.url)} answered with a body larger than "
                            f"{len(self.body)} bytes; refusing to read it", self.url)
        try:
            return decode_json(self.body)
        except ValueError:
            raise HttpError("bad_response", f"{safe_url(self.url)} did not answer with usable JSON "
                            f"(HTTP {self.status})", self.url) from None


def decode_json(data: bytes | str):
    """JSON from a server: ValueError for anything unusable, including nesting so deep that
    Python's parser runs out of stack (`[[[[…` 200,000 levels deep in a 1 MiB body)."""
    try:
        return json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None


def safe_url(url: str) -> str:
    """scheme://host[:port]/path: no userinfo, query or fragment (tokens travel there)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(unparsable URL)"
    return urlunsplit((parts.scheme, host + port, parts.path, "", ""))


def join_url(base: str, reference: str) -> str | None:
    """``reference`` (a Location header) resolved against ``base``; None when it is unusable."""
    try:
        target = urljoin(base, reference)
    except ValueError:  # `http://[::1/x`
        return None
    return target if usable_url(target) else None


def usable_url(url: str) -> bool:
    """An http(s) URL with a host and a valid port (a server may send `http://[::1/x`, `:99999`)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def host_port(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme, 0)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    return (parts.scheme, (parts.hostname or "").lower(),
            parts.port or {"https": 443, "http": 80}.get(parts.scheme, 0))


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def basic_authorization(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class HttpClient:
    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, deadline: float | None = None,
                 retries: int = DEFAULT_RETRIES, backoff: float = 0.5, max_body: int = DEFAULT_MAX_BODY,
                 max_redirects: int = DEFAULT_MAX_REDIRECTS, ca_bundle: str | None = None,
                 insecure_hosts=()):
        self.timeout = float(timeout)
        self.deadline = float(deadline) if deadline is not None else self.timeout * 5
        self.retries = retries
        self.backoff = backoff
        self.max_body = max_body
        self.max_redirects = max_redirects
        self.insecure_hosts = {h.strip().lower() for h in insecure_hosts if h and h.strip()}
        self._verify = ca_bundle or _system_trust()
        self._deadline_at = time.monotonic() + self.deadline
        self._session = requests.Session()
        self._session.trust_env = False  # no ~/.netrc credentials; proxies are handled below
        self._session.headers.update({
            "User-Agent": f"binderhub-doctor/{__version__}",
            "Accept-Encoding": "identity",
        })

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self._session.close()

    def remaining(self) -> float:
        return self._deadline_at - time.monotonic()

    def allows_plain_http(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        with_port = f"{host}:{parts.port}" if parts.port else host
        return is_loopback(host) or host in self.insecure_hosts or with_port in self.insecure_hosts

    def request(self, method: str, url: str, *, params: dict | None = None, headers: dict | None = None,
                authorization: str | None = None, basic: tuple[str, str] | None = None,
                data: bytes | None = None, follow_redirects: bool = True,
                max_body: int | None = None) -> Response:
        method = method.upper()
        started = time.monotonic()
        headers = dict(headers or {})
        if basic is not None:
            authorization = basic_authorization(*basic)
        if authorization is not None:
            headers["Authorization"] = authorization
        if params:
            url = _with_params(url, params)
        self._check_url(url)
        first_origin = origin(url)
        seen = {url}
        hops: list[str] = []
        dropped = False
        current = url
        while True:
            response = self._send_shown(method, current, headers, data, max_body or self.max_body)
            location = response.headers.get("Location")
            if not follow_redirects or response.status not in _REDIRECTS or not location:
                break
            target = join_url(current, location)
            if target is None:
                raise HttpError("invalid_url", f"{safe_url(current)} redirects to a location that is not a "
                                "usable URL", url)
            if target in seen:
                raise HttpError("redirect_loop", f"{safe_url(url)} redirects in a loop "
                                f"(back to {safe_url(target)})", url)
            if len(hops) >= self.max_redirects:
                raise HttpError("too_many_redirects", f"{safe_url(url)} redirected more than "
                                f"{self.max_redirects} times", url)
            self._check_url(target)
            seen.add(target)
            hops.append(safe_url(target))
            if origin(target) != first_origin:
                for name in [n for n in headers if n.lower() in SENSITIVE_HEADERS]:
                    del headers[name]
                    dropped = True
            if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                method, data = "GET", None
            current = target
        response.redirects = hops
        response.credentials_dropped = dropped
        response.seconds = time.monotonic() - started
        return response

    def get(self, url: str, **options) -> Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options) -> Response:
        return self.request("POST", url, **options)

    # ------------------------------------------------------------------ internals

    def _send_shown(self, method, url, headers, data, max_body) -> Response:
        """_send_with_retries, named on a terminal's live line while it waits (probes/progress.py)."""
        from .progress import current

        progress = current()
        if progress is None:
            return self._send_with_retries(method, url, headers, data, max_body)
        progress.waiting(f"{method} {safe_url(url)}", max(self.remaining(), 0.0))
        try:
            return self._send_with_retries(method, url, headers, data, max_body)
        finally:
            progress.answered()

    def _check_url(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError:
            raise HttpError("invalid_url", f"not a usable URL: {safe_url(url)}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HttpError("invalid_url", f"not an http(s) URL: {safe_url(url)}")
        if parts.username is not None or parts.password is not None:
            raise HttpError("invalid_url", f"refusing a URL with credentials in it (user:password@) for "
                            f"{safe_url(url)}; configure credentials separately", url)
        if parts.scheme == "http" and not self.allows_plain_http(url):
            raise HttpError("insecure", f"refusing plain http to {host_port(url)}: credentials would travel "
                            "unencrypted (only https, loopback, or hosts allowed as insecure)", url)

    def _send_with_retries(self, method, url, headers, data, max_body) -> Response:
        attempt = 0
        while True:
            response = self._send(method, url, headers, data, max_body)
            retryable = response.status in _RETRY_ANY_METHOD or (
                response.status in _RETRY_IDEMPOTENT and method in _IDEMPOTENT)
            if not retryable or attempt >= self.retries:
                return response
            wait = _retry_after(response.headers.get("Retry-After"))
            if wait is None:
                wait = self.backoff * (2 ** attempt)
            if wait >= self.remaining() - 0.05:
                return response
            time.sleep(max(wait, 0.0))
            attempt += 1

    def _send(self, method, url, headers, data, max_body) -> Response:
        remaining = self.remaining()
        if remaining <= 0:
            raise HttpError("deadline", f"gave up before contacting {host_port(url)}: the overall "
                            f"deadline of {self.deadline:g} s has passed", url)
        wait = min(self.timeout, remaining)
        outcome: dict = {}
        cancelled = threading.Event()

        def exchange():
            try:
                outcome["response"] = self._exchange(method, url, headers, data, max_body, wait, cancelled)
            except BaseException as exc:  # handed to the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=exchange, name="binderhub-doctor-http", daemon=True)
        worker.start()
        worker.join(remaining)
        if worker.is_alive():
            cancelled.set()
            raise HttpError("deadline", f"no complete answer from {host_port(url)} before the overall "
                            f"deadline of {self.deadline:g} s", url)
        if "error" in outcome:
            raise _classify(outcome["error"], url, wait) from None
        return outcome["response"]

    def _exchange(self, method, url, headers, data, max_body, wait, cancelled) -> Response:
        received = []
        try:
            response = self._session.request(
                method, url, headers=headers, data=data, timeout=(wait, wait), allow_redirects=False,
                stream=True, verify=self._verify, proxies=self._proxies(url, headers),
                hooks={"response": lambda r, **_: received.append(r)})
        except ValueError:
            # requests parses a redirect's Location even when it follows none, and a server may
            # send `http://[::1/x`: keep the answer; request() judges the Location itself.
            if not received:
                raise
            response = received[0]
        try:
            body, truncated = _read_capped(response, max_body, cancelled)
        finally:
            response.close()
        return Response(status=response.status_code, headers=response.headers, body=body, url=url,
                        truncated=truncated)

    def _proxies(self, url: str, headers: dict) -> dict:
        proxies = environment_proxies(url)
        proxy = requests.utils.select_proxy(url, proxies)
        if proxy and urlsplit(url).scheme == "http" and any(n.lower() in SENSITIVE_HEADERS for n in headers):
            raise HttpError("insecure_proxy", f"refusing to send credentials over plain http through the proxy "
                            f"{_proxy_shown(proxy)} (from the proxy environment variables): the proxy "
                            f"would read them; add {urlsplit(url).hostname} to NO_PROXY to connect directly, or "
                            "use https (tunnelled through the proxy)", url)
        return proxies


def environment_proxies(url: str) -> dict:
    """The proxies the environment sets for ``url`` (NO_PROXY honoured); none for loopback."""
    if is_loopback(urlsplit(url).hostname):
        return {}
    return requests.utils.get_environ_proxies(url)


def describe_proxy(url: str) -> str:
    """How requests to ``url`` travel, for a report: directly, or through which proxy and how."""
    if not usable_url(url):
        return "n/a (no usable URL)"
    proxy = requests.utils.select_proxy(url, environment_proxies(url))
    if not proxy:
        return "none (direct connection; no proxy environment variable applies)"
    shown = _proxy_shown(proxy)
    if urlsplit(url).scheme == "https":
        return f"{shown} (https through a CONNECT tunnel: TLS from here to the server, the proxy sees the host only)"
    return (f"{shown} (plain http: the proxy could read the requests, so credentials are never sent through "
            f"it; add the host to NO_PROXY to connect directly)")


def _proxy_shown(proxy: str) -> str:
    """host:port of a proxy URL (never its user:password@)."""
    try:
        return host_port(proxy if "://" in proxy else "http://" + proxy)
    except ValueError:
        return "(a proxy URL that is not usable)"


def _read_capped(response, max_body: int, cancelled: threading.Event) -> tuple[bytes, bool]:
    declared = response.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > max_body:
        return b"", True
    raw = response.raw
    read1 = getattr(raw, "read1", None)  # urllib3 2: returns whatever has arrived
    chunks: list[bytes] = []
    size = 0
    while not cancelled.is_set():
        want = min(_READ_CHUNK, max_body + 1 - size)
        chunk = read1(want, decode_content=True) if read1 else raw.read(min(want, 1024), decode_content=True)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
        if size > max_body:
            return b"".join(chunks)[:max_body], True
    return b"".join(chunks), True


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(when.timestamp() - time.time(), 0.0)
    except (TypeError, ValueError, OverflowError, AttributeError, IndexError):
        return None


def _with_params(url: str, params: dict) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params, doseq=True)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _system_trust():
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        path = os.environ.get(name)
        if path and os.path.exists(path):
            return path
    defaults = ssl.get_default_verify_paths()
    if defaults.cafile:
        return defaults.cafile
    if defaults.capath and os.path.isdir(defaults.capath):
        return defaults.capath
    return True  # certifi, requests' own bundle


def _causes(exc: BaseException):
    """The exception and everything it wraps (urllib3 nests the real cause several levels deep)."""
    seen, queue = set(), [exc]
    while queue:
        item = queue.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        for nested in (getattr(item, "reason", None), item.__cause__, item.__context__, *item.args):
            if isinstance(nested, BaseException):
                queue.append(nested)


def _classify(exc: BaseException, url: str, wait: float) -> HttpError:
    where = host_port(url)
    host = urlsplit(url).hostname or where
    causes = list(_causes(exc))

    def has(kind) -> BaseException | None:
        return next((c for c in causes if isinstance(c, kind)), None)

    if isinstance(exc, HttpError):
        return exc
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return HttpError("timeout", f"could not connect to {where} within {wait:g} s (no route to the "
                         "host, or a firewall drops the packets)", url)
    if isinstance(exc, requests.exceptions.ReadTimeout) or has(socket.timeout) or has(TimeoutError):
        return HttpError("timeout", f"{where} accepted the connection but sent no answer within {wait:g} s",
                         url)
    verify = has(ssl.SSLCertVerificationError)
    if verify is not None:
        reason = getattr(verify, "verify_message", None) or "certificate not trusted"
        return HttpError("tls", f"the TLS certificate of {where} could not be verified ({reason}); if the "
                         "server uses a private CA, pass its certificate with --ca-bundle FILE", url)
    if isinstance(exc, requests.exceptions.SSLError) or has(ssl.SSLError):
        error = has(ssl.SSLError)
        reason = getattr(error, "reason", None) or "handshake failed"
        if reason == "WRONG_VERSION_NUMBER":
            return HttpError("tls", f"{where} does not speak TLS (a plain-http server on an https URL?)", url)
        return HttpError("tls", f"TLS with {where} failed ({reason})", url)
    if has(socket.gaierror) is not None or _named(causes, "NameResolutionError"):
        return HttpError("dns", f"DNS lookup failed for {host}: no such host, or no DNS server reachable",
                         url)
    if has(ConnectionRefusedError) is not None:
        return HttpError("refused", f"connection refused by {where}: nothing listens there (is the "
                         "service running, and is the port right?)", url)
    if has(ConnectionResetError) is not None:
        return HttpError("connection", f"{where} reset the connection", url)
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return HttpError("invalid_url", f"not a usable URL: {safe_url(url)}", url)
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return HttpError("bad_response", f"{where} sent a malformed response body", url)
    if has(OSError) is not None and getattr(has(OSError), "errno", None) is not None:
        error = has(OSError)
        return HttpError("connection", f"cannot reach {where}: {os.strerror(error.errno)}", url)
    if isinstance(exc, requests.exceptions.ConnectionError):
        return HttpError("connection", f"{where} closed the connection without a complete answer", url)
    return HttpError("connection", f"request to {safe_url(url)} failed ({type(exc).__name__})", url)


def _named(causes, name: str) -> bool:
    return any(type(c).__name__ == name for c in causes)
