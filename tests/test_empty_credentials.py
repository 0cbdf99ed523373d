"""Empty credentials (BHD621): reported where set, never concluded when an unreadable file may
set them, and never printed."""

from __future__ import annotations

import json

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from support.tools import invoke, values_of

RULES = load_rules()
GIT_CRYPT = b"\x00GITCRYPT\x00"


def findings(tmp_path, config: str, secret: str | None = None, rule: str = "BHD621"):
    result = lint(values_of(tmp_path, config, secret), RULES, raise_errors=True)
    return [f for f in result.findings if f.rule == rule]


def test_an_empty_github_token_is_reported_once(tmp_path):
    config = "config:\n  GitHubRepoProvider:\n    access_token: ''\n"
    assert [f.severity for f in findings(tmp_path, config)] == ["warning"]
    assert not findings(tmp_path, config, rule="BHD505")  # the same fact, said once


def test_a_provider_binderhub_does_not_offer_needs_no_token(tmp_path):
    config = ("config:\n  BinderHub:\n    repo_providers: {gl: binderhub.repoproviders.GitLabRepoProvider}\n"
              "  GitHubRepoProvider:\n    access_token: ''\n  GitLabRepoProvider:\n    private_token: ''\n")
    assert [f.path for f in findings(tmp_path, config)] == ["config.GitLabRepoProvider.private_token"]


def test_github_with_an_oauth_app_needs_no_token(tmp_path):
    config = "config:\n  GitHubRepoProvider:\n    access_token: ''\n    client_id: abc\n    client_secret: def-123456789\n"
    assert not findings(tmp_path, config)


def test_a_password_in_a_later_encrypted_file_is_not_concluded(tmp_path):
    (tmp_path / "secret.yaml").write_text("registry:\n  username: binderbot\n  password: ''\n")
    (tmp_path / "prod-secret.yaml").write_bytes(GIT_CRYPT + b"\x01\x02")
    (tmp_path / "config.yaml").write_text("config:\n  BinderHub:\n    use_registry: true\n")
    run = invoke("lint", "--format", "json", tmp_path / "secret.yaml", tmp_path / "prod-secret.yaml",
                 tmp_path / "config.yaml")
    ours = [f for f in json.loads(run.stdout)["findings"] if f["rule"] == "BHD621"]
    assert [f["severity"] for f in ours] == ["info"] and "could not be checked" in ours[0]["message"]
