"""Values of real deployments (mybinder.org, BinderHub's own CI) run under Helm today: the lint
must not report an error there, and must report the mistakes they are known to contain."""

from __future__ import annotations

import json

import pytest

from support.tools import SHARED, invoke, needs_shared

pytestmark = needs_shared("realworld")
BINDERHUB = SHARED / "realworld" / "binderhub"
MYBINDER = SHARED / "realworld" / "mybinder.org-deploy"

BINDERHUB_SETS = [
    [BINDERHUB / "chart-values.yaml"],
    [BINDERHUB / "lint-and-validate-values.yaml"],
    *[[config] for config in sorted(BINDERHUB.glob("binderhub-chart-config*.yaml"))],
    *[[config, overlay] for config in sorted(BINDERHUB.glob("binderhub-chart-config*.yaml"))
      for overlay in sorted(BINDERHUB.glob("binderhub-chart+*.yaml"))],
]
MYBINDER_SETS = [[MYBINDER / "mybinder-values.yaml", config] for config in sorted(MYBINDER.glob("config-*.yaml"))]
# binderhub's `helm lint` fixture holds placeholder text where Python snippets go: true mistakes
# (BinderHub and the hub would fail to load it), errors when checked with the images' Python.
DUMMY_SNIPPETS = {("python-snippet-syntax", "extraConfig.binder-test-config"),
                  ("python-snippet-syntax", "jupyterhub.hub.extraConfig.hub-test-config")}
# What a values set without its (encrypted, absent) secret file is expected to lack.
ADD_LATER = {"image-prefix-missing", "hub-url-missing", "github-token-missing", "registry-credentials-missing"}


def lint_json(files, *options):
    run = invoke("lint", "--format", "json", *options, *map(str, files))
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    return run, json.loads(run.stdout)


def label(files):
    return "+".join(f.name for f in files)


@pytest.mark.parametrize("files", BINDERHUB_SETS + MYBINDER_SETS, ids=label)
def test_no_errors_on_real_deployments(files):
    run, report = lint_json(files)
    errors = [(f["rule"], f["name"], f["path"], f["message"]) for f in report["findings"]
              if f["severity"] == "error" and (f["name"], f["path"]) not in DUMMY_SNIPPETS]
    assert not errors
    assert run.returncode == (1 if any(f["severity"] == "error" for f in report["findings"]) else 0)


@pytest.mark.parametrize("files", MYBINDER_SETS, ids=label)
def test_mybinder_is_linted_under_its_binderhub_key(files):
    _, report = lint_json(files)
    assert report["summary"]["values_key"] == "binderhub"
    assert all((f["path"] or "binderhub").startswith("binderhub") for f in report["findings"])


def test_chart_defaults_report_only_what_a_user_must_add():
    _, report = lint_json([BINDERHUB / "chart-values.yaml"])
    names = {f["name"] for f in report["findings"]}
    assert names, "the chart defaults lack hub_url and image_prefix, which a user must add"
    assert names <= ADD_LATER, names - ADD_LATER


def test_lint_and_validate_values_known_mistakes():
    _, report = lint_json([BINDERHUB / "lint-and-validate-values.yaml"])
    paths = {f["path"]: f for f in report["findings"]}
    assert paths["registry.url"]["name"] == "registry-url-form"
    assert "config.BinderHub.some_dummy_config" in paths
    assert {(f["name"], f["path"]) for f in report["findings"] if f["name"] == "python-snippet-syntax"} == DUMMY_SNIPPETS


def test_deprecated_settings_of_mybinder_are_warnings():
    _, report = lint_json([MYBINDER / "mybinder-values.yaml", MYBINDER / "config-prod.yaml"])
    deprecated = {f["path"]: f["severity"] for f in report["findings"] if "deprecat" in f["name"]}
    assert "binderhub.config.BinderHub.pod_quota" in deprecated
    assert set(deprecated.values()) == {"warning"}
