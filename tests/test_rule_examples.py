"""Every rule's own examples are run: a `fail` example must produce that rule's finding (at the
place its `at: FILE:LINE:COLUMN` names, if it names one), a `pass` example must not (the way
yamllint tests its rule docstrings and positions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from binderhub_doctor.engine import LintResult, lint, lint_across
from binderhub_doctor.rule_docs import example_files, example_location
from binderhub_doctor.ruleset import load_rules
from binderhub_doctor.values import load_values

RULES = load_rules()
CASES = [
    pytest.param(rule, kind, index, example, id=f"{rule.id}-{rule.name}-{kind}{index}")
    for rule in RULES
    for kind in ("fail", "pass")
    for index, example in enumerate(rule.examples.get(kind, []))
]


def lint_example(tmp_path, example):
    """An example's files are one values set; files in folders (`prod/config.yaml`) are one set
    per folder, linted together as `lint --folder-sets` does."""
    sets: dict[Path, list[Path]] = {}
    # secret files first, as `-f secret.yaml -f config.yaml`
    for name, text in sorted(example_files(example).items(), key=lambda item: "secret" not in item[0]):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        sets.setdefault(path.parent, []).append(path)
    linted = [(lint(values, RULES), values) for values in map(load_values, sets.values())]
    if len(linted) > 1:
        lint_across(linted, RULES, raise_errors=True)
    return LintResult(findings=[f for result, _ in linted for f in result.findings], files=[])


@pytest.mark.parametrize("rule, kind, index, example", CASES)
def test_rule_example(tmp_path, rule, kind, index, example):
    result = lint_example(tmp_path, example)
    own = [f for f in result.findings if f.rule == rule.id]
    crashed = [f for f in result.findings if "internal error" in f.message]
    assert not crashed, crashed
    if kind == "fail":
        assert own, f"{rule.id} did not report its failing example; findings: {result.findings}"
        at = example_location(example)
        if at:  # like yamllint's rule tests: the finding is at the place the example names
            where = sorted({f"{Path(f.file).relative_to(tmp_path).as_posix()}:{f.line}:{f.column}" for f in own if f.file})
            assert at in where, f"{rule.id} reported its failing example at {where}, not at {at}"
    else:
        assert not own, f"{rule.id} reported its passing example: {own}"


def test_every_rule_with_a_check_has_a_failing_example():
    exempt = {"unused-suppression", "file-encoding", "yaml-tag", "file-unreadable"}  # need bytes or comments
    missing = [r.id for r in RULES if not r.examples.get("fail") and r.name not in exempt]
    assert not missing, f"rules without a failing example: {missing}"


def test_every_rule_that_reports_an_error_in_its_examples_cites_its_source(tmp_path):
    """The severity policy reaches rules whose own severity is lower but whose hits can be errors."""
    from binderhub_doctor.rule_docs import cites_source

    uncited = set()
    for index, (rule, kind, _, example) in enumerate(case.values for case in CASES):
        if kind != "fail" or cites_source(rule.why):
            continue
        folder = tmp_path / str(index)
        folder.mkdir()
        if any(f.rule == rule.id and f.severity == "error" for f in lint_example(folder, example).findings):
            uncited.add(rule.id)
    assert not uncited, f"rules reporting errors whose why cites no source: {sorted(uncited)}"
