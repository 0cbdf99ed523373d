"""`binderhub-doctor check-gitlab` against a local server that answers like the GitLab v4 API."""

from __future__ import annotations

import json
import re

import pytest

from support import fake_saas
from support.fake_saas import FakeSaaS
from support.tools import NETWORK_SERVERS, invoke

pytestmark = NETWORK_SERVERS


@pytest.fixture
def fake():
    with FakeSaaS() as server:
        yield server


def values_file(tmp_path, hostname, **provider):
    lines = ["config:", "  GitLabRepoProvider:", f"    hostname: {hostname}"]
    lines += [f"    {key}: {value}" for key, value in provider.items()]
    path = tmp_path / "secret.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check(path, *args):
    return invoke("check-gitlab", path, "--insecure-http", *args)


def check_token(tmp_path, fake, token, *args):
    return check(values_file(tmp_path, fake.gitlab_host, private_token=token), *args)


def test_token_with_the_guide_scopes_passes(tmp_path, fake):
    result = check_token(tmp_path, fake, fake_saas.GL_FULL, "--repo", fake_saas.GL_PRIVATE_PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "✓ token `binderhub`" in out and "active" in out
    assert "✓ token scopes: api, read_repository" in out
    assert re.search(r"✓ token expiry: expires on \d{4}-\d\d-\d\d, in 200 days", out)
    assert "✓ project research/lab/private-analysis" in out
    assert "private project readable; default branch `main` resolves to 61049424" in out
    assert "Every user of this BinderHub can now build and launch it" in out
    assert out.rstrip().endswith("✓ GitLab: all checks passed")
    # The token travels in the PRIVATE-TOKEN header, never in a URL.
    assert fake.seen and all(s.headers.get("private-token") == fake_saas.GL_FULL for s in fake.seen)
    assert all(fake_saas.GL_FULL not in s.query for s in fake.seen)
    paths = [s.path for s in fake.seen]
    assert "/api/v4/personal_access_tokens/self" in paths
    assert "/api/v4/projects/research%2Flab%2Fprivate-analysis/repository/commits/main" in paths


def test_missing_api_scope_warns_and_names_it(tmp_path, fake):
    result = check_token(tmp_path, fake, fake_saas.GL_READ_API)
    assert result.returncode == 0
    assert "! token scopes: read_api, read_repository: missing api" in result.stdout
    assert "add `api` to the token's scopes" in result.stdout


def test_token_without_api_scopes_fails_and_names_both_missing(tmp_path, fake):
    result = check_token(tmp_path, fake, fake_saas.GL_USER_ONLY, "--repo", fake_saas.GL_PRIVATE_PROJECT)
    assert result.returncode == 1
    assert "✗ token scopes: read_user: missing api, read_repository" in result.stdout
    assert "403 insufficient_scope" in result.stdout


def test_token_expiring_within_14_days_warns(tmp_path, fake):
    result = check_token(tmp_path, fake, fake_saas.GL_EXPIRING)
    assert result.returncode == 0
    assert re.search(r"! token expiry: expires on \d{4}-\d\d-\d\d, in 5 days", result.stdout)
    assert "rotate the token" in result.stdout
    assert "! GitLab: usable, 1 warning" in result.stdout


def test_group_token_cannot_be_inspected_but_is_not_a_failure(tmp_path, fake):
    result = check_token(tmp_path, fake, fake_saas.GL_GROUP, "--repo", fake_saas.GL_PRIVATE_PROJECT)
    assert result.returncode == 0, result.stdout
    assert "- token (private_token)" in result.stdout
    assert "cannot inspect" in result.stdout and "group, project or deploy token" in result.stdout
    assert "✓ project research/lab/private-analysis" in result.stdout


def test_revoked_token_is_401(tmp_path, fake):
    result = check_token(tmp_path, fake, fake_saas.GL_REVOKED)
    assert result.returncode == 1
    assert "401 Unauthorized" in result.stdout and "invalid, expired or revoked" in result.stdout


def test_rate_limited_429(tmp_path, fake):
    result = check_token(tmp_path, fake, fake_saas.GL_RATE_LIMITED)
    assert result.returncode == 1
    assert "429: GitLab rate limit used up (limit 2000)" in result.stdout


def test_private_project_not_visible(tmp_path, fake):
    path = values_file(tmp_path, fake.gitlab_host)
    result = check(path, "--repo", fake_saas.GL_PRIVATE_PROJECT)
    assert result.returncode == 1
    assert "404: research/lab/private-analysis does not exist, or it is private" in result.stdout
    assert "BinderHub has no GitLab token" in result.stdout


def test_forbidden_repository_is_its_own_message(tmp_path, fake):
    result = check_token(tmp_path, fake, fake_saas.GL_FULL, "--repo", fake_saas.GL_MEMBERS_ONLY_REPO)
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "project research/members-only-code" in line)
    assert "403 Forbidden: the credentials are valid but may not read research/members-only-code@main" in line
    assert "rate limit" not in line


def test_public_project_without_token(tmp_path, fake):
    path = values_file(tmp_path, fake.gitlab_host)
    result = check(path, "--repo", fake_saas.GL_PUBLIC_PROJECT)
    assert result.returncode == 0, result.stdout
    assert "- credentials: config.GitLabRepoProvider has no private_token or access_token" in result.stdout
    assert "✓ project research/public-demo" in result.stdout and "public project" in result.stdout
    assert all("private-token" not in s.headers for s in fake.seen)


def test_oauth_access_token_goes_as_bearer(tmp_path, fake):
    result = check(values_file(tmp_path, fake.gitlab_host, access_token=fake_saas.GL_FULL))
    assert result.returncode == 0, result.stdout
    assert "credentials: access_token glpat-…(25 chars) (OAuth2)" in result.stdout
    assert fake.seen and all(s.headers.get("authorization") == f"Bearer {fake_saas.GL_FULL}" for s in fake.seen)


def test_not_configured_says_so_and_contacts_nothing(tmp_path, fake):
    path = tmp_path / "config.yaml"
    path.write_text("config:\n  BinderHub:\n    use_registry: false\n", encoding="utf-8")
    result = invoke("check-gitlab", path)
    assert result.returncode == 0
    assert "config.GitLabRepoProvider is not set: BinderHub reaches public projects on gitlab.com only" in result.stdout
    assert not fake.seen


def test_hostname_with_a_scheme_fails_without_a_request(tmp_path, fake):
    path = values_file(tmp_path, f"http://{fake.gitlab_host}", private_token=fake_saas.GL_FULL)
    result = check(path)
    assert result.returncode == 1
    assert "✗ hostname" in result.stdout and "has a scheme" in result.stdout
    assert not fake.seen


def test_https_against_a_plain_http_server_explains_insecure_http(tmp_path, fake):
    result = invoke("check-gitlab", values_file(tmp_path, fake.gitlab_host, private_token=fake_saas.GL_FULL))
    assert result.returncode == 1
    assert "TLS" in result.stdout and "--insecure-http" in result.stdout


def test_insecure_http_is_refused_for_a_remote_host(tmp_path):
    path = values_file(tmp_path, "gitlab.example.org", private_token=fake_saas.GL_FULL)
    result = check(path)
    assert result.returncode == 2
    assert "--insecure-http is only allowed for loopback hosts" in result.stderr


def test_bad_project_argument_is_a_usage_error(tmp_path, fake):
    result = check_token(tmp_path, fake, fake_saas.GL_FULL, "--repo", "no-group")
    assert result.returncode == 2
    assert "expected a GitLab project path" in result.stderr
    assert not fake.seen


def test_unreachable_server_stops_after_the_first_request(tmp_path):
    path = values_file(tmp_path, "127.0.0.1:9", private_token=fake_saas.GL_FULL)
    result = check(path, "--repo", fake_saas.GL_PRIVATE_PROJECT)
    assert result.returncode == 1
    assert "connection refused" in result.stdout
    assert "- further checks: not tried: the GitLab API did not answer" in result.stdout


def test_json_format(tmp_path, fake):
    result = check_token(tmp_path, fake, fake_saas.GL_EXPIRING, "--format", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["title"] == "gitlab" and report["status"] == "warn" and report["ok"] is True
    assert report["derived"]["api"] == f"http://{fake.gitlab_host}/api/v4"
    statuses = {s["name"]: s["status"] for s in report["steps"]}
    assert statuses == {"token `binderhub`": "ok", "token scopes": "ok", "token expiry": "warn"}


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("token", [fake_saas.GL_FULL, fake_saas.GL_USER_ONLY, fake_saas.GL_GROUP,
                                   fake_saas.GL_REVOKED, fake_saas.GL_RATE_LIMITED, fake_saas.GL_BAD],
                         ids=["full", "user-only", "group", "revoked", "rate-limited", "bad"])
def test_token_never_appears_in_output(tmp_path, fake, token, fmt):
    result = check_token(tmp_path, fake, token, "--format", fmt, "--repo", fake_saas.GL_PRIVATE_PROJECT)
    assert result.returncode in (0, 1), result.stderr
    assert token not in result.stdout + result.stderr
    assert "glpat-…(25 chars)" in result.stdout  # the kind is shown, the value is not


def test_token_never_appears_in_a_failed_hostname(tmp_path):
    path = values_file(tmp_path, f"https://{fake_saas.GL_FULL}.example.org", private_token=fake_saas.GL_FULL)
    result = check(path)
    assert result.returncode == 1
    assert fake_saas.GL_FULL not in result.stdout + result.stderr
