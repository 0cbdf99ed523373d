"""The chart version a lint is about: --chart-version, the config file, the deployment's own
Chart.yaml / requirements.yaml pin, or the newest; the summary says which and why."""

from __future__ import annotations

import json

import pytest

from binderhub_doctor.chart_versions import NEWEST
from support.tools import invoke

VALUES = "binderhub:\n  config:\n    BinderHub:\n      hub_url: https://hub.example.org\n"


def summary(folder, *options, files=("values.yaml",)):
    run = invoke("lint", "--format", "json", *options, *files, cwd=folder)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)["summary"]


@pytest.fixture
def meta_chart(tmp_path):
    (tmp_path / "values.yaml").write_text(VALUES)
    (tmp_path / "Chart.yaml").write_text(
        "apiVersion: v2\nname: mydeploy\nversion: 0.0.1-set.by.chartpress\ndependencies:\n"
        "  - name: ingress-nginx\n    version: 2.13.0\n    repository: https://kubernetes.github.io/ingress-nginx\n"
        "  - name: binderhub\n    version: 0.2.0-n575.h2dc091f\n    repository: https://jupyterhub.github.io/helm-chart\n")
    return tmp_path


def test_the_pinned_dependency_is_used_and_named(meta_chart):
    found = summary(meta_chart)
    assert found["chart_version"] == "0.2.0-n575.h2dc091f"
    assert found["chart_version_source"] == "pinned in Chart.yaml"
    text = invoke("lint", "values.yaml", cwd=meta_chart).stdout.splitlines()[-1]
    assert text.endswith(", chart 0.2.0-n575.h2dc091f (pinned in Chart.yaml)")


def test_the_option_wins_over_the_pin(meta_chart):
    found = summary(meta_chart, "--chart-version", NEWEST)
    assert (found["chart_version"], found["chart_version_source"]) == (NEWEST, "--chart-version")


def test_the_config_file_wins_over_the_pin_and_is_what_the_summary_reports(meta_chart):
    (meta_chart / ".binderhub-doctor.yaml").write_text("chart-version: 1.0.0-0.dev.git.3035.h32213a4\n")
    found = summary(meta_chart)
    assert found["chart_version"] == "1.0.0-0.dev.git.3035.h32213a4"
    assert "chart-version in" in found["chart_version_source"]
    assert found["chart_version_source"].endswith(".binderhub-doctor.yaml")


def test_a_requirements_yaml_pin_counts_too(tmp_path):
    (tmp_path / "values.yaml").write_text(VALUES)
    (tmp_path / "Chart.yaml").write_text("apiVersion: v1\nname: mydeploy\nversion: 0.1.0\n")
    (tmp_path / "requirements.yaml").write_text(
        "dependencies:\n - name: binderhub\n   version: 0.2.0-n178.h9cff5e3\n"
        "   repository: https://jupyterhub.github.io/helm-chart\n")
    found = summary(tmp_path)
    assert (found["chart_version"], found["chart_version_source"]) == ("0.2.0-n178.h9cff5e3", "pinned in requirements.yaml")


@pytest.mark.parametrize("version", ["~1.0.0", ">=0.2.0", "0.2.0", "*"])
def test_a_range_pins_nothing(tmp_path, version):
    (tmp_path / "values.yaml").write_text(VALUES)
    (tmp_path / "Chart.yaml").write_text(
        f"apiVersion: v2\nname: mydeploy\nversion: 0.1.0\ndependencies:\n  - name: binderhub\n    version: '{version}'\n")
    assert summary(tmp_path)["chart_version"] == NEWEST


def test_the_binderhub_chart_itself_is_its_own_pin_unless_in_development(tmp_path):
    (tmp_path / "values.yaml").write_text("config:\n  BinderHub:\n    hub_url: https://hub.example.org\n")
    chart = "apiVersion: v2\nname: binderhub\nversion: {}\ndependencies:\n  - name: jupyterhub\n    version: 4.2.0\n"
    (tmp_path / "Chart.yaml").write_text(chart.format("1.0.0-0.dev.git.3351.hbaf39b3"))
    assert summary(tmp_path)["chart_version"] == "1.0.0-0.dev.git.3351.hbaf39b3"
    (tmp_path / "Chart.yaml").write_text(chart.format("0.0.1-set.by.chartpress"))
    assert summary(tmp_path)["chart_version"] == NEWEST


def test_no_chart_file_means_the_newest(tmp_path):
    (tmp_path / "values.yaml").write_text(VALUES)
    found = summary(tmp_path)
    assert (found["chart_version"], found["chart_version_source"]) == (NEWEST, "the newest known")


def test_a_broken_chart_file_is_no_pin_and_no_crash(tmp_path):
    (tmp_path / "values.yaml").write_text(VALUES)
    (tmp_path / "Chart.yaml").write_text("dependencies: [\n")
    assert summary(tmp_path)["chart_version"] == NEWEST


def test_the_pin_changes_what_is_reported(meta_chart):
    (meta_chart / "values.yaml").write_text("binderhub:\n  replicas: 2\n")
    pinned = invoke("lint", "--format", "json", "values.yaml", cwd=meta_chart)
    newest = invoke("lint", "--format", "json", "--chart-version", NEWEST, "values.yaml", cwd=meta_chart)
    rules = lambda run: {f["rule"] for f in json.loads(run.stdout)["findings"]}  # noqa: E731
    assert "BHD309" not in rules(pinned), "build tokens came with 0.2.0-n581, after the pinned n575"
    assert "BHD309" in rules(newest)
