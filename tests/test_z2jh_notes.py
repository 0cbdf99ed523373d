"""BHD432 jupyterhub-notes-failure: each NOTES.txt `fail` at the z2jh versions that have it."""

from __future__ import annotations

import pytest

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from support.tools import values_of

RULES = load_rules()
Z2JH_0_10 = "0.2.0-n459.h1054188"  # JupyterHub chart 0.10.6
Z2JH_0_11 = "0.2.0-n509.hc028fda"  # 0.11.1
Z2JH_1_0 = "0.2.0-n604.h9bc978a"  # 1.0.1
Z2JH_3_0_BETA = "1.0.0-0.dev.git.3156.h0000000"  # 3.0.0-beta.3
Z2JH_3_1 = "1.0.0-0.dev.git.3194.h0000000"  # 3.1.0

CLOUD = "jupyterhub:\n  singleuser:\n    networkPolicy:\n      egressAllowRules:\n        cloudMetadataServer: true\n"
PULL_SECRET = "jupyterhub:\n  hub:\n    imagePullSecret:\n      enabled: true\n"
AUTH = "jupyterhub:\n  auth:\n    type: github\n"
AUTH_STATE = "jupyterhub:\n  hub:\n    config:\n      Authenticator:\n        enable_auth_state: true\n"
PDB = "jupyterhub:\n  proxy:\n    pdb:\n      enabled: true\n"


def found(tmp_path, config: str, chart: str):
    return [f for f in lint(values_of(tmp_path, config), RULES, chart_version=chart).findings if f.rule == "BHD432"]


@pytest.mark.parametrize("config, chart, where", [
    (CLOUD, Z2JH_3_1, (5, 9)),
    (PULL_SECRET, Z2JH_0_10, (3, 5)),
    (PULL_SECRET, Z2JH_0_11, (3, 5)),
    (AUTH, Z2JH_0_11, (2, 3)),
    (AUTH_STATE, Z2JH_0_11, (5, 9)),
    (PDB, Z2JH_0_11, (3, 5)),
])
def test_refused_where_that_z2jh_fails(tmp_path, config, chart, where):
    [finding] = found(tmp_path, config, chart)
    assert finding.severity == "error"
    assert (finding.line, finding.column) == where


@pytest.mark.parametrize("config, chart", [
    (CLOUD, Z2JH_3_0_BETA),  # the check came with 3.0.0
    (PULL_SECRET, Z2JH_1_0),  # BHD411 reports the key from 1.0.0 on
    (PULL_SECRET.replace("true", "false"), Z2JH_0_10),
    (AUTH, Z2JH_0_10),  # 0.10 still had `auth`
    (AUTH_STATE + "      CryptKeeper:\n        keys: [abc]\n", Z2JH_0_11),
    (PDB, Z2JH_0_10),
])
def test_accepted_where_that_z2jh_takes_it(tmp_path, config, chart):
    assert found(tmp_path, config, chart) == []


def test_an_encrypted_value_leaves_it_open(tmp_path):
    secret = ("jupyterhub:\n  singleuser:\n    cloudMetadata:\n      blockWithIptables: ENC[AES256_GCM,data:Zm9v,type:bool]\n"
              "sops:\n  version: 3.8.1\n  mac: ENC[AES256_GCM,data:Zm9v,type:str]\n")
    result = lint(values_of(tmp_path, CLOUD, secret), RULES, chart_version=Z2JH_3_1)
    [finding] = [f for f in result.findings if f.rule == "BHD432"]
    assert finding.severity == "info"
