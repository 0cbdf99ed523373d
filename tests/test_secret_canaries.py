"""Secrets never reach any output of `lint`: canary values in every secret field, in every
format, with files well-formed, malformed around the secret, and in the wrong file."""

from __future__ import annotations

import json

import pytest

from support.tools import invoke

CANARY = "CANARYxq7Zt"  # every secret below contains it; it must never be printed
KEY_FILE = json.dumps({
    "type": "service_account", "project_id": "demo", "private_key_id": f"{CANARY}keyid0001",
    "private_key": f"-----BEGIN PRIVATE KEY-----\\n{CANARY}PRIVATEKEYBODY\\n-----END PRIVATE KEY-----\\n",
    "client_email": "push@demo.iam.gserviceaccount.com",
}, indent=2)

SECRET = f"""\
jupyterhub:
  hub:
    services:
      binder:
        apiToken: "{CANARY}short"
  proxy:
    secretToken: "{CANARY}{CANARY}not-hex-at-all"
registry:
  url: https://eu.gcr.io
  username: "binder-push"
  password: |
{chr(10).join('    ' + line for line in KEY_FILE.splitlines())}
config:
  GitLabRepoProvider:
    private_token: "glpat-{CANARY}"
  BinderHub:
    build_token_secret: "{CANARY}zz"
"""
CONFIG = f"""\
config:
  BinderHub:
    image_prefix: gcr.io/other/binder-
    hub_url: http://192.0.2.1
  GitHubRepoProvider:
    access_token: "ghp_{CANARY}0000000000000000000000000000"
    client_id: "id"
    client_secret: "{CANARY}clientsecret"
"""
VARIANTS = {
    "well-formed": (SECRET, CONFIG),
    # a missing comma inside the pasted key: the JSON error is reported, not the key
    "bad-json": (SECRET.replace('"demo",', '"demo"'), CONFIG),
    # the block ends early in the middle of the key: a YAML syntax error around the secret
    "block-ends-early": (SECRET.replace('      "private_key_id"', '  "private_key_id"', 1), CONFIG),
    # the | forgotten: the key becomes a mapping
    "missing-pipe": (SECRET.replace("password: |", "password:"), CONFIG),
    # a tab right after the token line
    "tab": (SECRET.replace("  proxy:\n", "\tproxy:\n"), CONFIG),
    # secrets in the committed file
    "swapped": (CONFIG, SECRET),
}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_no_canary_in_any_lint_output(tmp_path, variant, fmt):
    secret, config = VARIANTS[variant]
    (tmp_path / "secret.yaml").write_text(secret)
    (tmp_path / "config.yaml").write_text(config)
    out = tmp_path / "out"
    run = invoke("lint", "--format", fmt, str(tmp_path / "secret.yaml"), str(tmp_path / "config.yaml"))
    assert run.returncode in (1, 2), run.stderr
    assert run.stdout, "the lint must report something for these files"
    assert CANARY not in run.stdout and CANARY not in run.stderr
    # the same through --output
    invoke("lint", "--format", fmt, "--output", str(out), str(tmp_path / "secret.yaml"), str(tmp_path / "config.yaml"))
    assert CANARY not in out.read_text()


def test_the_canary_files_really_trigger_findings_about_the_secrets(tmp_path):
    (tmp_path / "secret.yaml").write_text(VARIANTS["bad-json"][0])
    (tmp_path / "config.yaml").write_text(CONFIG)
    report = json.loads(invoke("lint", "--format", "json", str(tmp_path)).stdout)
    paths = {f["path"] for f in report["findings"]}
    assert "registry.password" in paths  # the JSON error
    assert "jupyterhub.proxy.secretToken" in paths  # not hex
    assert "config.GitHubRepoProvider.access_token" in paths  # in the committed file


def test_the_early_block_end_is_reported_at_the_line_inside_the_key(tmp_path):
    secret = VARIANTS["block-ends-early"][0]
    (tmp_path / "secret.yaml").write_text(secret)
    report = json.loads(invoke("lint", "--format", "json", str(tmp_path / "secret.yaml")).stdout)
    syntax = [f for f in report["findings"] if f["rule"] == "BHD001"]
    line = next(i for i, text in enumerate(secret.splitlines(), 1) if text.startswith('  "private_key_id"'))
    assert syntax and syntax[0]["line"] == line and "ends the block early" in syntax[0]["message"]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_canary_when_folders_are_linted_as_separate_sets(tmp_path, fmt):
    for name, (secret, config) in (("a", VARIANTS["well-formed"]), ("b", VARIANTS["swapped"])):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "secret.yaml").write_text(secret)
        (folder / "config.yaml").write_text(config)
    run = invoke("lint", "--folder-sets", "--format", fmt, str(tmp_path / "a" / "config.yaml"),
                  str(tmp_path / "b" / "config.yaml"))
    assert run.returncode == 1 and run.stdout
    assert CANARY not in run.stdout and CANARY not in run.stderr
