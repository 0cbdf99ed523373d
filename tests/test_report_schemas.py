"""The JSON schemas of `status` and `doctor` (binderhub_doctor/data/) against reports rendered in
process from hand-made results: what the reporters write passes, and each schema refuses what
would break a reader (a key that is not ours, a step without its log, a section of the wrong
kind), including through the references doctor's schema makes to lint's and status's."""

from __future__ import annotations

import copy
import json
from types import SimpleNamespace

import jsonschema
import pytest

from binderhub_doctor.commands.doctor import Section
from binderhub_doctor.findings import Finding
from binderhub_doctor.probes.cluster import ClusterStep
from binderhub_doctor.probes.report import FAIL, OK, SKIP, WARN, ProbeReport, Step
from binderhub_doctor.probes.status import StatusReport
from binderhub_doctor.reporters import doctor_report, status_report
from support.report_schemas import SCHEMAS, validator


def a_status_report() -> StatusReport:
    report = StatusReport("binder", "binder", None)
    release = ProbeReport("Release", [ClusterStep("release", OK, 0.2, "revision 1 deployed")])
    pods = ProbeReport("Pods", [ClusterStep("pod binder-1", FAIL, 0.1, "CrashLoopBackOff", "fix it",
                                            log=["TraitError: ..."], rules=["BHD303"])])
    binderhub = ProbeReport("BinderHub", [ClusterStep("/health", SKIP, 0.0, "not checked", "pass --binder-url")])
    report.groups = [release, pods, binderhub]
    return report


def a_doctor_report() -> dict:
    finding = Finding(rule="BHD505", name="github-token-missing", severity="info", file=None, line=None,
                      column=None, path=None, message="no GitHub token")
    registry = ProbeReport("registry", [Step("push", WARN, 0.5, "slow", "look")],
                           derived={"username": "binderbot", "password": "…(12 chars)", "DockerRegistry.not_found_401": False})
    sections = [Section("lint", "Lint", OK, "1 info in 1 file", findings=[finding]),
                Section("registry", "Registry", WARN, "usable, 1 warning", registry),
                Section("github", "GitHub", SKIP, "not configured"),
                Section("status", "Release binder", FAIL, "1 check failed", a_status_report())]
    values = SimpleNamespace(documents=[SimpleNamespace(file="config.yaml")])
    return json.loads(doctor_report.render_json(sections, values))


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_each_schema_is_a_valid_draft_2020_12_schema(name):
    jsonschema.Draft202012Validator.check_schema(SCHEMAS[name])
    assert SCHEMAS[name]["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_status_report_passes_and_its_mistakes_do_not():
    document = json.loads(status_report.render_json(a_status_report()))
    check = validator("status-report-schema.json")
    check.validate(document)
    assert document["groups"][1]["steps"][0]["rules"] == ["BHD303"]

    def broken(change) -> bool:
        copied = copy.deepcopy(document)
        change(copied)
        return not check.is_valid(copied)

    assert broken(lambda d: d.pop("version"))
    assert broken(lambda d: d.update(extra=1))
    assert broken(lambda d: d["groups"][1]["steps"][0].pop("log"))
    assert broken(lambda d: d["groups"][1]["steps"][0].update(rules=["not a rule"]))
    assert broken(lambda d: d["groups"][0].update(name="Nodes"))
    assert broken(lambda d: d["summary"].update(failed=-1))
    assert broken(lambda d: d.update(status="skip"))  # a whole report is never "not checked"


def test_the_doctor_report_passes_and_its_mistakes_do_not():
    document = a_doctor_report()
    check = validator("doctor-report-schema.json")
    check.validate(document)
    lint, registry, github, release = document["sections"]

    def broken(change) -> bool:
        copied = copy.deepcopy(document)
        change(copied)
        return not check.is_valid(copied)

    assert broken(lambda d: d.update(extra=1))
    assert broken(lambda d: d["sections"][0].pop("findings"))  # lint always lists its findings
    assert broken(lambda d: d["sections"][0]["findings"][0].update(rule="bhd505"))  # lint's own schema applies
    assert broken(lambda d: d["sections"][1].update(findings=[]))  # only lint has findings
    assert broken(lambda d: d["sections"][1]["report"].pop("derived"))
    assert broken(lambda d: d["sections"][1]["report"]["derived"].update(nested={"a": 1}))
    assert broken(lambda d: d["sections"][3]["report"].update(version=1))  # the release's report has no version
    assert broken(lambda d: d["sections"][3]["report"]["groups"][0]["steps"][0].pop("log"))  # status's schema applies
    # a probe's report where the release's belongs, and the other way round
    assert broken(lambda d: d["sections"][3].update(report=registry["report"]))
    assert broken(lambda d: d["sections"][1].update(report=release["report"]))
    assert "report" not in github and lint["findings"][0]["rule"] == "BHD505"
