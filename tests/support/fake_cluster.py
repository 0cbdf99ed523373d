"""A BinderHub namespace as the Kubernetes API shows it, for FakeKubernetesAPI(cluster=...): the
chart's services, the release's pods in healthy and broken states, events, pod logs and Helm's
release Secret. Real `kubectl` and real `helm status` read it.

Helm (3 and 4) keeps a release in a Secret `sh.helm.release.v1.NAME.vREVISION` of type
`helm.sh/release.v1`, labelled `owner=helm,name=NAME,status=...,version=REVISION`, whose
`release` key holds base64(gzip(the release as JSON)); the API then base64-encodes Secret data
once more. `helm status` lists those Secrets by label and shows the newest revision.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from support.kubernetes_api import DISCOVERY, status_object

CHART_VERSION = "1.0.0-0.dev.git.3959.hb9fad995"

RESOURCES = [
    {"name": "services", "singularName": "service", "namespaced": True, "kind": "Service",
     "verbs": ["get", "list", "watch"], "shortNames": ["svc"]},
    {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
     "verbs": ["get", "list", "watch"], "shortNames": ["po"]},
    {"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]},
    {"name": "events", "singularName": "event", "namespaced": True, "kind": "Event",
     "verbs": ["get", "list", "watch"], "shortNames": ["ev"]},
    {"name": "secrets", "singularName": "secret", "namespaced": True, "kind": "Secret",
     "verbs": ["get", "list", "watch"]},
    {"name": "namespaces", "singularName": "namespace", "namespaced": False, "kind": "Namespace",
     "verbs": ["get", "list", "watch"], "shortNames": ["ns"]},
]


def service(name: str, *, ip: str | None = None, hostname: str | None = None, kind: str = "LoadBalancer",
            port: int = 80, node_port: int | None = None, created: str = "2026-04-01T10:00:00Z") -> dict:
    ingress = [{key: value for key, value in (("ip", ip), ("hostname", hostname)) if value}]
    ports = [{"name": "http", "port": port, "protocol": "TCP", "targetPort": 8000}]
    if node_port:
        ports[0]["nodePort"] = node_port
    return {"kind": "Service", "apiVersion": "v1",
            "metadata": {"name": name, "namespace": "binder", "creationTimestamp": created},
            "spec": {"type": kind, "clusterIP": "10.0.0.17", "ports": ports},
            "status": {"loadBalancer": {"ingress": ingress} if ip or hostname else {}}}


def pod(name: str, component: str, *, release: str = "binder", ready: bool = True, container: str | None = None,
        waiting: tuple[str, str] | None = None, restarts: int = 0, last_terminated: tuple[str, int] | None = None,
        phase: str = "Running", unschedulable: str | None = None) -> dict:
    """A pod of the chart: ``waiting`` = (reason, message), ``last_terminated`` = (reason, exit
    code), ``unschedulable`` = the scheduler's message for a Pending pod."""
    container = container or component
    state = {"waiting": {"reason": waiting[0], "message": waiting[1]}} if waiting else \
        {"running": {"startedAt": "2026-04-01T10:01:00Z"}}
    status_entry = {"name": container, "ready": ready, "restartCount": restarts, "image": f"example/{container}:1",
                    "state": state, "lastState": {}}
    if last_terminated:
        status_entry["lastState"] = {"terminated": {"reason": last_terminated[0], "exitCode": last_terminated[1],
                                                    "finishedAt": "2026-04-01T10:05:00Z"}}
    conditions = [{"type": "Ready", "status": "True" if ready else "False"}]
    statuses = [status_entry]
    if unschedulable:
        phase, statuses = "Pending", []
        conditions = [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                       "message": unschedulable}]
    app = "jupyterhub" if component in ("hub", "proxy", "singleuser-server") else "binder"
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": name, "namespace": "binder",
                         "labels": {"app": app, "component": component, "release": release}},
            "spec": {"containers": [{"name": container, "image": f"example/{container}:1"}]},
            "status": {"phase": phase, "conditions": conditions, "containerStatuses": statuses}}


def event(involved: str, kind: str, reason: str, message: str, type_: str = "Warning") -> dict:
    return {"kind": "Event", "apiVersion": "v1",
            "metadata": {"name": f"{involved}.1", "namespace": "binder"},
            "involvedObject": {"kind": kind, "name": involved, "namespace": "binder"},
            "reason": reason, "message": message, "type": type_, "count": 3,
            "lastTimestamp": "2026-04-01T10:06:00Z"}


def release_secret(name: str, *, status: str = "deployed", revision: int = 1, chart_version: str = CHART_VERSION,
                   config: dict | None = None, namespace: str = "binder", manifest: str = "") -> dict:
    release = {
        "name": name, "namespace": namespace, "version": revision,
        "info": {"first_deployed": "2026-04-01T10:00:00Z", "last_deployed": "2026-04-01T10:00:00Z",
                 "deleted": "", "description": "Upgrade complete" if status == "deployed" else
                 "Upgrade \"binder\" failed: context deadline exceeded", "status": status,
                 "notes": "BinderHub is installed"},
        "chart": {"metadata": {"name": "binderhub", "version": chart_version, "apiVersion": "v2",
                               "appVersion": chart_version, "description": "BinderHub"},
                  "lock": None, "templates": [], "values": {"config": {"BinderHub": {}}}, "schema": None,
                  "files": []},
        "config": config or {},
        "manifest": manifest,
    }
    encoded = base64.b64encode(gzip.compress(json.dumps(release).encode())).decode()
    return {"kind": "Secret", "apiVersion": "v1", "type": "helm.sh/release.v1",
            "metadata": {"name": f"sh.helm.release.v1.{name}.v{revision}", "namespace": namespace,
                         "labels": {"name": name, "owner": "helm", "status": status, "version": str(revision)}},
            "data": {"release": base64.b64encode(encoded.encode()).decode()}}


@dataclass
class FakeCluster:
    namespace: str = "binder"
    services: dict = field(default_factory=dict)  # name -> Service
    pods: list = field(default_factory=list)
    events: list = field(default_factory=list)
    logs: dict = field(default_factory=dict)  # (pod, previous: bool) -> text
    secrets: list = field(default_factory=list)
    stalled: tuple = ()  # paths (under the namespace, e.g. "pods") that never answer

    def answer(self, path: str, query: str) -> tuple[int, dict | str]:
        if any(path == f"/api/v1/namespaces/{self.namespace}/{stalled}" for stalled in self.stalled):
            time.sleep(30)  # longer than any request timeout a test gives
        parameters = {key: values[-1] for key, values in parse_qs(query).items()}
        if path == "/api/v1":
            return 200, {**DISCOVERY["/api/v1"], "resources": RESOURCES}
        if path in DISCOVERY:
            return 200, DISCOVERY[path]
        prefix = f"/api/v1/namespaces/{self.namespace}/"
        if not path.startswith(prefix):
            if path.startswith("/api/v1/namespaces/"):  # another namespace: empty
                kind = path.rstrip("/").rpartition("/")[2]
                if kind in ("pods", "events", "secrets", "services"):
                    return 200, self._list(kind, [])
                return 404, status_object(404, "NotFound", f'{kind} not found')
            return 403, status_object(403, "Forbidden", f"forbidden: not served by this test ({path})")
        rest = path[len(prefix):].split("/")
        kind = rest[0]
        items = {"services": list(self.services.values()), "pods": self.pods, "events": self.events,
                 "secrets": self.secrets}.get(kind)
        if items is None:
            return 403, status_object(403, "Forbidden", f"forbidden: not served by this test ({path})")
        if len(rest) == 1:
            return 200, self._list(kind, [i for i in items if matches(i, parameters.get("labelSelector", ""))])
        name = rest[1]
        found = [i for i in items if isinstance(i, dict) and isinstance(i.get("metadata"), dict)
                 and i["metadata"].get("name") == name]
        if not found:
            return 404, status_object(404, "NotFound", f'{kind} "{name}" not found')
        if len(rest) == 3 and rest[2] == "log":
            previous = parameters.get("previous") == "true"
            text = self.logs.get((name, previous))
            if text is None:
                return 400, status_object(400, "BadRequest", f'previous terminated container "{name}" in pod '
                                                             f'"{name}" not found')
            lines = text.splitlines(keepends=True)
            tail = int(parameters.get("tailLines", "0") or 0)
            return 200, "".join(lines[-tail:] if tail else lines)
        return 200, found[0]

    @staticmethod
    def _list(kind: str, items: list) -> dict:
        list_kind = {"services": "ServiceList", "pods": "PodList", "events": "EventList",
                     "secrets": "SecretList"}[kind]
        return {"kind": list_kind, "apiVersion": "v1", "metadata": {"resourceVersion": "7"}, "items": items}


def matches(item, selector: str) -> bool:
    """Whether ``item`` has the labels of ``selector``; a malformed item only matches no selector."""
    if not selector:
        return True
    metadata = item.get("metadata") if isinstance(item, dict) else None
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    labels = labels if isinstance(labels, dict) else {}
    for term in filter(None, selector.split(",")):
        key, _, value = term.partition("=")
        if labels.get(key) != value:
            return False
    return True
