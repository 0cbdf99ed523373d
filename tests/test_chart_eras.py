"""Rules know which chart version they are about: a key or a setting is judged by the chart the
values are for (`--chart-version`), not by today's chart."""

from __future__ import annotations

import pytest

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from binderhub_doctor.values import load_values
from support.tools import FIXTURES

RULES = load_rules()
ERAS = FIXTURES / "chart-eras"
NEWEST = None


def findings(files, chart_version):
    return lint(load_values(files), RULES, chart_version=chart_version).findings


def errors(found):
    return [(f.rule, f.path, f.message) for f in found if f.severity == "error"]


def of(found, rule):
    return [f for f in found if f.rule == rule]


def test_the_2018_layout_is_no_error_on_its_own_chart():
    found = findings([ERAS / "layout-2018.yaml"], "0.1.0-856e3e6")
    assert not errors(found)
    assert not of(found, "BHD403")
    # hub.url and registry.prefix were that chart's way to set these: nothing is missing
    assert not of(found, "BHD501") and not of(found, "BHD206")


def test_the_2018_layout_on_a_0_2_0_chart_names_notes_refusals_and_silently_ignored_keys():
    found = {f.path: f for f in of(findings([ERAS / "layout-2018.yaml"], "0.2.0-n172.h9874c43"), "BHD403")}
    assert found["binderhub.registry.prefix"].severity == "error"
    assert "NOTES.txt" in found["binderhub.registry.prefix"].message
    # NOTES.txt never listed these: charts ignored them until the schema of 0.2.0-n625
    for path in ("binderhub.baseUrl", "binderhub.googleAnalyticsCode", "binderhub.registry.authTokenUrl"):
        assert found[path].severity == "warning" and "ignores it" in found[path].message


def test_the_2018_layout_on_the_newest_chart_is_refused_by_the_schema():
    found = {f.path: f for f in of(findings([ERAS / "layout-2018.yaml"], NEWEST), "BHD403")}
    assert {f.severity for f in found.values()} == {"error"}
    assert "0.2.0-n625" in found["binderhub.baseUrl"].message


@pytest.mark.parametrize("chart", ["0.2.0-n172.h9874c43", "0.2.0-n677.h462e476"])
def test_binderauth_enabled_is_the_hub_side_switch_before_the_trait(chart):
    found = findings([ERAS / "binderauth-2020.yaml"], chart)
    assert not errors(found)


def test_binderauth_enabled_is_ignored_once_the_trait_exists():
    (hit,) = [f for f in of(findings([ERAS / "binderauth-2020.yaml"], "0.2.0-n678.h61820e9"), "BHD506")
              if f.severity == "error"]
    assert "BinderSpawner.auth_enabled" in hit.message and "binderauth_enabled" in hit.message


def test_old_chart_without_binderauth_enabled_is_told_the_old_switch(tmp_path):
    values = tmp_path / "config.yaml"
    values.write_text("config:\n  BinderHub:\n    auth_enabled: true\n")
    (hit,) = [f for f in of(findings([values], "0.2.0-n172.h9874c43"), "BHD506") if f.severity == "error"]
    assert "jupyterhub.custom.binderauth_enabled" in hit.message


def test_build_token_secret_is_only_asked_for_where_build_tokens_exist(tmp_path):
    values = tmp_path / "config.yaml"
    values.write_text("replicas: 2\n")
    assert not of(findings([values], "0.2.0-n575.h2dc091f"), "BHD309")
    assert of(findings([values], "0.2.0-n581.he951993"), "BHD309")


def test_acr_without_token_url_matters_only_before_the_bearer_challenge(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("registry:\n  url: https://binderacr.azurecr.io\n")
    assert of(findings([secret], "1.0.0-0.dev.git.2926.h0000000"), "BHD214")
    assert not of(findings([secret], "1.0.0-0.dev.git.2927.h3de27f2"), "BHD214")
    config = tmp_path / "config.yaml"
    config.write_text("config:\n  DockerRegistry:\n    token_url: "
                      "https://otheracr.azurecr.io/oauth2/token?service=otheracr.azurecr.io\n")
    assert of(findings([secret, config], NEWEST), "BHD214"), "a wrong token_url is still used, and wrong"


@pytest.mark.parametrize("trait, first", [("named_server_limit_per_user: 2", "PR #1029"),
                                          ("pre_launch_hook: null", "PR #1009")])
def test_launcher_traits_are_unknown_before_they_were_added(tmp_path, trait, first):
    values = tmp_path / "config.yaml"
    values.write_text(f"config:\n  Launcher:\n    {trait}\n")
    before = of(findings([values], "0.2.0-b9ed7f5"), "BHD302")
    assert before and "ignores it" in before[0].message and first in before[0].message
    assert not of(findings([values], NEWEST), "BHD302")
