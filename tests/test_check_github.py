"""`binderhub-doctor check-github` against a local server that answers like the GitHub REST API."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import time

import pytest

from support import fake_saas
from support.fake_saas import FakeSaaS
from support.tools import NETWORK_SERVERS, invoke

pytestmark = NETWORK_SERVERS


@pytest.fixture
def fake():
    with FakeSaaS() as server:
        yield server


def values_file(tmp_path, fake, **provider):
    """secret.yaml with config.GitHubRepoProvider pointing at the fake (plus `provider` keys)."""
    lines = ["config:", "  GitHubRepoProvider:", f"    api_base_path: {fake.github_api}"]
    lines += [f"    {key}: {value}" for key, value in provider.items()]
    path = tmp_path / "secret.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check(path, *args):
    return invoke("check-github", path, "--insecure-http", *args)


def token_requests(fake, token):
    return [s for s in fake.requests_to("/api/v3/") if s.headers.get("authorization") == f"token {token}"]


def anonymous_requests(fake):
    return [s for s in fake.requests_to("/api/v3/") if "authorization" not in s.headers]


# --- the budget -----------------------------------------------------------------------------

def test_classic_token_reports_budget_scopes_expiry_and_both_budgets(tmp_path, fake):
    result = check(values_file(tmp_path, fake, access_token=fake_saas.GH_CLASSIC))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "✓ rate limit (access_token)" in out
    assert "4990 of 5000/hour left, 10 used" in out
    assert re.search(r"resets at \d\d:\d\d \S* ?\(in 2[345] min\)", out), out
    assert "about 5000 launches of a new ref per hour" in out
    assert "✓ token scopes: repo, read:org (classic token)" in out
    assert re.search(r"✓ token expiry: expires on \d{4}-\d\d-\d\d \d\d:\d\d .*in (59|60) days", out), out
    assert "57 of 60/hour left (what BinderHub would get without credentials" in out
    assert out.rstrip().endswith("✓ GitHub: all checks passed")
    # The token goes as BinderHub sends it, and the comparison request carries no credentials.
    assert [s.path for s in token_requests(fake, fake_saas.GH_CLASSIC)] == ["/api/v3/rate_limit"]
    assert [s.path for s in anonymous_requests(fake)] == ["/api/v3/rate_limit"]


def test_no_credentials_probes_anonymously_and_warns_about_60_per_hour(tmp_path, fake):
    result = check(values_file(tmp_path, fake))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "! credentials: no access_token or client_id + client_secret" in result.stdout
    assert re.search(r"! rate limit \(no credentials\).*57 of 60/hour left", result.stdout)
    assert "60/hour is GitHub's anonymous limit" in result.stdout
    assert "config.GitHubRepoProvider.access_token" in result.stdout  # the fix says where
    assert all("authorization" not in s.headers for s in fake.seen)


def test_client_id_and_secret_are_sent_as_basic_auth(tmp_path, fake):
    path = values_file(tmp_path, fake, client_id=fake_saas.GH_APP_CLIENT_ID,
                       client_secret=fake_saas.GH_APP_CLIENT_SECRET)
    result = check(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✓ rate limit (client_id + client_secret)" in result.stdout
    assert "4321 of 5000/hour left" in result.stdout
    pair = base64.b64encode(f"{fake_saas.GH_APP_CLIENT_ID}:{fake_saas.GH_APP_CLIENT_SECRET}".encode()).decode()
    assert any(s.headers.get("authorization") == f"Basic {pair}" for s in fake.seen)


def test_token_and_app_credentials_are_each_checked(tmp_path, fake):
    path = values_file(tmp_path, fake, access_token=fake_saas.GH_FINE_GRAINED,
                       client_id=fake_saas.GH_APP_CLIENT_ID, client_secret="WrongAppSecret0123456789")
    result = check(path)
    assert result.returncode == 1
    assert "✓ rate limit (access_token)" in result.stdout
    assert "✗ rate limit (client_id + client_secret)" in result.stdout
    assert "401 Unauthorized" in result.stdout and "Bad credentials" in result.stdout


def test_only_client_id_warns_that_binderhub_ignores_it(tmp_path, fake):
    result = check(values_file(tmp_path, fake, client_id=fake_saas.GH_APP_CLIENT_ID))
    assert result.returncode == 0
    assert "client_id and client_secret only count together" in result.stdout
    assert all("authorization" not in s.headers for s in fake.seen)


def test_low_remaining_budget_warns(tmp_path, fake):
    result = check(values_file(tmp_path, fake, access_token=fake_saas.GH_LOW))
    assert result.returncode == 0
    assert re.search(r"! rate limit \(access_token\).*only 312 of 5000/hour left", result.stdout)


def test_exhausted_budget_fails_and_the_403_is_named_a_rate_limit(tmp_path, fake):
    path = values_file(tmp_path, fake, access_token=fake_saas.GH_EXHAUSTED)
    result = check(path, "--repo", fake_saas.GH_PRIVATE_REPO)
    assert result.returncode == 1
    assert re.search(r"✗ rate limit \(access_token\).*exhausted: 0 of 5000/hour left until .*\(in 2\d min\)",
                     result.stdout)
    assert "GitHub rate limit exceeded" in result.stdout  # what users would see
    repo_line = next(line for line in result.stdout.splitlines() if "repository octo-org" in line)
    assert "403: GitHub rate limit used up (limit 5000)" in repo_line
    assert "Forbidden" not in repo_line


def test_exhausted_anonymous_budget_fails_without_token(tmp_path):
    with FakeSaaS(anonymous_remaining=0) as fake:
        result = check(values_file(tmp_path, fake), "--repo", fake_saas.GH_PUBLIC_REPO)
    assert result.returncode == 1
    assert "exhausted: 0 of 60/hour left" in result.stdout
    assert "403: GitHub rate limit used up (limit 60)" in result.stdout


def test_secondary_rate_limit_429_with_retry_after(tmp_path, fake):
    path = values_file(tmp_path, fake, access_token=fake_saas.GH_SECONDARY)
    started = time.monotonic()
    result = check(path, "--repo", fake_saas.GH_PRIVATE_REPO)
    assert result.returncode == 1
    assert "429: GitHub secondary rate limit" in result.stdout
    assert "GitHub asks to wait 60 s" in result.stdout
    assert time.monotonic() - started < 30  # a 60 s Retry-After is reported, not slept through


def test_bad_token_is_401_with_its_own_message(tmp_path, fake):
    result = check(values_file(tmp_path, fake, access_token=fake_saas.GH_BAD))
    assert result.returncode == 1
    assert "✗ rate limit (access_token)" in result.stdout
    assert "401 Unauthorized: GitHub rejected the credentials" in result.stdout
    assert "wrong, expired or revoked" in result.stdout


# --- scopes and expiry ----------------------------------------------------------------------

def test_fine_grained_token_has_no_scopes_header(tmp_path, fake):
    result = check(values_file(tmp_path, fake, access_token=fake_saas.GH_FINE_GRAINED))
    assert result.returncode == 0
    assert "✓ token scopes: n/a (fine-grained or app token" in result.stdout


def test_token_expiring_within_14_days_warns(tmp_path, fake):
    result = check(values_file(tmp_path, fake, access_token=fake_saas.GH_FINE_GRAINED_EXPIRING))
    assert result.returncode == 0
    assert re.search(r"! token expiry: expires on .*, in (2|3) days", result.stdout), result.stdout
    assert "! GitHub: usable, 1 warning" in result.stdout


def test_token_with_a_trailing_newline_fails_before_any_request(tmp_path, fake):
    path = tmp_path / "secret.yaml"
    path.write_text(f"config:\n  GitHubRepoProvider:\n    api_base_path: {fake.github_api}\n"
                    f"    access_token: |\n      {fake_saas.GH_CLASSIC}\n", encoding="utf-8")
    result = check(path)
    assert result.returncode == 1
    assert "✗ credentials (access_token): the value has leading/trailing whitespace or a line break" in result.stdout
    assert not token_requests(fake, fake_saas.GH_CLASSIC)
    assert not any(fake_saas.GH_CLASSIC in s.headers.get("authorization", "") for s in fake.seen)


# --- repositories ---------------------------------------------------------------------------

def test_private_repo_visible_reminds_that_every_user_can_build_it(tmp_path, fake):
    path = values_file(tmp_path, fake, access_token=fake_saas.GH_FINE_GRAINED)
    result = check(path, "--repo", fake_saas.GH_PRIVATE_REPO, "--repo", fake_saas.GH_PUBLIC_REPO)
    assert result.returncode == 0, result.stdout
    assert ("✓ repository octo-org/private-notebooks" in result.stdout
            and "default branch `main` resolves to 9f2c1e4" in result.stdout)
    assert "Every user of this BinderHub can now build and launch it" in result.stdout
    assert "✓ repository binder-examples/requirements" in result.stdout
    assert "public repository" in result.stdout
    paths = [s.path for s in token_requests(fake, fake_saas.GH_FINE_GRAINED)]
    assert "/api/v3/repos/octo-org/private-notebooks/commits/main" in paths  # BinderHub's own call


def test_private_repo_not_visible_to_a_token_without_repo_scope(tmp_path, fake):
    path = values_file(tmp_path, fake, access_token=fake_saas.GH_CLASSIC_PUBLIC_ONLY)
    result = check(path, "--repo", fake_saas.GH_PRIVATE_REPO)
    assert result.returncode == 1
    assert "without `repo` BinderHub can build public repositories only" in result.stdout
    assert "✗ repository octo-org/private-notebooks" in result.stdout
    assert "404: octo-org/private-notebooks does not exist, or it is private" in result.stdout
    assert "a classic token needs the `repo` scope" in result.stdout


def test_private_repo_without_token_explains_anonymous_access(tmp_path, fake):
    result = check(values_file(tmp_path, fake), "--repo", fake_saas.GH_PRIVATE_REPO)
    assert result.returncode == 1
    assert "BinderHub has no GitHub credentials, so it only sees public repositories" in result.stdout


def test_empty_repository_default_branch_does_not_resolve(tmp_path, fake):
    path = values_file(tmp_path, fake, access_token=fake_saas.GH_CLASSIC)
    result = check(path, "--repo", fake_saas.GH_EMPTY_REPO)
    assert result.returncode == 1
    assert "default branch `main` does not resolve (409" in result.stdout


def test_redirect_to_another_host_never_carries_the_token(tmp_path, fake):
    path = values_file(tmp_path, fake, access_token=fake_saas.GH_CLASSIC)
    result = check(path, "--repo", fake_saas.GH_MOVED_AWAY_REPO)
    assert result.returncode == 1
    assert "redirects to http://localhost:" in result.stdout and "another host" in result.stdout
    followed = [s for s in fake.seen if s.host.startswith("localhost:")]
    assert followed, "the redirect target was expected to be requested without credentials"
    assert all("authorization" not in s.headers for s in followed)


def test_forbidden_403_is_not_mistaken_for_a_rate_limit(tmp_path, fake):
    path = values_file(tmp_path, fake, access_token=fake_saas.GH_CLASSIC)
    result = check(path, "--repo", fake_saas.GH_SSO_REPO)
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "repository sso-org/protected" in line)
    assert "403: the organisation owning sso-org/protected enforces SAML single sign-on" in line
    assert "rate limit" not in line
    assert "authorise the token for the organisation's SSO" in result.stdout


# --- server trouble -------------------------------------------------------------------------

def test_a_502_is_retried(tmp_path, fake):
    result = check(values_file(tmp_path, fake, access_token=fake_saas.GH_FLAKY))
    assert result.returncode == 0, result.stdout
    assert "✓ rate limit (access_token)" in result.stdout
    assert len([s for s in token_requests(fake, fake_saas.GH_FLAKY) if s.path == "/api/v3/rate_limit"]) == 2


def test_server_error_that_persists_is_its_own_failure(tmp_path, fake):
    result = check(values_file(tmp_path, fake, access_token=fake_saas.GH_DOWN))
    assert result.returncode == 1
    assert "503: GitHub server error" in result.stdout
    assert len(token_requests(fake, fake_saas.GH_DOWN)) == 3  # first try and two bounded retries


def test_timeout_is_bounded_and_stops_further_requests(tmp_path, fake):
    path = values_file(tmp_path, fake, access_token=fake_saas.GH_SLOW)
    started = time.monotonic()
    result = check(path, "--timeout", "1", "--repo", fake_saas.GH_PRIVATE_REPO)
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert "within 1 s" in result.stdout
    assert "- further checks: not tried: the GitHub API did not answer" in result.stdout
    assert elapsed < fake_saas.SLOW_SECONDS + 3
    assert len(token_requests(fake, fake_saas.GH_SLOW)) == 1


def test_connection_refused(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text(f"config:\n  GitHubRepoProvider:\n    api_base_path: http://127.0.0.1:9/api/v3\n"
                    f"    access_token: {fake_saas.GH_CLASSIC}\n", encoding="utf-8")
    result = check(path)
    assert result.returncode == 1
    assert "connection refused" in result.stdout


def test_unreachable_api_without_credentials_tries_nothing_more(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text("config:\n  GitHubRepoProvider:\n    api_base_path: http://127.0.0.1:9/api/v3\n", encoding="utf-8")
    result = check(path, "--repo", fake_saas.GH_PUBLIC_REPO)
    assert result.returncode == 1
    assert "✗ rate limit (no credentials)" in result.stdout and "connection refused" in result.stdout
    assert "- further checks: not tried: the GitHub API did not answer" in result.stdout
    assert "repository binder-examples/requirements" not in result.stdout


# --- output and input -----------------------------------------------------------------------

def test_json_format(tmp_path, fake):
    path = values_file(tmp_path, fake, access_token=fake_saas.GH_CLASSIC)
    result = check(path, "--format", "json", "--repo", fake_saas.GH_PRIVATE_REPO)
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["version"] == 1 and report["title"] == "github" and report["ok"] is True
    assert report["derived"]["api"] == fake.github_api
    assert report["derived"]["credentials"] == "access_token ghp_…(40 chars)"
    names = [s["name"] for s in report["steps"]]
    assert names == ["rate limit (access_token)", "token scopes", "token expiry", "rate limit (no credentials)",
                     "repository octo-org/private-notebooks"]
    assert all(s["status"] == "ok" for s in report["steps"])


def test_json_format_failure_exit_code(tmp_path, fake):
    result = check(values_file(tmp_path, fake, access_token=fake_saas.GH_BAD), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["status"] == "fail"


def test_plain_http_to_loopback_needs_no_flag_as_for_check_registry(tmp_path, fake):
    result = invoke("check-github", values_file(tmp_path, fake, access_token=fake_saas.GH_CLASSIC))
    assert result.returncode == 0, result.stdout + result.stderr
    assert fake.seen


def test_plain_http_to_a_remote_host_is_refused_even_with_insecure_http(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text("config:\n  GitHubRepoProvider:\n    api_base_path: http://ghe.example.org/api/v3\n"
                    f"    access_token: {fake_saas.GH_CLASSIC}\n", encoding="utf-8")
    result = check(path)
    assert result.returncode == 2
    assert "refusing to send a token unencrypted" in result.stderr


@pytest.mark.parametrize("repo", ["just-a-name", "a/b/c", "owner/na me", "../x"])
def test_bad_repo_argument_is_a_usage_error(tmp_path, fake, repo):
    result = check(values_file(tmp_path, fake, access_token=fake_saas.GH_CLASSIC), "--repo", repo)
    assert result.returncode == 2
    assert "expected owner/name" in result.stderr
    assert not fake.seen


def test_non_string_token_is_a_usage_error_with_its_location(tmp_path, fake):
    result = check(values_file(tmp_path, fake, access_token="12345678"))
    assert result.returncode == 2
    assert "secret.yaml:4" in result.stderr and "must be a string" in result.stderr
    assert "12345678" not in result.stderr


def test_api_base_path_hostname_placeholder_is_filled_in(tmp_path, fake):
    path = tmp_path / "secret.yaml"
    path.write_text("config:\n  GitHubRepoProvider:\n    hostname: 127.0.0.1\n"
                    f"    api_base_path: http://{{hostname}}:{fake.port}/api/v3\n"
                    f"    access_token: {fake_saas.GH_CLASSIC}\n", encoding="utf-8")
    result = check(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"api: http://127.0.0.1:{fake.port}/api/v3" in result.stdout


def test_missing_values_file_is_a_usage_error(tmp_path):
    result = check(tmp_path / "nope.yaml")
    assert result.returncode == 2
    assert "file not found" in result.stderr


# --- canaries: no credential ever reaches the output ----------------------------------------

CANARY_CASES = [
    pytest.param({"access_token": fake_saas.GH_CLASSIC}, id="classic"),
    pytest.param({"access_token": fake_saas.GH_FINE_GRAINED}, id="fine-grained"),
    pytest.param({"access_token": fake_saas.GH_EXHAUSTED}, id="exhausted"),
    pytest.param({"access_token": fake_saas.GH_SECONDARY}, id="secondary-limit"),
    pytest.param({"access_token": fake_saas.GH_BAD}, id="bad-token"),
    pytest.param({"access_token": fake_saas.GH_DOWN}, id="server-down"),
    # The server repeats the Authorization header in its error message.
    pytest.param({"access_token": fake_saas.GH_ECHO}, id="echoing-server"),
    pytest.param({"client_id": fake_saas.GH_APP_CLIENT_ID, "client_secret": fake_saas.GH_APP_CLIENT_SECRET},
                 id="app"),
    pytest.param({"access_token": fake_saas.GH_CLASSIC, "client_id": fake_saas.GH_APP_CLIENT_ID,
                  "client_secret": fake_saas.GH_APP_CLIENT_SECRET}, id="token+app"),
]


def leaked_forms(secrets):
    forms = set()
    for secret in secrets:
        forms.add(secret)
        forms.add(base64.b64encode(secret.encode()).decode().rstrip("="))
    forms.add(base64.b64encode(f"{fake_saas.GH_APP_CLIENT_ID}:{fake_saas.GH_APP_CLIENT_SECRET}".encode())
              .decode().rstrip("="))
    return forms


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("case", CANARY_CASES)
def test_credentials_never_appear_in_output(tmp_path, fake, case, fmt):
    path = values_file(tmp_path, fake, **case)
    result = check(path, "--format", fmt, "--repo", fake_saas.GH_PRIVATE_REPO)
    assert result.returncode in (0, 1), result.stderr
    secrets = [v for k, v in case.items() if k != "client_id"]
    output = result.stdout + result.stderr
    for form in leaked_forms(secrets):
        assert form not in output
    if case.get("access_token") == fake_saas.GH_ECHO:
        assert "internal error while handling Authorization: token ghp_…" in output


def test_credentials_never_appear_in_usage_errors(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text(f"config:\n  GitHubRepoProvider:\n    api_base_path: http://{fake_saas.GH_CLASSIC}.example/\n"
                    f"    access_token: {fake_saas.GH_CLASSIC}\n", encoding="utf-8")
    result = check(path)
    assert result.returncode == 2
    assert "refusing to send a token unencrypted" in result.stderr
    output = (result.stdout + result.stderr).lower()
    assert fake_saas.GH_CLASSIC.lower() not in output


def test_probes_raise_their_own_error_and_know_nothing_of_the_command_line():
    """A probe says what it cannot use with probes.ProbeInputError (the command makes it a usage
    error: test_bad_repo_argument_is_a_usage_error); the probes never import click."""
    code = ("import sys; from binderhub_doctor.probes import ProbeInputError, github, gitlab, registry\n"
            "try:\n    github.check_repo_names(['no-slash'])\nexcept ProbeInputError as exc:\n    print(exc)\n"
            "print('click' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "--repo `no-slash`: expected owner/name, e.g. --repo jupyterhub/binderhub\nFalse\n"
