"""Secrets never reach any output of `lint`: canary values in every secret field, in every
format, with files well-formed, malformed around the secret, and in the wrong file."""

from __future__ import annotations

import json
import re

import pytest

from support.tools import invoke, run_cli

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


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_canary_in_a_real_process(tmp_path, fmt):
    """The tests here run lint in this process; once per format, a real process too: its own
    stdout and stderr, wrapped by the sink at start-up, flushed at exit."""
    for variant in ("well-formed", "swapped"):
        secret, config = VARIANTS[variant]
        (tmp_path / "secret.yaml").write_text(secret)
        (tmp_path / "config.yaml").write_text(config)
        run = run_cli("lint", "--format", fmt, str(tmp_path / "secret.yaml"), str(tmp_path / "config.yaml"))
        assert run.returncode == 1 and run.stdout, run.stderr
        assert CANARY not in run.stdout and CANARY not in run.stderr


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


# Secrets the output sink cannot mask without mangling ordinary text (too short, or words): the
# values layer must redact them wherever a message renders them. These never occur in a report
# otherwise, so any occurrence is a leak.
WEAK_CANARIES = ["Zq9x", "quokkas", "wombatkangaroo"]
# ...and the words the issue names, which do occur in reports: never quoted as a value, never
# turned into `…(n chars)` where they are ordinary words.
COMMON_WORD_SECRETS = ["binder", "password", "jupyterhub"]


def weak_variant(word: str) -> tuple[str, str]:
    secret = f"""\
jupyterhub:
  hub:
    services:
      binder:
        apiToken: {word}
  proxy:
    secretToken: {word}
registry:
  url: https://eu.gcr.io
  username: _json_key
  password: {word}
config:
  GitLabRepoProvider:
    private_token: {word}
  BinderHub:
    build_token_secret: {word}
"""
    config = f"""\
config:
  BinderHub:
    image_prefix: gcr.io/demo/binder-
    hub_url: http://192.0.2.1
  GitHubRepoProvider:
    access_token: {word}
    client_secret: {word}
  DockerRegistry:
    password: {word}
"""
    return secret, config


def lint_weak_variant(folder, word: str, fmt: str):
    secret, config = weak_variant(word)
    (folder / "secret.yaml").write_text(secret)
    (folder / "config.yaml").write_text(config)
    return invoke("lint", "--format", fmt, str(folder / "secret.yaml"), str(folder / "config.yaml"))


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("word", WEAK_CANARIES)
def test_short_and_word_secrets_are_redacted_where_they_are_rendered(tmp_path, word, fmt):
    run = lint_weak_variant(tmp_path, word, fmt)
    assert run.returncode == 1 and "BHD106" in run.stdout, run.stdout + run.stderr  # findings about them
    assert word not in run.stdout + run.stderr and word.lower() not in (run.stdout + run.stderr).lower()


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("word", COMMON_WORD_SECRETS)
def test_common_word_secrets_are_neither_shown_nor_masked_in_other_text(tmp_path, word, fmt):
    run = lint_weak_variant(tmp_path, word, fmt)
    shown = run.stdout + run.stderr
    assert run.returncode == 1 and "BHD106" in shown, shown
    if fmt == "sarif":  # the rule catalogue is fixed text (BHD412 quotes helm's "property 'binder'")
        shown = json.dumps(json.loads(run.stdout)["runs"][0]["results"], ensure_ascii=False) + run.stderr
    for quoted in (f'"{word}"', f"'{word}'", f"`{word}`", f"\\\"{word}\\\""):
        if fmt in ("json", "sarif") and quoted == '"password"':
            continue  # a JSON key of the report, checked below
        assert quoted not in shown, f"{quoted} shown in the {fmt} report"
    mangled = re.search(r"[A-Za-z0-9]…\(|…\(\d+ chars\)(?:[A-Za-z0-9_]|[.-][A-Za-z])", shown)
    assert not mangled, f"a word was masked in the {fmt} report: {shown[max(0, mangled.start() - 80):mangled.end() + 40]}"
    if fmt == "json":
        assert json.loads(run.stdout)["findings"]
