"""A deployed BinderHub and JupyterHub as `status` sees them from outside, on 127.0.0.1.

Answers as the real servers do (binderhub/health.py and base.py `VersionHandler`@b9fad995;
jupyterhub/apihandlers/hub.py `RootAPIHandler`): `GET /health` is `{"ok", "checks": [...]}`,
503 when a check that counts fails; `GET /versions` is `{"builder_info", "binderhub", "builder"}`;
`GET /hub/api` is `{"version"}`. One server plays both (BinderHub at `/`, JupyterHub under
`/hub/`), as each is reached through its own service address in a cluster. ``answers`` replaces
any path's answer: path -> (status, body: dict, str or bytes), or "stall" to never answer.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEALTHY_CHECKS = [
    {"service": "Docker registry", "ok": True},
    {"service": "JupyterHub API", "ok": True},
    {"service": "Pod quota", "total_pods": 3, "build_pods": 1, "user_pods": 2, "quota": 100, "ok": True,
     "_ignore_failure": True},
]
VERSIONS = {"builder_info": {"build_image": "quay.io/jupyterhub/repo2docker:2025.08.0"},
            "binderhub": "1.0.0.dev3959+gb9fad995", "builder": "quay.io/jupyterhub/repo2docker:2025.08.0"}


def health(failing: tuple[str, ...] = (), over_quota: bool = False) -> tuple[int, dict]:
    checks = [dict(check) for check in HEALTHY_CHECKS]
    for check in checks:
        if check["service"] in failing:
            check["ok"] = False
        if check["service"] == "Pod quota" and over_quota:
            check.update(total_pods=120, user_pods=110, build_pods=10, ok=False)
    ok = all(c["ok"] for c in checks if not c.get("_ignore_failure"))
    return (200 if ok else 503), {"ok": ok, "checks": checks}


class FakeBinderHub:
    def __init__(self, answers: dict | None = None, hub_version: str = "5.3.0"):
        self.answers = {"/health": health(), "/versions": (200, VERSIONS),
                        "/hub/api": (200, {"version": hub_version})}
        self.answers.update(answers or {})
        self.requests: list[str] = []
        self.stop = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                fake.requests.append(path)
                answer = fake.answers.get(path) or fake.answers.get(path.rstrip("/"))
                if answer == "stall":
                    fake.stop.wait(30)
                    return
                status, body = answer or (404, {"status": 404, "message": "Not Found"})
                data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def __enter__(self) -> "FakeBinderHub":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        time.sleep(0.01)
        self.server.shutdown()
        self.server.server_close()
