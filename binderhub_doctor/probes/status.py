"""`status`: is the deployed BinderHub actually working? The release, its services, its pods,
then what BinderHub and JupyterHub answer, in that order, each step handed to ``emit`` as soon
as it is known (the text report streams them).

The checks live in cluster.py (release, services, pods) and deployment_api.py (the HTTP
answers); this module runs them in order and keeps the report. Exit status: a ✗ anywhere fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..kubectl import Kubectl
from .cluster import ClusterView, ReleaseLookup, look_up_release, pod_steps, release_steps, service_steps
from .deployment_api import binderhub_steps, jupyterhub_step
from .report import FAIL, OK, SKIP, WARN, ProbeReport, Step

GROUPS = (("release", "Release"), ("services", "Services"), ("pods", "Pods"),
          ("binderhub", "BinderHub"), ("jupyterhub", "JupyterHub"))


@dataclass
class StatusOptions:
    release: str
    namespace: str
    kube_context: str | None
    helm: str
    kubectl: str
    timeout: float
    program: str
    linted_chart_version: str | None = None  # the chart version the values were linted for
    linted_chart_source: str | None = None  # where that version came from
    binder_url: str | None = None  # BinderHub's address when its service has no external one


@dataclass
class StatusReport:
    release: str
    namespace: str
    context: str | None
    groups: list[ProbeReport] = field(default_factory=list)

    @property
    def steps(self) -> list[Step]:
        return [step for group in self.groups for step in group.steps]

    @property
    def status(self) -> str:
        statuses = {step.status for step in self.steps}
        return FAIL if FAIL in statuses else WARN if WARN in statuses else OK

    @property
    def ok(self) -> bool:
        return self.status != FAIL

    def counts(self) -> dict:
        found = [step.status for step in self.steps]
        return {"passed": found.count(OK), "warnings": found.count(WARN), "failed": found.count(FAIL),
                "skipped": found.count(SKIP)}

    def as_dict(self) -> dict:
        return {"title": "status", "release": self.release, "namespace": self.namespace, "context": self.context,
                "ok": self.ok, "status": self.status,
                "groups": [{"name": group.title, "status": group.status, "steps": [step_dict(s) for s in group.steps]}
                           for group in self.groups],
                "summary": self.counts()}


def step_dict(step: Step) -> dict:
    data = {"name": step.name, "ok": step.ok, "status": step.status, "seconds": round(step.seconds, 3),
            "detail": step.detail, "hint": step.hint}
    data["log"] = list(getattr(step, "log", []))
    data["rules"] = list(getattr(step, "rules", []))
    return data


def kubectl_for(options: StatusOptions) -> Kubectl:
    return Kubectl(options.kubectl, options.namespace, options.kube_context, options.timeout)


def find_release(options: StatusOptions) -> ReleaseLookup:
    """The release as helm knows it (or why helm could not say), before any check runs."""
    return look_up_release(options.helm, kubectl_for(options), options.release)


def run_status(options: StatusOptions, emit: Callable[[str, Step], None] = lambda group, step: None,
               lookup: ReleaseLookup | None = None) -> StatusReport:
    """Every check in order; ``emit(group title, step)`` as each step is known. ``lookup``: the
    release already looked up (find_release), else it is looked up first."""
    kubectl = kubectl_for(options)
    report = StatusReport(options.release, options.namespace, options.kube_context)
    view = ClusterView()
    groups = dict(GROUPS)

    def run(group: str, steps_of: Callable[[], list[Step]]) -> None:
        title = groups[group]
        report.groups.append(ProbeReport(title))
        for step in steps_of():
            report.groups[-1].steps.append(step)
            emit(title, step)

    found = lookup or look_up_release(options.helm, kubectl, options.release)
    run("release", lambda: release_steps(found, view, options.linted_chart_version, options.linted_chart_source,
                                         options.program))
    run("services", lambda: service_steps(kubectl, view, options.program))
    run("pods", lambda: pod_steps(kubectl, options.release, view))
    release = view.release
    binder_url = options.binder_url or view.binder_url
    run("binderhub", lambda: binderhub_steps(binder_url, release.binder_base_url if release else None,
                                             options.timeout, "service binder has no external address"))
    run("jupyterhub", lambda: [jupyterhub_step(release.hub_url if release else None, options.timeout)])
    return report
