"""docs/rules.md is generated from the rule files; it must never drift from them."""

import re

from binderhub_doctor.rule_docs import cites_source, markdown
from binderhub_doctor.ruleset import load_rules
from support.tools import REPO_ROOT


def test_docs_rules_md_is_up_to_date():
    expected = markdown(load_rules())
    current = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, "docs/rules.md is stale: run `.venv/bin/python -m binderhub_doctor.rule_docs`"


def test_every_rule_has_a_section_and_anchor_that_its_url_points_to():
    text = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in load_rules():
        assert f"## {rule.id} {rule.name}" in text
        assert rule.url.endswith(f"#{rule.id.lower()}-{rule.name}")


def test_the_rules_table_is_in_id_order_as_the_rules_command_lists_them():
    text = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| \[(\w+)\]\(#", text, re.MULTILINE)
    sections = re.findall(r"^## ([A-Z]+[0-9]+) ", text, re.MULTILINE)
    assert table == sections == sorted(rule.id for rule in load_rules())


def test_docs_state_the_severity_policy():
    text = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "## Severity policy" in text
    assert "never an\n  error" in text and "for the chart version being linted" in text


def test_every_error_rule_cites_its_source():
    """The policy: an error only where Helm refuses or BinderHub demonstrably fails, and the rule's
    `why` says where that is written (a URL, or an upstream file at a version)."""
    uncited = [rule.id for rule in load_rules() if rule.severity == "error" and not cites_source(rule.why)]
    assert not uncited, f"error rules whose why cites no source: {uncited}"


def test_a_url_template_is_no_citation():
    assert not cites_source("BinderHub builds `https://<hostname>/api/v4/…` itself")
    assert cites_source("see https://github.com/jupyterhub/binderhub/blob/main/helm-chart/binderhub/schema.yaml")
    assert cites_source("(binderhub/launcher.py@b9fad995)")
    assert not cites_source("`https://gitlab.example.org` becomes `https://https://gitlab.example.org/api/v4`")
