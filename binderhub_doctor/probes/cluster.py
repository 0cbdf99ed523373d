"""What the cluster says about a BinderHub release: the Helm release, the chart's services and
the release's pods, each turned into ✓ / ! / ✗ steps with the evidence and the next step.

Facts come from helm.py (the release) and kubectl.py (services, pods, events, logs); nothing here
runs a program itself. Pods are the release's (label `release=NAME`, which every pod of the
BinderHub chart and its JupyterHub subchart carries: helm-chart/binderhub/templates/deployment.yaml
and container-builder/daemonset.yaml@b9fad995); user and build pods come and go and are left out.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator
from urllib.parse import urlsplit

from .. import helm
from ..invocation import program_name
from ..kubectl import Kubectl, KubectlProblem, is_address, items
from ..printable import printable
from .crash_causes import recognise
from .report import FAIL, OK, SKIP, WARN, Step

# The chart's pods, in the order a reader looks for them; others of the release follow.
COMPONENTS = ("binder", "hub", "proxy", "autohttps", "image-builder", "image-cleaner", "user-scheduler")
REQUIRED_COMPONENTS = ("binder", "hub", "proxy")
TRANSIENT_COMPONENTS = ("singleuser-server", "binderhub-build")  # users' servers and builds
LOGGED_COMPONENTS = ("binder", "hub")  # a crash here stops launches; its log says why
LOG_TAIL = 40  # lines read from the previous container
LOG_SHOWN = 10  # lines shown
LOG_LINE_LIMIT = 300  # characters of one line shown
PENDING_LOAD_BALANCER_IS_NORMAL = 300  # seconds: cloud load balancers take a few minutes

_FAILING_WAIT_REASONS = {
    "CrashLoopBackOff": "the container keeps crashing",
    "ImagePullBackOff": "the image cannot be pulled",
    "ErrImagePull": "the image cannot be pulled",
    "InvalidImageName": "the image name is not valid",
    "CreateContainerConfigError": "the container's configuration refers to something missing",
    "CreateContainerError": "the container could not be created",
    "RunContainerError": "the container could not be started",
}


@dataclass
class ClusterStep(Step):
    """A step with the evidence a reader needs beside its detail line."""

    log: list[str] = field(default_factory=list)  # the last lines of a crashed container (made printable)
    rules: list[str] = field(default_factory=list)  # lint rules that catch the cause before deploy


@dataclass
class ClusterView:
    """What one status run learned and the later checks reuse."""

    release: helm.ReleaseFacts | None = None
    proxy_address: tuple[str, int] | None = None  # (host, port) of service proxy-public, when it has one
    binder_url: str | None = None  # http://host[:port] of service binder, when it has one
    events: list | None = None  # the namespace's events, read once when something needs them


def timed(step_function):
    """Time a check that returns one step."""
    def wrapper(*arguments, **options):
        started = time.monotonic()
        step = step_function(*arguments, **options)
        step.seconds = time.monotonic() - started
        return step
    return wrapper


# --- the release ------------------------------------------------------------------------------

@dataclass
class ReleaseLookup:
    """What helm said about the release: its facts, or why there are none. `status` looks the
    release up before printing anything, so a release that does not exist is a usage error."""

    name: str
    namespace: str
    facts: helm.ReleaseFacts | None
    problem: helm.HelmProblem | None
    seconds: float

    @property
    def missing(self) -> bool:
        """Helm answered, and has no release of that name in that namespace."""
        return isinstance(self.problem, helm.ReleaseNotFound)


def look_up_release(helm_path: str, kubectl: Kubectl, name: str) -> ReleaseLookup:
    started = time.monotonic()
    try:
        facts = helm.release_facts(helm_path, name, kubectl.namespace, kubectl.context,
                                   timeout=kubectl.request_timeout * 2 + 5)
    except helm.HelmProblem as problem:
        return ReleaseLookup(name, kubectl.namespace, None, problem, time.monotonic() - started)
    return ReleaseLookup(name, kubectl.namespace, facts, None, time.monotonic() - started)


def missing_release_message(lookup: ReleaseLookup) -> str:
    return f"no release {lookup.name} in namespace {lookup.namespace} ({lookup.problem})"


def release_steps(lookup: ReleaseLookup, view: ClusterView, linted_version: str | None, linted_source: str | None,
                  program: str) -> list[Step]:
    name, namespace = lookup.name, lookup.namespace
    if lookup.missing:
        return [ClusterStep("release", FAIL, lookup.seconds, missing_release_message(lookup),
                            f"`helm list --all-namespaces` shows where it is; install it with "
                            f"`{program} install {name} -n {namespace} --version V`")]
    if lookup.facts is None:
        return [ClusterStep("release", FAIL, lookup.seconds, str(lookup.problem),
                            "check the kube context (--kube-context, `kubectl config current-context`) and that "
                            "the cluster answers")]
    view.release = facts = lookup.facts
    steps = [release_state_step(facts, program, lookup.seconds)]
    if linted_version:
        steps.append(chart_version_step(facts, linted_version, linted_source))
    return steps


def release_state_step(facts: helm.ReleaseFacts, program: str, seconds: float) -> Step:
    revision = f"revision {facts.revision} " if facts.revision else ""
    chart = f", chart {facts.chart}" if facts.chart else ""
    when = f" at {facts.last_deployed}" if facts.last_deployed else ""
    said = f": {facts.description}" if facts.description else ""
    upgrade = f"`{program} upgrade {facts.name} -n {facts.namespace} --version V`"
    if facts.status == "deployed":
        return ClusterStep("release", OK, seconds, f"{revision}deployed{when}{chart}")
    if facts.status.startswith("pending"):
        since = f" since {facts.last_deployed}" if facts.last_deployed else ""
        return ClusterStep("release", WARN, seconds, f"{revision}{facts.status}{since}{chart}",
                           "another helm operation is running, or one was interrupted; if none is running, "
                           f"`helm rollback {facts.name} -n {facts.namespace}` unblocks the release, then {upgrade}")
    return ClusterStep("release", FAIL, seconds, f"{revision}{facts.status}{said}{chart}",
                       f"`helm history {facts.name} -n {facts.namespace}` shows what happened; fix it and run {upgrade}")


def chart_version_step(facts: helm.ReleaseFacts, linted: str, source: str | None) -> Step:
    deployed = facts.chart_version
    origin = f" ({source})" if source else ""
    if deployed is None:
        return ClusterStep("chart version", SKIP, 0.0,
                           f"the release's chart is {facts.chart or 'unknown'}, not binderhub: not compared")
    if deployed == linted:
        return ClusterStep("chart version", OK, 0.0, f"{deployed}, the version the values were linted for{origin}")
    return ClusterStep("chart version", WARN, 0.0, f"deployed {deployed}, but the values were linted for {linted}{origin}",
                       f"lint with --chart-version {deployed}, or deploy {linted}: rules differ between versions")


# --- services ---------------------------------------------------------------------------------

def service_steps(kubectl: Kubectl, view: ClusterView, program: str, now: float | None = None) -> Iterator[Step]:
    for name in ("proxy-public", "binder"):
        started = time.monotonic()
        step, address = service_step(kubectl, name, view, now)
        step.seconds = time.monotonic() - started
        yield step
        if name == "proxy-public" and address:
            view.proxy_address = address
        elif address:
            view.binder_url = f"http://{host_with_port(*address)}"
    yield hub_url_step(view, kubectl.namespace, program)


def service_step(kubectl: Kubectl, name: str, view: ClusterView,
                 now: float | None) -> tuple[Step, tuple[str, int] | None]:
    try:
        service = kubectl.get("service", name)
    except KubectlProblem as problem:
        if problem.kind == "not_found":
            return ClusterStep(f"service {name}", FAIL, 0.0, f"not found in namespace {kubectl.namespace}",
                               "is BinderHub installed in this namespace? `helm list -n NAMESPACE`"), None
        return ClusterStep(f"service {name}", FAIL, 0.0, problem.message), None
    spec = service.get("spec") if isinstance(service.get("spec"), dict) else {}
    kind = str(spec.get("type") or "ClusterIP")
    port = service_port(spec)
    ingress = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    for entry in ingress if isinstance(ingress, list) else []:
        address = (entry or {}).get("ip") or (entry or {}).get("hostname") if isinstance(entry, dict) else None
        if address and not is_address(address):
            return ClusterStep(f"service {name}", FAIL, 0.0,
                               f"reports the external address `{printable(str(address))}`, which is neither an IP "
                               "address nor a host name"), None
        if address:
            return ClusterStep(f"service {name}", OK, 0.0, f"external address {host_with_port(address, port)}"), \
                (address, port)
    if kind != "LoadBalancer":
        return ClusterStep(f"service {name}", SKIP, 0.0,
                           f"type {printable(kind)}: no external address (reached through an ingress or a port "
                           "forward?)"), None
    age = seconds_since(((service.get("metadata") or {}).get("creationTimestamp")), now)
    waited = f" for {duration(age)}" if age is not None else ""
    reason = latest_warning(kubectl, view, "Service", name)
    evidence = f"; latest event: {reason}" if reason else ""
    normal = age is not None and age < PENDING_LOAD_BALANCER_IS_NORMAL and not reason
    return ClusterStep(f"service {name}", WARN if normal else FAIL, 0.0,
                       f"LoadBalancer still pending{waited}: no external IP yet{evidence}",
                       "cloud load balancers take a few minutes; if it stays pending, "
                       f"`kubectl describe service {name} -n {kubectl.namespace}` shows why (quota, no "
                       "load-balancer controller on this cluster)"), None


def hub_url_step(view: ClusterView, namespace: str, program: str) -> Step:
    """hub_url should be proxy-public's address (what `connect` writes), with JupyterHub's baseUrl."""
    release = view.release
    connect = f"`{program} connect {release.name if release else 'NAME'} -n {namespace} --version V`"
    if release is None:
        return ClusterStep("hub_url", SKIP, 0.0, "not checked: the release's values could not be read")
    hub_url = release.hub_url
    if hub_url in (None, ""):
        return ClusterStep("hub_url", FAIL, 0.0, "config.BinderHub.hub_url is not set in the deployed values: "
                           "BinderHub cannot send users to JupyterHub",
                           f"{connect} sets it from proxy-public's address and upgrades")
    if not isinstance(hub_url, str) or not urlsplit(hub_url).hostname:
        return ClusterStep("hub_url", FAIL, 0.0, f"config.BinderHub.hub_url `{printable(str(hub_url))}` is not a URL",
                           f"{connect} writes the right one")
    base = base_path(release.hub_base_url)
    parts = urlsplit(hub_url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    shown = printable(hub_url)
    if view.proxy_address is None:
        return ClusterStep("hub_url", SKIP, 0.0, f"{shown}: not compared, proxy-public has no external address")
    host, port = view.proxy_address
    proxy = host_with_port(host, port)
    if parts.hostname != host.lower() or (parts.port is not None and parts.port != port):
        return ClusterStep("hub_url", WARN, 0.0, f"{shown} does not point at proxy-public ({proxy})",
                           f"fine when users reach JupyterHub through an ingress at that address; otherwise {connect}")
    if path != base:
        return ClusterStep("hub_url", WARN, 0.0, f"{shown}: its path {printable(path)} is not JupyterHub's "
                           f"baseUrl {printable(base)}", f"set config.BinderHub.hub_url to http://{proxy}{base}")
    return ClusterStep("hub_url", OK, 0.0, f"{shown} points at proxy-public")


def service_port(spec: dict) -> int:
    ports = spec.get("ports")
    first = ports[0] if isinstance(ports, list) and ports and isinstance(ports[0], dict) else {}
    port = first.get("port")
    return port if isinstance(port, int) and 0 < port < 65536 else 80


def host_with_port(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port == 80 else f"{shown}:{port}"


def base_path(value) -> str:
    """JupyterHub's baseUrl as a path that starts and ends with `/` (the chart's default `/`)."""
    text = value if isinstance(value, str) and value.strip() else "/"
    text = "/" + text.strip().strip("/") + "/"
    return "/" if text == "//" else text


# --- pods -------------------------------------------------------------------------------------

def pod_steps(kubectl: Kubectl, release: str, view: ClusterView) -> Iterator[Step]:
    started = time.monotonic()
    try:
        pods = items(kubectl.get("pods", selector=f"release={release}"))
    except KubectlProblem as problem:
        yield ClusterStep("pods", FAIL, time.monotonic() - started, problem.message)
        return
    pods = [p for p in pods if component_of(p) not in TRANSIENT_COMPONENTS]
    pods.sort(key=lambda p: (order_of(component_of(p)), name_of(p)))
    for component in REQUIRED_COMPONENTS:
        if not any(component_of(p) == component for p in pods):
            reason = latest_warning(kubectl, view, None, component)
            evidence = f"; latest event: {reason}" if reason else ""
            yield ClusterStep(f"{component} pod", FAIL, 0.0, f"no {component} pod of release {release}{evidence}",
                              f"`kubectl get deployment,replicaset -n {kubectl.namespace}` and their events "
                              "show why none was created")
    for pod in pods:
        yield timed(pod_step)(kubectl, pod, view)


def pod_step(kubectl: Kubectl, pod: dict, view: ClusterView) -> Step:
    name, component = name_of(pod), component_of(pod)
    title = f"pod {printable(name)}"
    named = name if kubernetes_name(name) else "POD"  # for the commands a hint suggests
    status = pod.get("status") if isinstance(pod.get("status"), dict) else {}
    unscheduled = next((c for c in as_list(status.get("conditions")) if c.get("type") == "PodScheduled"
                        and c.get("status") == "False"), None)
    if unscheduled is not None:
        reason = unscheduled.get("message") or latest_warning(kubectl, view, "Pod", name) or "no reason given"
        return ClusterStep(title, FAIL, 0.0, f"Pending, not scheduled: {printable(str(reason))}",
                           "no node fits the pod: add nodes (or let the autoscaler), or lower its resource requests "
                           "in the values")
    containers = as_list(status.get("initContainerStatuses")) + as_list(status.get("containerStatuses"))
    restarts = sum(c.get("restartCount") for c in containers if isinstance(c.get("restartCount"), int))
    last = last_termination(containers)
    history = f", {restarts} restart{'s' if restarts != 1 else ''}" if restarts else ""
    history += f", last exit: {last}" if last and restarts else ""
    for container in containers:
        waiting = (container.get("state") or {}).get("waiting") if isinstance(container.get("state"), dict) else None
        reason = str((waiting or {}).get("reason") or "") if isinstance(waiting, dict) else ""
        if reason in _FAILING_WAIT_REASONS:
            message = str(waiting.get("message") or "")
            evidence = f": {printable(message)[:LOG_LINE_LIMIT]}" if message and reason != "CrashLoopBackOff" else ""
            step = ClusterStep(title, FAIL, 0.0, f"{component}: {reason}, {_FAILING_WAIT_REASONS[reason]}{evidence}"
                               f"{history}", waiting_hint(reason, kubectl.namespace, named, container))
            if reason == "CrashLoopBackOff" and component in LOGGED_COMPONENTS and kubernetes_name(name):
                add_crash_log(kubectl, step, name, container.get("name"), component)
            return step
        if reason:
            return ClusterStep(title, WARN, 0.0, f"{component}: starting ({printable(reason)}){history}",
                               f"rerun in a minute; `kubectl describe pod {named} -n {kubectl.namespace}` shows progress")
    phase = str(status.get("phase") or "Unknown")
    if phase in ("Failed", "Unknown"):
        return ClusterStep(title, FAIL, 0.0, f"{component}: {phase}{history}",
                           f"`kubectl describe pod {named} -n {kubectl.namespace}`")
    if phase == "Succeeded":
        return ClusterStep(title, OK, 0.0, f"{component}: completed")
    ready = next((c.get("status") == "True" for c in as_list(status.get("conditions")) if c.get("type") == "Ready"),
                 False)
    if not ready:
        return ClusterStep(title, WARN, 0.0, f"{component}: {phase}, not ready{history}",
                           f"its readiness probe fails so far; `kubectl describe pod {named} -n {kubectl.namespace}`")
    if last and last.startswith("OOMKilled"):
        return ClusterStep(title, WARN, 0.0, f"{component}: running, ready{history}",
                           "it ran out of memory before: raise its memory limit in the values")
    return ClusterStep(title, OK, 0.0, f"{component}: running, ready{history}")


def waiting_hint(reason: str, namespace: str, pod: str, container: dict) -> str:
    if reason in ("ImagePullBackOff", "ErrImagePull", "InvalidImageName"):
        image = printable(str(container.get("image") or "its image"))
        return (f"check that {image} exists (name and tag in the values) and, for a private registry, "
                "the image pull secret")
    if reason == "CrashLoopBackOff":
        return f"`kubectl logs {pod} -n {namespace} --previous` shows the whole log of the last crash"
    return f"`kubectl describe pod {pod} -n {namespace}` shows the events"


def add_crash_log(kubectl: Kubectl, step: ClusterStep, pod: str, container, component: str) -> None:
    """The previous container's last lines (made printable; the output sink masks secrets) and
    the known causes found in them."""
    try:
        text = kubectl.logs(pod, container if kubernetes_name(container) else None, previous=True, tail=LOG_TAIL)
    except KubectlProblem as problem:
        step.log = [f"(no log of the previous container: {problem.message})"]
        return
    lines = [printable(line)[:LOG_LINE_LIMIT] for line in text.splitlines() if line.strip()]
    step.log = lines[-LOG_SHOWN:]
    causes = recognise(lines, component)
    if causes:
        first = causes[0]
        step.detail += f"; known cause: {first.cause}"
        step.hint = first.fix
        ruled = [cause for cause in causes if cause.rule]
        step.rules = [cause.rule for cause in ruled]
        if ruled:
            rules = ", ".join(f"{c.rule} {c.name}" for c in ruled)
            step.hint += (f"; lint rule {rules} catches this before deploy "
                          f"(`{program_name()} explain {ruled[0].rule}`)")


def last_termination(containers: list) -> str | None:
    for container in containers:
        terminated = ((container.get("lastState") or {}) if isinstance(container.get("lastState"), dict) else {}
                      ).get("terminated")
        if isinstance(terminated, dict):
            reason = printable(str(terminated.get("reason") or "terminated"))
            code = terminated.get("exitCode")
            return f"{reason} (exit code {code})" if isinstance(code, int) else reason
    return None


_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")


def kubernetes_name(text) -> bool:
    """A name as Kubernetes allows it (RFC 1123): safe to pass to kubectl as an argument, where
    a name from a misbehaving API server such as `--kubeconfig=...` would be read as an option."""
    return isinstance(text, str) and bool(_NAME.fullmatch(text))


def component_of(pod: dict) -> str:
    labels = (pod.get("metadata") or {}).get("labels") if isinstance(pod.get("metadata"), dict) else None
    value = labels.get("component") if isinstance(labels, dict) else None
    return printable(value) if isinstance(value, str) else "(no component label)"


def name_of(pod: dict) -> str:
    value = (pod.get("metadata") or {}).get("name") if isinstance(pod.get("metadata"), dict) else None
    return value if isinstance(value, str) else "(unnamed)"


def order_of(component: str) -> int:
    return COMPONENTS.index(component) if component in COMPONENTS else len(COMPONENTS)


def as_list(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


# --- events and time --------------------------------------------------------------------------

def latest_warning(kubectl: Kubectl, view: ClusterView, kind: str | None, name: str) -> str | None:
    """The newest Warning event about ``name`` (for kind None: any object whose name starts with
    it, such as the ReplicaSet of a Deployment), as `Reason: message`."""
    if view.events is None:
        try:
            view.events = items(kubectl.get("events"))
        except KubectlProblem:
            view.events = []
    found = []
    for event in view.events:
        involved = event.get("involvedObject") if isinstance(event.get("involvedObject"), dict) else {}
        subject = str(involved.get("name") or "")
        if event.get("type") != "Warning":
            continue
        if (kind is not None and (involved.get("kind") != kind or subject != name)) or \
                (kind is None and not subject.startswith(name)):
            continue
        found.append((str(event.get("lastTimestamp") or event.get("eventTime") or ""), event))
    if not found:
        return None
    event = max(found, key=lambda pair: pair[0])[1]
    return printable(f"{event.get('reason') or 'Warning'}: {event.get('message') or ''}")[:LOG_LINE_LIMIT]


def seconds_since(timestamp, now: float | None = None) -> float | None:
    if not isinstance(timestamp, str):
        return None
    try:
        moment = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return max(0.0, (time.time() if now is None else now) - moment.timestamp())


def duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400} days"
