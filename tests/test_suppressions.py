"""`# binderhub-doctor: disable=ID` comments: on the line or the line above, by id or name,
`disable-file` anywhere; a comment that suppresses nothing is itself reported (BHD008)."""

from __future__ import annotations

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from binderhub_doctor.suppressions import Suppressions
from binderhub_doctor.values import load_values

RULES = load_rules()
PREFIX = "gcr.io/demo/binder-prod"  # BHD202 image-prefix-trailing-dash (a warning) at 4:5


def findings(tmp_path, text: str):
    path = tmp_path / "config.yaml"
    path.write_text("config:\n  BinderHub:\n    use_registry: true\n" + text, encoding="utf-8")
    return lint(load_values([path]), RULES).findings


def rules_at(result, line=None):
    return {(f.rule, f.line) for f in result if line is None or f.line == line}


def test_without_a_comment_the_finding_is_there(tmp_path):
    assert ("BHD202", 4) in rules_at(findings(tmp_path, f"    image_prefix: {PREFIX}\n"))


def test_a_comment_on_the_line_suppresses_by_id_or_name(tmp_path):
    for selector in ("BHD202", "image-prefix-trailing-dash", "BHD201, BHD202"):
        result = findings(tmp_path, f"    image_prefix: {PREFIX}  # binderhub-doctor: disable={selector}\n")
        assert ("BHD202", 4) not in rules_at(result), selector
        assert not [f for f in result if f.rule == "BHD008" and "BHD202" in f.message]


def test_a_comment_on_the_line_above_suppresses(tmp_path):
    result = findings(tmp_path, f"    # binderhub-doctor: disable=BHD202\n    image_prefix: {PREFIX}\n")
    assert "BHD202" not in {f.rule for f in result}


def test_a_comment_two_lines_above_does_not(tmp_path):
    result = findings(tmp_path, f"    # binderhub-doctor: disable=BHD202\n    hub_url: http://192.0.2.1\n"
                                f"    image_prefix: {PREFIX}\n")
    assert ("BHD202", 6) in rules_at(result)
    assert [(f.rule, f.line) for f in result if f.rule == "BHD008"] == [("BHD008", 4)]


def test_disable_file_works_anywhere_in_the_file(tmp_path):
    result = findings(tmp_path, f"    image_prefix: {PREFIX}\n# binderhub-doctor: disable-file=BHD202\n")
    assert "BHD202" not in {f.rule for f in result}


def test_an_unused_or_unknown_suppression_is_reported_where_it_is(tmp_path):
    result = findings(tmp_path, "    hub_url: http://192.0.2.1  # binderhub-doctor: disable=BHD202,no-such-rule\n")
    unused = sorted(f.message for f in result if f.rule == "BHD008")
    assert unused == ["suppression of `BHD202` suppresses nothing here; remove the comment",
                      "suppression of `no-such-rule` is not a rule; remove the comment"]
    assert {(f.line, f.column) for f in result if f.rule == "BHD008"} == {(4, 1)}


def test_scan_reads_only_directives():
    class Doc:
        file = "config.yaml"
        lines = ["a: 1  # binderhub-doctor: disable=BHD1", "# binderhub-doctor is great", "b: 2  # disable=BHD2",
                 "# binderhub-doctor: disable-file=x-y, BHD3  # why"]

    items = Suppressions.scan([Doc()]).items
    assert [(i.line, i.scope, i.rule) for i in items] == [(1, "line", "BHD1"), (4, "file", "x-y"), (4, "file", "BHD3")]
