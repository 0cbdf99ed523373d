"""Real BinderHub deployments (../shared/realworld/deployments, never committed here), each linted
the way it was deployed: its own `-f` order, values key and secret files, at the chart version it
ran and at the newest chart. No error may be reported there except the real defects its
deployment.yaml lists, and those must still be reported."""

from __future__ import annotations

import json

import pytest
import yaml

from binderhub_doctor.chart_versions import NEWEST
from support.tools import SHARED, invoke

DEPLOYMENTS = SHARED / "realworld" / "deployments"


def deployments():
    if not DEPLOYMENTS.is_dir():
        return []
    return sorted(p.parent for p in DEPLOYMENTS.glob("*/deployment.yaml"))


def cases():
    for folder in deployments():
        lint = yaml.safe_load((folder / "deployment.yaml").read_text())["lint"]
        if lint.get("chart_version"):
            yield pytest.param(folder, "at_own_chart", id=f"{folder.name}-own-chart")
        yield pytest.param(folder, "at_newest_chart", id=f"{folder.name}-newest-chart")


def lint_deployment(folder, mode):
    meta = yaml.safe_load((folder / "deployment.yaml").read_text())
    lint = meta["lint"]
    args = ["lint", "--format", "json"]
    if lint.get("values_key"):
        args += ["--values-key", lint["values_key"]]
    for secret in lint.get("secret_files") or []:
        args += ["--secret-file", secret]
    # the newest chart explicitly: without the option a deployment's own pin (its Chart.yaml) is used
    args += ["--chart-version", str(lint["chart_version"]) if mode == "at_own_chart" else NEWEST]
    run = invoke(*args, *lint["files"], cwd=folder)
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    return json.loads(run.stdout), (meta.get("real_errors") or {}).get(mode) or []


@pytest.mark.skipif(not DEPLOYMENTS.is_dir(), reason=f"{DEPLOYMENTS} is absent (upstream data, never committed)")
@pytest.mark.parametrize("folder, mode", list(cases()))
def test_no_false_error_and_every_real_one(folder, mode):
    report, real = lint_deployment(folder, mode)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    real_paths = [r["path"] for r in real]
    missed = [path for path in real_paths if path not in {f["path"] for f in errors}]
    assert not missed, f"real defects no longer reported: {missed}"
    false = [(f["rule"], f["path"], f["message"]) for f in errors if f["path"] not in real_paths]
    assert not false


@pytest.mark.skipif(not DEPLOYMENTS.is_dir(), reason=f"{DEPLOYMENTS} is absent (upstream data, never committed)")
@pytest.mark.parametrize("folder", deployments(), ids=lambda p: p.name)
def test_without_an_option_the_chart_the_deployment_pins_is_used(folder):
    """A deployment whose values sit in its own chart lints at the BinderHub version that chart
    pins, and the summary says so."""
    meta = yaml.safe_load((folder / "deployment.yaml").read_text())
    lint = meta["lint"]
    args = ["lint", "--format", "json", *(["--values-key", lint["values_key"]] if lint.get("values_key") else [])]
    for secret in lint.get("secret_files") or []:
        args += ["--secret-file", secret]
    summary = json.loads(invoke(*args, *lint["files"], cwd=folder).stdout)["summary"]
    pins = [p for p in (folder / lint["files"][0]).parent.glob("*.yaml")
            if p.name in ("Chart.yaml", "requirements.yaml") and "name: binderhub" in p.read_text()]
    if pins:
        assert summary["chart_version"] == str(lint["chart_version"])
        assert summary["chart_version_source"].startswith("pinned in ")
    else:
        assert summary["chart_version"] == NEWEST and summary["chart_version_source"] == "the newest known"


def test_the_deployments_are_there_or_the_test_says_why():
    if not DEPLOYMENTS.is_dir():
        pytest.skip(f"{DEPLOYMENTS} is absent (upstream data, never committed)")
    assert len(deployments()) >= 10
