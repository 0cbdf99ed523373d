"""The engine: rules run over the values, hits become findings with a place, a severity and
scrubbed text; conditions, chart-version gates and unread files decide which rules speak; a
crashing rule is one finding, not a lost run."""

from __future__ import annotations

import pytest

from binderhub_doctor.config import Config
from binderhub_doctor.engine import InternalError, lint
from binderhub_doctor.ruleset import Rule, load_rules
from support.tools import values_of

RULES = load_rules()


def rule(check: dict, **fields) -> Rule:
    base = dict(id="ORG001", name="org-rule", severity="warning", summary="s", why="w", fix="the rule's fix")
    return Rule(**{**base, **fields, "check": check})


def test_a_hit_becomes_a_finding_where_the_value_was_written(tmp_path):
    values = values_of(tmp_path, "config:\n  BinderHub:\n    hub_url: http://x\n")
    check = {"kind": "pattern", "path": "config.BinderHub.hub_url", "match": "^https://"}
    [finding] = lint(values, [rule(check)]).findings
    assert (finding.rule, finding.name, finding.severity) == ("ORG001", "org-rule", "warning")
    assert (finding.file, finding.line, finding.column) == (str(tmp_path / "config.yaml"), 3, 5)
    assert finding.path == "config.BinderHub.hub_url" and finding.fix == "the rule's fix"
    assert finding.url.endswith("#org001-org-rule")


def test_a_missing_value_points_at_the_top_of_the_last_file(tmp_path):
    values = values_of(tmp_path, "config: {}\n", secret="registry: {}\n")
    [finding] = lint(values, [rule({"kind": "required", "path": "config.BinderHub.hub_url"})]).findings
    assert (finding.file, finding.line, finding.column) == (str(tmp_path / "config.yaml"), 1, 1)


def test_when_conditions_and_chart_versions_gate_a_rule(tmp_path):
    values = values_of(tmp_path, "config:\n  BinderHub:\n    use_registry: false\n")
    check = {"kind": "required", "path": "config.BinderHub.image_prefix"}
    gated = rule(check, when=[{"path": "config.BinderHub.use_registry", "not_equals": False, "default_holds": True}])
    assert lint(values, [gated]).findings == []
    assert len(lint(values, [rule(check)]).findings) == 1
    newer = rule(check, charts={"min": "1.0.0-0.dev.git.3000"})
    assert lint(values, [newer], chart_version="0.2.0-n600").findings == []
    assert len(lint(values, [newer], chart_version="1.0.0-0.dev.git.3959.hb9fad995").findings) == 1


def test_config_disables_and_regrades(tmp_path):
    values = values_of(tmp_path, "config: {}\n")
    check = {"kind": "required", "path": "config.BinderHub.hub_url"}
    assert lint(values, [rule(check)], Config(ignore=["ORG"])).findings == []
    [finding] = lint(values, [rule(check)], Config(severity={"org-rule": "error"})).findings
    assert finding.severity == "error"


def test_a_crashing_rule_is_one_internal_error_and_the_others_still_run(tmp_path):
    values = values_of(tmp_path, "config:\n  BinderHub:\n    hub_url: http://x\n")
    broken = rule({"kind": "agree", "path": "config.BinderHub.hub_url", "other": 5}, id="ORG002", name="broken")
    working = rule({"kind": "pattern", "path": "config.BinderHub.hub_url", "match": "^https://"})
    findings = lint(values, [broken, working]).findings
    assert [(f.rule, f.severity) for f in findings] == [("ORG002", "error"), ("ORG001", "warning")]
    assert findings[0].message.startswith("internal error: this rule crashed (")
    with pytest.raises(InternalError, match="rule ORG002 \\(broken\\) failed"):
        lint(values, [broken, working], raise_errors=True)


def test_messages_and_fixes_never_show_a_secret(tmp_path):
    secret = "jupyterhub:\n  proxy:\n    secretToken: 0123456789abcdef0123456789abcdef\n"
    values = values_of(tmp_path, "config: {}\n", secret=secret)
    check = {"kind": "pattern", "path": "jupyterhub.proxy.secretToken", "match": "^x",
             "message": "{path} is {value}"}
    [finding] = lint(values, [rule(check, fix="Set {path} to a fresh token.")]).findings
    assert "0123456789abcdef" not in finding.message + finding.fix
    assert "…(32 chars)" in finding.message


def test_an_unreadable_file_silences_rules_about_missing_values(tmp_path):
    values = values_of(tmp_path, "config:\n  BinderHub:\n    hub_url: [\n", secret="registry: {}\n")
    check = {"kind": "required", "path": "config.BinderHub.image_prefix"}
    findings = lint(values, RULES + [rule(check)]).findings
    assert "ORG001" not in {f.rule for f in findings}  # the broken file may well set it
    assert "BHD001" in {f.rule for f in findings}
    readable = values_of(tmp_path, "config:\n  BinderHub:\n    hub_url: x\n", secret="registry: {}\n")
    assert "ORG001" in {f.rule for f in lint(readable, [rule(check)]).findings}


def test_identical_findings_are_reported_once_and_in_file_order(tmp_path):
    values = values_of(tmp_path, "config:\n  BinderHub:\n    hub_url: http://x\n    image_prefix: http://y\n")
    check = {"kind": "pattern", "path": ["config.BinderHub.image_prefix", "config.BinderHub.hub_url",
                                         "config.BinderHub.hub_url"], "match": "^https://"}
    findings = lint(values, [rule(check)]).findings
    assert [f.line for f in findings] == [3, 4]


def test_document_problems_use_their_rule_and_position(tmp_path):
    values = values_of(tmp_path, "config:\n  BinderHub:\n    hub_url: a\n    hub_url: b\n")
    [duplicate] = [f for f in lint(values, RULES).findings if f.name == "duplicate-key"]
    assert (duplicate.rule, duplicate.line, duplicate.column) == ("BHD002", 4, 5)
    assert duplicate.path == "config.BinderHub.hub_url"


def test_lints_of_the_same_values_in_one_process_share_no_state(tmp_path):
    """What the chart-layout rules share lives on each lint's context: the same values linted
    against another chart version are judged by that version, in either order."""
    values = values_of(tmp_path, "notAKey: 1\n")
    layout = [r for r in RULES if r.name == "unknown-chart-key"]

    def severities(version):
        return [f.severity for f in lint(values, layout, chart_version=version).findings]

    assert severities(None) == ["error"]
    assert severities("0.2.0-n219") == ["warning"]  # before the chart had a values schema
    assert severities(None) == ["error"]
