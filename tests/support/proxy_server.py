"""A forward proxy on 127.0.0.1, as HTTP_PROXY / HTTPS_PROXY would name one, that records what it
could read: plain-http requests arrive in absolute form (`GET http://host:port/path`) with all
their headers and are forwarded; https arrives as `CONNECT host:port` and is tunnelled byte for
byte, so the proxy sees only that line. Every host name resolves to 127.0.0.1 (the proxy does the
name lookup, so test registries can have names that are not loopback and are really proxied).
"""

from __future__ import annotations

import http.client
import select
import socket
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from .registry_server import BackgroundServer


@dataclass
class ProxiedRequest:
    method: str
    target: str  # absolute URL, or host:port for CONNECT
    headers: dict


class ForwardProxy(BackgroundServer):
    def __init__(self):
        self.seen: list[ProxiedRequest] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_CONNECT(self):
                outer.seen.append(ProxiedRequest("CONNECT", self.path, dict(self.headers.items())))
                port = int(self.path.rpartition(":")[2])
                upstream = socket.create_connection(("127.0.0.1", port), timeout=10)
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                _relay(self.connection, upstream)
                self.close_connection = True

            def _forward(self):
                outer.seen.append(ProxiedRequest(self.command, self.path, dict(self.headers.items())))
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                connection = http.client.HTTPConnection("127.0.0.1", parts.port or 80, timeout=10)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
                connection.request(self.command, parts.path + (f"?{parts.query}" if parts.query else ""), body, headers)
                answer = connection.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                connection.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _forward

        self._listen(Handler)
        self.url = f"http://127.0.0.1:{self.port}"


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    sockets = [client, upstream]
    try:
        while True:
            readable, _, broken = select.select(sockets, [], sockets, 10)
            if broken or not readable:
                return
            for source in readable:
                data = source.recv(65536)
                if not data:
                    return
                (upstream if source is client else client).sendall(data)
    except OSError:
        return
    finally:
        upstream.close()
