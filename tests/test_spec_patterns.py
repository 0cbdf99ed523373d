"""Spec patterns (BHD601, BHD602): judged by the Python `re` of the chart's BinderHub image, never
run; a pattern written against a URL matches no spec."""

from __future__ import annotations

import sys
import time

import pytest

from binderhub_doctor.checks.builtin.spec_patterns import matches_no_spec, regex_problem
from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from support.tools import values_of

RULES = load_rules()
PYTHON_39_CHART = "1.0.0-0.dev.git.2900.h0000000"  # before 5940cd74 moved the image to Python 3.11
HERE_311 = sys.version_info >= (3, 11)


def findings(tmp_path, config: str, rule: str, chart_version: str | None = None):
    result = lint(values_of(tmp_path, config), RULES, chart_version=chart_version, raise_errors=True)
    return [f for f in result.findings if f.rule == rule]


@pytest.mark.parametrize("pattern", [r"\pL+/.*", r"^[[:alpha:]]+/.*", r"(?P=name)"])
def test_python_judges_patterns_re2_reads_differently(pattern):
    """`\\pL` and `[[:alpha:]]` are RE2 (the engine of our own rule files) but not Python: BinderHub
    refuses the first and the third; the second compiles in Python (as a class with a warning)."""
    problem = regex_problem(pattern, modern=True)
    assert (problem is None) == (pattern == r"^[[:alpha:]]+/.*")


@pytest.mark.skipif(not HERE_311, reason="the 3.11 syntax is read with Python 3.11's own parser")
def test_python_311_syntax_is_an_error_only_for_charts_on_python_39(tmp_path):
    config = "config:\n  GitHubRepoProvider:\n    banned_specs:\n      - ^(?>spam|junk)[a-z]++/.*\n"
    assert not findings(tmp_path, config, "BHD601")
    old = findings(tmp_path, config, "BHD601", chart_version=PYTHON_39_CHART)
    assert [f.severity for f in old] == ["error"] and "Python 3.8 to 3.10" in old[0].message


def test_global_flags_mid_pattern_are_an_error_only_since_python_311(tmp_path):
    config = "config:\n  GitHubRepoProvider:\n    allowed_specs:\n      - ^ours/(?i)repo.*\n"
    assert [f.line for f in findings(tmp_path, config, "BHD601")] == [4]
    assert not findings(tmp_path, config, "BHD601", chart_version=PYTHON_39_CHART)


def test_charts_on_python_37_or_older_are_not_judged_by_todays_re(tmp_path):
    config = "config:\n  GitHubRepoProvider:\n    banned_specs:\n      - ^evil/(repo\n      - 42\n"
    assert [f.line for f in findings(tmp_path, config, "BHD601", chart_version="0.2.0-n261.h0000000")] == [5]


def test_allowed_specs_before_the_chart_that_reads_it_are_not_judged(tmp_path):
    config = "config:\n  GitHubRepoProvider:\n    allowed_specs:\n      - ^ours/(repo\n"
    assert findings(tmp_path, config, "BHD601")
    assert not findings(tmp_path, config, "BHD601", chart_version="1.0.0-0.dev.git.3400.h0000000")


def test_a_pattern_that_would_backtrack_for_ever_is_only_compiled(tmp_path):
    config = "config:\n  GitHubRepoProvider:\n    banned_specs:\n      - ^(a|a)*$\n      - " + "(" * 200 + "\n"
    start = time.monotonic()
    found = findings(tmp_path, config, "BHD601")
    assert time.monotonic() - start < 5
    assert [f.line for f in found] == [5]


def test_items_that_are_not_strings_stop_launches(tmp_path):
    config = "config:\n  GitLabRepoProvider:\n    banned_specs:\n      - 42\n    spec_config:\n      - ^x/.*\n"
    found = findings(tmp_path, config, "BHD601")
    assert {(f.line, f.severity) for f in found} == {(4, "error"), (6, "error")}


@pytest.mark.parametrize("pattern, cls, never", [
    (r"^https://github\.com/spam/.*", "GitHubRepoProvider", True),
    (r"^https:\/\/github\.com/spam/.*", "GitHubRepoProvider", True),
    (r"^(?i)www\.github\.com/spam", "GistRepoProvider", True),
    (r"^github\.com/spam", "GitLabRepoProvider", False),  # a GitLab group may be called so
    (r"^(git|https?)%3A%2F%2Fgithub.com%2Fspam%2F.*", "GitRepoProvider", False),
    (r"^(?://)?spam/.*", "GitHubRepoProvider", False),
    (r"^https://demo.ckan.org/dataset/.*", "CKANProvider", False),  # its specs can hold a URL
])
def test_url_patterns(pattern, cls, never):
    assert (matches_no_spec(pattern, cls) is not None) == never


def test_allowed_specs_that_can_match_nothing_refuse_every_launch(tmp_path):
    dead = "config:\n  GitHubRepoProvider:\n    allowed_specs:\n      - https://github.com/ours/.*\n"
    assert [f.severity for f in findings(tmp_path, dead, "BHD602")] == ["error"]
    partly = dead + "      - ^ours/.*\n"
    assert [f.severity for f in findings(tmp_path, partly, "BHD602")] == ["warning"]
