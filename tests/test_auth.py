"""BHD506 auth-hub-side: every piece of BinderHub's authentication guide, each reported on its own."""

from __future__ import annotations

import yaml

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from support.tools import values_of

RULES = load_rules()
[GUIDE] = [yaml.safe_load(e["files"]["config.yaml"]) for r in RULES if r.id == "BHD506" for e in r.examples["pass"]]


def messages(tmp_path, values: dict, chart: str | None = None) -> list[str]:
    result = lint(values_of(tmp_path, yaml.safe_dump(values)), RULES, chart_version=chart)
    return [f.message for f in result.findings if f.rule == "BHD506"]


def without(path: tuple) -> dict:
    values = yaml.safe_load(yaml.safe_dump(GUIDE))
    node = values
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return values


def test_the_guide_passes_and_each_piece_left_out_is_reported(tmp_path):
    assert messages(tmp_path, GUIDE) == []
    for path, named in [
        (("jupyterhub", "hub", "loadRoles"), "access:services!service=binder"),
        (("jupyterhub", "singleuser"), "jupyterhub-singleuser"),
        (("jupyterhub", "hub", "config", "JupyterHub", "redirect_to_server"), "redirect_to_server"),
        (("jupyterhub", "hub", "config", "JupyterHub", "authenticator_class"), "authenticator_class"),
        (("jupyterhub", "hub", "services", "binder", "oauth_no_confirm"), "oauth_no_confirm"),
    ]:
        [message] = messages(tmp_path, without(path))
        assert named in message


def test_the_user_role_is_asked_for_only_where_jupyterhub_has_roles(tmp_path):
    values = without(("jupyterhub", "hub", "loadRoles"))
    assert messages(tmp_path, values, "0.2.0-n1062.h0000000") == []
    assert len(messages(tmp_path, values, "0.2.0-n1063.h0000000")) == 1


def test_access_granted_by_another_role_and_the_chart_value_for_redirects_count(tmp_path):
    values = without(("jupyterhub", "hub", "config", "JupyterHub", "redirect_to_server"))
    values["jupyterhub"]["hub"]["redirectToServer"] = False
    values["jupyterhub"]["hub"]["loadRoles"] = {"binder-users": {"groups": ["staff"], "scopes": ["access:services"]}}
    values["jupyterhub"]["singleuser"]["cmd"] = ["jupyterhub-singleuser", "--debug"]
    assert messages(tmp_path, values) == []


def test_a_contrary_value_is_reported_where_it_is_written(tmp_path):
    values = yaml.safe_load(yaml.safe_dump(GUIDE))
    values["jupyterhub"]["singleuser"]["cmd"] = ["jupyter", "lab"]
    result = lint(values_of(tmp_path, yaml.safe_dump(values)), RULES)
    [finding] = [f for f in result.findings if f.rule == "BHD506"]
    assert finding.path == "jupyterhub.singleuser.cmd" and finding.severity == "warning"


def test_oauth_no_confirm_is_asked_for_only_where_jupyterhub_has_it(tmp_path):
    values = without(("jupyterhub", "hub", "services", "binder", "oauth_no_confirm"))
    values["jupyterhub"]["custom"] = {"binderauth_enabled": True}  # these charts' switch for the hub side
    assert messages(tmp_path, values, "0.2.0-n133.h0000000") == []  # JupyterHub 1.0: no authorisation page
    assert len(messages(tmp_path, values, "0.2.0-n146.h0000000")) == 1
