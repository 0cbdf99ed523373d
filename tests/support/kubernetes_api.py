"""The Kubernetes API for one Service, played by a real HTTP server on 127.0.0.1, so that a real
kubectl can `get service proxy-public -o json` from it (no kube-apiserver can run here).

kubectl first discovers the API (`/api`, `/apis`, `/api/v1`; it asks for aggregated discovery
but accepts the plain `APIVersions` / `APIGroupList` / `APIResourceList` documents), then GETs
`/api/v1/namespaces/<ns>/services/<name>`. Everything else answers a Kubernetes `Status` 403, as
an API server does for a user without rights, so a helm talking to this server fails clearly.

With ``release_storage=True`` it also knows Secrets and Namespaces, and the namespace holds no
Secret (helm's release history is empty, a chart's Secret is not there yet), so `helm upgrade --install` gets as far as rendering the chart and
then meets the 403 when it tries to create anything (it serves no OpenAPI schemas: give helm
`--disable-openapi-validation`).

The service's answers are a script: a list of states played in order, the last one repeating.
A state is "pending" (LoadBalancer without an address yet), "missing" (404 NotFound), or a dict
with `ip` or `hostname`, or `{"type": "NodePort"}`.

With a ``cluster`` (a :class:`FakeCluster`, see fake_cluster.py) it plays a whole BinderHub
namespace instead: its services, pods (listed by label selector), events, pod logs (with
`previous=true` for the container that last crashed) and Helm's release Secrets, so a real
`kubectl` and a real `helm status` read them.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

DISCOVERY = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": []},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        {"name": "services", "singularName": "service", "namespaced": True, "kind": "Service",
         "verbs": ["get", "list", "watch"], "shortNames": ["svc"]},
    ]},
    "/version": {"major": "1", "minor": "34", "gitVersion": "v1.34.0", "platform": "linux/amd64"},
}


# What helm needs besides: Secrets (its release storage, and what the chart renders) and Namespaces.
STORAGE_DISCOVERY = {**DISCOVERY["/api/v1"], "resources": [
    *DISCOVERY["/api/v1"]["resources"],
    {"name": "secrets", "singularName": "secret", "namespaced": True, "kind": "Secret",
     "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]},
    {"name": "namespaces", "singularName": "namespace", "namespaced": False, "kind": "Namespace",
     "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["ns"]},
]}


def service_object(namespace: str, name: str, state) -> dict:
    spec = {"type": "LoadBalancer", "clusterIP": "10.0.0.17",
            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}]}
    status: dict = {"loadBalancer": {}}
    if isinstance(state, dict) and "type" in state:
        spec["type"] = state["type"]
    elif isinstance(state, dict):
        status["loadBalancer"] = {"ingress": [dict(state)]}
    return {"kind": "Service", "apiVersion": "v1",
            "metadata": {"name": name, "namespace": namespace, "uid": "4b1f7c1e-0000-4000-8000-000000000001",
                         "labels": {"component": "proxy-public"}},
            "spec": spec, "status": status}


def status_object(code: int, reason: str, message: str) -> dict:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class FakeKubernetesAPI:
    def __init__(self, namespace: str = "binder", name: str = "proxy-public", states=("pending",),
                 release_storage: bool = False, cluster=None):
        self.namespace = namespace
        self.cluster = cluster
        self.release_storage = release_storage
        self.name = name
        self.states = list(states)
        self.service_requests = 0
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def _send(self, code: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlsplit(self.path).path
                with api._lock:
                    api.requests.append(("GET", path))
                if api.cluster is not None:
                    return send_answer(self, *api.cluster.answer(path, urlsplit(self.path).query))
                if api.release_storage and path == "/api/v1":
                    return self._send(200, STORAGE_DISCOVERY)
                if path in DISCOVERY:
                    return self._send(200, DISCOVERY[path])
                secrets = f"/api/v1/namespaces/{api.namespace}/secrets"
                if api.release_storage and path == secrets:
                    return self._send(200, {"kind": "SecretList", "apiVersion": "v1",
                                            "metadata": {"resourceVersion": "1"}, "items": []})
                if api.release_storage and path.startswith(secrets + "/"):
                    name = path.rpartition("/")[2]
                    return self._send(404, status_object(404, "NotFound", f'secrets "{name}" not found'))
                prefix = "/api/v1/namespaces/"
                if path.startswith(prefix) and "/services/" in path:
                    namespace, _, name = path[len(prefix):].partition("/services/")
                    return self._service(namespace, name)
                return self._forbidden(path)

            def _service(self, namespace: str, name: str):
                if (namespace, name) != (api.namespace, api.name):
                    return self._send(404, status_object(404, "NotFound", f'services "{name}" not found'))
                with api._lock:
                    index = min(api.service_requests, len(api.states) - 1)
                    api.service_requests += 1
                state = api.states[index]
                if state == "missing":
                    return self._send(404, status_object(404, "NotFound", f'services "{name}" not found'))
                return self._send(200, service_object(namespace, name, None if state == "pending" else state))

            def _forbidden(self, path: str):
                self._send(403, status_object(403, "Forbidden", f"forbidden: this test server only serves "
                                                                f"service {api.name} (asked for {path})"))

            def do_POST(self):
                with api._lock:
                    api.requests.append(("POST", urlsplit(self.path).path))
                self._forbidden(self.path)

            do_PUT = do_PATCH = do_DELETE = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeKubernetesAPI":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def send_answer(handler: BaseHTTPRequestHandler, code: int, body) -> None:
    """A JSON object, or plain text (a pod log)."""
    text = isinstance(body, str)
    data = body.encode() if text else json.dumps(body).encode()
    handler.send_response(code)
    handler.send_header("Content-Type", "text/plain" if text else "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def write_kubeconfig(path: Path, contexts: dict[str, str], current: str) -> Path:
    """A kubeconfig whose contexts (name -> server url) need no credentials."""
    clusters = "\n".join(f"- name: {name}\n  cluster:\n    server: {url}" for name, url in contexts.items())
    users = "- name: tester\n  user: {}"
    ctx = "\n".join(f"- name: {name}\n  context:\n    cluster: {name}\n    user: tester" for name in contexts)
    path.write_text(f"apiVersion: v1\nkind: Config\nclusters:\n{clusters}\nusers:\n{users}\n"
                    f"contexts:\n{ctx}\ncurrent-context: {current}\n")
    return path
