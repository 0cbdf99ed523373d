"""docs/rules.md is generated from the rule files; it must never drift from them."""

from binderhub_doctor.rule_docs import markdown
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
