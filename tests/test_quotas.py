"""Launch quotas (BHD603, BHD604): what 0 and negative numbers mean, by chart version."""

from __future__ import annotations

import pytest

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from support.tools import values_of

RULES = load_rules()


def findings(tmp_path, config: str, rule: str, chart_version: str | None = None):
    result = lint(values_of(tmp_path, config), RULES, chart_version=chart_version, raise_errors=True)
    return [f for f in result.findings if f.rule == rule]


@pytest.mark.parametrize("chart_version, reported", [
    (None, True),
    ("0.2.0-n862.h9fa2747", True),  # binderhub 9fa27476 began refusing launches over pod_quota
    ("0.2.0-n861.h0000000", False),  # before, pod_quota was only a gauge
])
def test_pod_quota_zero_refuses_launches_since_it_is_enforced(tmp_path, chart_version, reported):
    found = findings(tmp_path, "config:\n  BinderHub:\n    pod_quota: 0\n", "BHD603", chart_version)
    assert bool(found) == reported
    assert all(f.severity == "info" for f in found)


def test_total_quota_is_judged_only_where_launch_quota_exists(tmp_path):
    config = "config:\n  LaunchQuota:\n    total_quota: -1\n"
    assert findings(tmp_path, config, "BHD603")
    assert not findings(tmp_path, config, "BHD603", chart_version="0.2.0-n900.h0000000")


def test_negative_repo_quotas_are_errors_and_zero_is_no_limit(tmp_path):
    config = ("config:\n  BinderHub:\n    per_repo_quota: 10\n    per_repo_quota_higher: -5\n"
              "  GitHubRepoProvider:\n    high_quota_specs: ['^ours/.*']\n"
              "    spec_config:\n      - {pattern: '^a/.*', config: {quota: -1}}\n"
              "      - {pattern: '^b/.*', config: {quota: 0}}\n")
    found = {(f.line, f.severity) for f in findings(tmp_path, config, "BHD604")}
    assert found == {(4, "error"), (8, "error"), (9, "warning")}


def test_per_repo_quota_alone_is_fine(tmp_path):
    assert not findings(tmp_path, "config:\n  BinderHub:\n    per_repo_quota: 0\n    per_repo_quota_higher: 0\n",
                        "BHD604")
