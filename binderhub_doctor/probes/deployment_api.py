"""What a deployed BinderHub and its JupyterHub answer, turned into ✓ / ! / ✗ steps.

The shapes are the servers' own:

- BinderHub `GET {base_url}health` (binderhub/health.py `HealthHandler.get`@b9fad995):
  `{"ok": bool, "checks": [{"service": "JupyterHub API" | "Docker registry" | "Pod quota",
  "ok": bool, ...}]}`, HTTP 503 when not ok. "Pod quota" (`KubernetesHealthHandler`) carries
  `total_pods`, `build_pods`, `user_pods`, `quota` and `_ignore_failure: true`: information,
  not a failure. "Docker registry" is there only with `use_registry`.
- BinderHub `GET {base_url}versions` (binderhub/base.py `VersionHandler.get`@b9fad995):
  `{"builder_info": {...}, "binderhub": "<version>"}`, plus `"builder"` (the build image)
  when builder_info has `build_image`.
- JupyterHub `GET {hub_url}hub/api` (jupyterhub/apihandlers/hub.py `RootAPIHandler.get`):
  `{"version": "<version>"}`, unauthenticated.

These are GETs without credentials to the user's own services, which a cloud load balancer
usually serves over plain http: plain http is allowed for exactly those hosts. Every request is
bounded by the timeout; a server that stalls is reported as such.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from ..invocation import program_name
from ..printable import printable
from .cluster import ClusterStep
from .http import HttpClient, HttpError, join_url, safe_url
from .report import FAIL, OK, SKIP, WARN, Step

HEALTH_HINTS = {
    "Docker registry": "BinderHub cannot reach its registry with the configured credentials: run "
                       "`{program} check-registry secret.yaml config.yaml`",
    "JupyterHub API": "BinderHub cannot reach JupyterHub's API: check config.BinderHub.hub_url (and hub_url_local) "
                      "and that jupyterhub.hub.services.binder.apiToken is the token JupyterHub knows",
}
MAX_CHECKS = 20  # a hostile /health listing thousands of checks gets a summary, not a flood


def client(url: str, timeout: float) -> HttpClient:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return HttpClient(timeout=timeout, deadline=timeout * 2, retries=0, max_body=256 * 1024,
                      insecure_hosts=(host,))


def with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def binderhub_steps(binder_url: str | None, base_url, timeout: float, skip_reason: str) -> list[Step]:
    if not binder_url:
        return [ClusterStep("/health", SKIP, 0.0, f"not checked: {skip_reason}",
                            "pass --binder-url URL (e.g. the ingress address) to check it")]
    base = base_url.strip("/") + "/" if isinstance(base_url, str) and base_url.strip("/") else ""
    root = join_url(with_slash(binder_url), base) or with_slash(binder_url)
    return [*health_steps(join_url(root, "health"), timeout), versions_step(join_url(root, "versions"), timeout)]


def fetch_json(url: str, timeout: float):
    """(HTTP status, the JSON document or None, seconds); HttpError when nothing usable came back."""
    started = time.monotonic()
    with client(url, timeout) as http:
        response = http.request("GET", url, headers={"Accept": "application/json"})
        try:
            document = response.json()
        except HttpError as problem:
            if problem.kind == "too_large":  # said as such, not as "not BinderHub"
                raise
            document = None
    return response.status, document, time.monotonic() - started


def fetch_or_fail(name: str, url: str, timeout: float, what: str):
    """(fetch_json's answer, None), or (None, the ✗ step) when nothing usable came back."""
    started = time.monotonic()
    try:
        return fetch_json(url, timeout), None
    except HttpError as problem:
        return None, ClusterStep(name, FAIL, time.monotonic() - started, printable(str(problem)),
                                 f"{what} at {printable(safe_url(url))} does not answer: is its service reachable "
                                 "from here (firewall, a LoadBalancer still pending)?")


def health_steps(url: str, timeout: float) -> list[Step]:
    answer, failed = fetch_or_fail("/health", url, timeout, "BinderHub")
    if failed:
        return [failed]
    status, document, seconds = answer
    checks = document.get("checks") if isinstance(document, dict) else None
    if status not in (200, 503) or not isinstance(checks, list) or not isinstance(document.get("ok"), bool):
        return [ClusterStep("/health", FAIL, seconds, f"HTTP {status}, not BinderHub's health report",
                            f"is {printable(safe_url(url))} BinderHub? check the binder service and config.BinderHub.base_url")]
    healthy = document["ok"] and status == 200
    steps: list[Step] = [ClusterStep("/health", OK if healthy else FAIL, seconds,
                                     "ok" if healthy else f"HTTP {status}: BinderHub reports itself unhealthy")]
    for check in checks[:MAX_CHECKS]:
        steps.append(health_check_step(check))
    if len(checks) > MAX_CHECKS:
        steps.append(ClusterStep("/health", WARN, 0.0, f"{len(checks) - MAX_CHECKS} more checks not shown"))
    return steps


def health_check_step(check) -> Step:
    if not isinstance(check, dict):
        return ClusterStep("/health check", WARN, 0.0, "an entry that is not an object")
    service = check.get("service")
    name = printable(service)[:80] if isinstance(service, str) else "(unnamed check)"
    ok = check.get("ok") is True
    if "quota" in check or check.get("_ignore_failure") is True:
        counts = pod_counts(check)
        return ClusterStep(f"/health: {name}", OK if ok else WARN, 0.0, counts or ("ok" if ok else "over"),
                           None if ok else "more pods than the launch quota: new launches wait (informational)")
    if ok:
        return ClusterStep(f"/health: {name}", OK, 0.0, "ok")
    hint = HEALTH_HINTS.get(name, "BinderHub's log says why: `kubectl logs deploy/binder -n NAMESPACE`")
    return ClusterStep(f"/health: {name}", FAIL, 0.0, "failing", hint.format(program=program_name()))


def pod_counts(check: dict) -> str:
    numbers = {key: check.get(key) for key in ("total_pods", "quota", "user_pods", "build_pods")}
    if not isinstance(numbers["total_pods"], int):
        return ""
    quota = numbers["quota"] if isinstance(numbers["quota"], int) else "no quota"
    parts = [f"{numbers['total_pods']} pods of {quota}"]
    detail = [f"{numbers[key]} {key.split('_')[0]}" for key in ("user_pods", "build_pods")
              if isinstance(numbers[key], int)]
    return parts[0] + (f" ({', '.join(detail)})" if detail else "")


def versions_step(url: str, timeout: float) -> Step:
    answer, failed = fetch_or_fail("/versions", url, timeout, "BinderHub")
    if failed:
        return failed
    status, document, seconds = answer
    version = document.get("binderhub") if isinstance(document, dict) else None
    if status != 200 or not isinstance(version, str):
        return ClusterStep("/versions", WARN, seconds, f"HTTP {status}, not BinderHub's versions")
    builder = document.get("builder")
    info = document.get("builder_info")
    if not isinstance(builder, str) and isinstance(info, dict):
        builder = ", ".join(f"{key} {value}" for key, value in list(info.items())[:3] if isinstance(value, str))
    shown = f"BinderHub {printable(version)[:80]}"
    if isinstance(builder, str) and builder:
        shown += f", builder {printable(builder)[:160]}"
    return ClusterStep("/versions", OK, seconds, shown)


def jupyterhub_step(hub_url, timeout: float) -> Step:
    if not isinstance(hub_url, str) or not hub_url.strip():
        return ClusterStep("/hub/api", SKIP, 0.0, "not checked: config.BinderHub.hub_url is not set")
    url = join_url(with_slash(hub_url.strip()), "hub/api")
    if url is None:
        return ClusterStep("/hub/api", SKIP, 0.0, "not checked: config.BinderHub.hub_url is not a usable URL")
    answer, failed = fetch_or_fail("/hub/api", url, timeout, "JupyterHub")
    if failed:
        return failed
    status, document, seconds = answer
    version = document.get("version") if isinstance(document, dict) else None
    if status != 200 or not isinstance(version, str):
        return ClusterStep("/hub/api", FAIL, seconds, f"HTTP {status}, not JupyterHub's API",
                           "hub_url should be JupyterHub's public address including jupyterhub.hub.baseUrl; "
                           "is it proxy-public's?")
    return ClusterStep("/hub/api", OK, seconds, f"JupyterHub {printable(version)[:80]}")
