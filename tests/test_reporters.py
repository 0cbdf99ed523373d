"""The four report formats over one hand-made result: each says the same findings, in its own
form, and decides nothing (no reporter drops, reorders or re-grades a finding)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from binderhub_doctor import reporters
from binderhub_doctor.chart_pin import ChartChoice
from binderhub_doctor.engine import LintResult
from binderhub_doctor.findings import Finding
from binderhub_doctor.ruleset import load_rules
from support.tools import REPO_ROOT

RULES = load_rules()
REPORT_SCHEMA = json.loads((REPO_ROOT / "binderhub_doctor" / "data" / "report-schema.json").read_text())
ERROR = Finding(rule="BHD201", name="image-prefix-form", severity="error", file="deploy/config.yaml", line=4,
                column=5, path="config.BinderHub.image_prefix", message="image_prefix has a scheme, 100%: bad",
                fix="Write it without the scheme.", url="https://example.org/rules#bhd201")
WARNING = Finding(rule="BHD501", name="hub-url-missing", severity="warning", file="deploy/config.yaml", line=1,
                  column=1, path="config.BinderHub.hub_url", message="hub_url is not set", fix=None)
INFO = Finding(rule="BHD505", name="github-token-missing", severity="info", file=None, line=None, column=None,
               path=None, message="no GitHub token, line one\nline two")
RESULT = LintResult(findings=[ERROR, WARNING, INFO], files=["deploy/secret.yaml", "deploy/config.yaml"],
                    skipped=[("deploy/secret.yaml", "encrypted (git-crypt)")], values_key="binderhub",
                    chart=ChartChoice("1.0.0-0.dev.git.3959.hb9fad995", "--chart-version"))
EMPTY = LintResult(findings=[], files=["config.yaml"])


def render(fmt, result=RESULT, **options):
    return reporters.render(fmt, result, RULES, options)


def test_text():
    lines = render("text").splitlines()
    assert lines == [
        "deploy/secret.yaml: skipped: encrypted (git-crypt)",
        "deploy/config.yaml:4:5: error BHD201 image_prefix has a scheme, 100%: bad [image-prefix-form]",
        "    fix: Write it without the scheme.",
        "deploy/config.yaml:1:1: warning BHD501 hub_url is not set [hub-url-missing]",
        # a newline inside a message is spelled out: it can never start a line of its own
        "(values): info BHD505 no GitHub token, line one\\nline two [github-token-missing]",
        "1 error, 1 warning, 1 info in 2 files (BinderHub values under `binderhub:`), "
        "chart 1.0.0-0.dev.git.3959.hb9fad995 (--chart-version)",
    ]
    assert "fix:" not in render("text", show_fixes=False)
    assert "\033[31merror\033[0m" in render("text", colour=True) and "\033[" not in render("text")
    assert render("text", EMPTY) == "✓ no problems found in 1 file\n"


def test_json_follows_the_public_contract():
    report = json.loads(render("json"))
    jsonschema.validate(report, REPORT_SCHEMA)
    assert [f["rule"] for f in report["findings"]] == ["BHD201", "BHD501", "BHD505"]
    assert report["findings"][0] == {**ERROR.as_dict()}
    assert report["summary"] == {"files": RESULT.files, "errors": 1, "warnings": 1, "infos": 1,
                                 "skipped": [{"file": "deploy/secret.yaml", "reason": "encrypted (git-crypt)"}],
                                 "values_key": "binderhub", "chart_version": "1.0.0-0.dev.git.3959.hb9fad995",
                                 "chart_version_source": "--chart-version"}


def test_sarif_lists_every_rule_and_points_each_result_at_its_rule():
    log = json.loads(render("sarif"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == {r.id for r in RULES}
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("BHD201", "error"), ("BHD501", "warning"),
                                                             ("BHD505", "note")]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "deploy/config.yaml"
    assert location["region"]["startLine"] == 4 and location["region"]["startColumn"] == 5


def test_github_annotations_escape_what_workflow_commands_would_misread():
    lines = render("github").splitlines()
    assert lines[0] == "::notice file=deploy/secret.yaml::skipped: encrypted (git-crypt)"
    assert lines[1] == ("::error file=deploy/config.yaml,line=4,col=5,title=BHD201 image-prefix-form::"
                        "image_prefix has a scheme, 100%25: bad%0Afix: Write it without the scheme.")
    assert lines[3] == "::notice title=BHD505 github-token-missing::no GitHub token, line one\\nline two"
    assert lines[-1].startswith("1 error, 1 warning, 1 info in 2 files")


@pytest.mark.parametrize("fmt", reporters.FORMATS)
def test_no_reporter_drops_or_reorders_a_finding(fmt):
    text = render(fmt)
    positions = [text.find(marker) for marker in ("BHD201", "BHD501", "BHD505")]
    assert -1 not in positions
    if fmt != "sarif":  # sarif lists every rule first, results after
        assert positions == sorted(positions)
