"""`binderhub-doctor doctor`: lint, then a real registry on loopback and the fake GitHub/GitLab,
in one report with ✓ / ! / ✗ sections and a closing summary."""

from __future__ import annotations

import base64
import re

import pytest

from support import fake_saas
from support.fake_saas import FakeSaaS
from support.registry_server import docker_registry, htpasswd_file
from support.report_schemas import doctor_report
from support.tools import NETWORK_SERVERS, invoke

pytestmark = NETWORK_SERVERS

REGISTRY_USER = "binder"
REGISTRY_PASSWORD = "CanaryRegistryPassw0rd-9f3b"


@pytest.fixture
def fake():
    with FakeSaaS() as server:
        yield server


@pytest.fixture
def registry(tmp_path):
    htpasswd = htpasswd_file(tmp_path / "htpasswd", REGISTRY_USER, REGISTRY_PASSWORD)
    with docker_registry(tmp_path / "registry", htpasswd=htpasswd) as process:
        yield process


def deployment(tmp_path, fake, registry=None, github_token=fake_saas.GH_CLASSIC, gitlab_token=fake_saas.GL_FULL,
               registry_password=REGISTRY_PASSWORD, hub_url="https://hub.example.org/"):
    """secret.yaml + config.yaml as an operator writes them, pointing at the local servers."""
    folder = tmp_path / "deploy"
    folder.mkdir(exist_ok=True)
    secret = ["config:", "  GitHubRepoProvider:"]
    secret += [f"    access_token: {github_token}"] if github_token else ["    {}"]
    if gitlab_token:
        secret += ["  GitLabRepoProvider:", f"    private_token: {gitlab_token}"]
    config = ["config:", "  BinderHub:", f"    hub_url: {hub_url}"]
    if registry is not None:
        secret = ["registry:", f"  url: {registry.url}", f"  username: {REGISTRY_USER}",
                  f"  password: {registry_password}"] + secret
        config += ["    use_registry: true", f"    image_prefix: {registry.host}/binder/prefix-"]
    else:
        config += ["    use_registry: false"]
    config += ["  GitHubRepoProvider:", f"    api_base_path: {fake.github_api}"]
    if gitlab_token:
        config += ["  GitLabRepoProvider:", f"    hostname: {fake.gitlab_host}"]
    secret_file, config_file = folder / "secret.yaml", folder / "config.yaml"
    secret_file.write_text("\n".join(s for s in secret if s != "    {}") + "\n", encoding="utf-8")
    config_file.write_text("\n".join(config) + "\n", encoding="utf-8")
    return secret_file, config_file


def doctor(files, *args):
    return invoke("doctor", *files, "--insecure-http", *args)


def section_line(output, title):
    return next(line for line in output.splitlines() if line.startswith("[") and f"] {title}:" in line)


@pytest.mark.registry
def test_healthy_deployment_every_section_passes(tmp_path, fake, registry):
    files = deployment(tmp_path, fake, registry)
    result = doctor(files, "--github-repo", fake_saas.GH_PRIVATE_REPO, "--gitlab-repo", fake_saas.GL_PRIVATE_PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert section_line(out, "Lint") == "[✓] Lint: no problems in 2 files"
    assert section_line(out, "Registry") == "[✓] Registry: all checks passed"
    assert section_line(out, "GitHub") == "[✓] GitHub: all checks passed"
    assert section_line(out, "GitLab") == "[✓] GitLab: all checks passed"
    assert "    ✓ push" in out  # the registry's own steps, indented under its section
    assert "    ✓ repository octo-org/private-notebooks" in out
    assert "    ✓ project research/lab/private-analysis" in out
    assert out.rstrip().endswith("✓ No issues found.")
    # doctor spends no anonymous GitHub budget when a token is configured
    assert all("authorization" in s.headers for s in fake.requests_to("/api/v3/"))


@pytest.mark.registry
def test_offline_runs_only_the_lint(tmp_path, fake, registry):
    files = deployment(tmp_path, fake, registry)
    result = doctor(files, "--offline")
    assert result.returncode == 0, result.stdout
    assert "[✓] Lint: no problems in 2 files" in result.stdout
    for title in ("Registry", "GitHub", "GitLab"):
        assert section_line(result.stdout, title) == f"[-] {title}: not run (--offline)"
    assert not fake.seen
    assert "GET /v2/" not in registry.log.read_text(errors="replace")


def test_a_failing_section_makes_exit_1_and_the_summary_says_so(tmp_path, fake):
    files = deployment(tmp_path, fake, github_token=fake_saas.GH_BAD, gitlab_token=fake_saas.GL_EXPIRING)
    result = doctor(files)
    assert result.returncode == 1
    assert section_line(result.stdout, "GitHub") == "[✗] GitHub: 1 check failed"
    assert section_line(result.stdout, "GitLab") == "[!] GitLab: usable, 1 warning"
    assert "401 Unauthorized" in result.stdout
    assert result.stdout.rstrip().endswith("✗ Doctor found issues in 2 sections: 1 failed, 1 with warnings.")


def test_warnings_only_exit_0(tmp_path, fake):
    files = deployment(tmp_path, fake, gitlab_token=fake_saas.GL_READ_API)
    result = doctor(files)
    assert result.returncode == 0, result.stdout
    assert section_line(result.stdout, "GitLab").startswith("[!] GitLab")
    assert result.stdout.rstrip().endswith("! Doctor found issues in 1 section: 1 with warnings.")


@pytest.mark.registry
def test_registry_with_wrong_password_fails_its_section(tmp_path, fake, registry):
    files = deployment(tmp_path, fake, registry, registry_password="NotTheRightPassw0rd-1234")
    result = doctor(files)
    assert result.returncode == 1
    assert section_line(result.stdout, "Registry").startswith("[✗] Registry")
    assert section_line(result.stdout, "GitHub") == "[✓] GitHub: all checks passed"


def test_unconfigured_providers_are_reported_without_spending_budget(tmp_path, fake):
    files = deployment(tmp_path, fake, github_token=None, gitlab_token=None)
    result = doctor(files)
    assert result.returncode == 0, result.stdout
    assert section_line(result.stdout, "Registry").startswith("[-] Registry: config.BinderHub.use_registry is false")
    assert section_line(result.stdout, "GitHub") == "[!] GitHub: usable, 1 warning"
    assert "60 requests/hour" in result.stdout
    assert "not probed: the anonymous limit counts per IP address of the BinderHub pod" in result.stdout
    assert section_line(result.stdout, "GitLab").startswith("[-] GitLab: config.GitLabRepoProvider is not set")
    assert not fake.seen


def test_lint_errors_fail_the_lint_section(tmp_path, fake):
    files = deployment(tmp_path, fake, hub_url="34.120.10.20")  # no scheme: rule hub-url-form
    result = doctor(files)
    assert result.returncode == 1
    lint = section_line(result.stdout, "Lint")
    assert lint.startswith("[✗] Lint:") and "1 error" in lint
    # the finding is listed under its section, with where and how to fix it
    assert re.search(r"^    \S*config\.yaml:3:\d+: error BHD502 .*\[hub-url-form\]$", result.stdout, re.M), result.stdout
    assert "        fix: " in result.stdout
    assert section_line(result.stdout, "GitHub") == "[✓] GitHub: all checks passed"  # probes still run


def test_broken_yaml_skips_the_probes(tmp_path, fake):
    secret, config = deployment(tmp_path, fake)
    config.write_text("config:\n  BinderHub:\n\thub_url: x\n", encoding="utf-8")
    result = doctor((secret, config))
    assert result.returncode == 1
    assert section_line(result.stdout, "Lint").startswith("[✗] Lint")
    assert "not run: the values files did not load cleanly" in section_line(result.stdout, "GitHub")
    assert not fake.seen


def test_json_report(tmp_path, fake):
    files = deployment(tmp_path, fake, github_token=fake_saas.GH_EXHAUSTED)
    result = doctor(files, "--format", "json")
    assert result.returncode == 1
    report = doctor_report(result.stdout)
    assert report["version"] == 1 and report["ok"] is False and report["status"] == "fail"
    assert [s["name"] for s in report["sections"]] == ["lint", "registry", "github", "gitlab"]
    by_name = {s["name"]: s for s in report["sections"]}
    # use_registry: false here, so the only lint finding is BHD612's info about the image cleaner
    assert by_name["lint"]["status"] == "ok"
    assert [f["rule"] for f in by_name["lint"]["findings"]] == ["BHD612"]
    assert by_name["registry"]["status"] == "skip"
    github = by_name["github"]
    assert github["status"] == "fail"
    assert github["report"]["steps"][0]["name"] == "rate limit (access_token)"
    assert "exhausted" in github["report"]["steps"][0]["detail"]
    assert by_name["gitlab"]["status"] == "ok"
    assert report["summary"] == {"passed": 2, "warnings": 0, "failed": 1, "skipped": 1}


def test_plain_http_to_github_elsewhere_than_loopback_fails_only_that_section(tmp_path, fake):
    files = deployment(tmp_path, fake)
    config = files[-1]
    config.write_text(config.read_text().replace(fake.github_api, "http://ghe.example.org/api/v3"))
    result = invoke("doctor", *files)
    github = section_line(result.stdout, "GitHub")
    assert github.startswith("[✗] GitHub") and "plain http to another machine" in github
    assert section_line(result.stdout, "Lint").startswith("[✓]")


def test_bad_repo_argument_is_a_usage_error_before_any_request(tmp_path, fake):
    result = doctor(deployment(tmp_path, fake), "--github-repo", "nope")
    assert result.returncode == 2
    assert "expected owner/name" in result.stderr
    assert not fake.seen


def test_missing_file_is_a_usage_error(tmp_path):
    result = invoke("doctor", tmp_path / "missing.yaml")
    assert result.returncode == 2
    assert "file not found" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("github_token,gitlab_token,password", [
    (fake_saas.GH_CLASSIC, fake_saas.GL_FULL, REGISTRY_PASSWORD),
    (fake_saas.GH_BAD, fake_saas.GL_REVOKED, "WrongPassw0rd-Canary-77"),
    (fake_saas.GH_ECHO, fake_saas.GL_RATE_LIMITED, REGISTRY_PASSWORD),
], ids=["healthy", "rejected", "echo-and-rate-limited"])
@pytest.mark.registry
def test_no_credential_appears_in_output(tmp_path, fake, registry, github_token, gitlab_token, password, fmt):
    files = deployment(tmp_path, fake, registry, github_token=github_token, gitlab_token=gitlab_token,
                       registry_password=password)
    result = doctor(files, "--format", fmt, "--github-repo", fake_saas.GH_PRIVATE_REPO)
    assert result.returncode in (0, 1), result.stderr
    if fmt == "json":
        doctor_report(result.stdout)  # masking a secret leaves the document whole
    output = result.stdout + result.stderr
    pair = base64.b64encode(f"{REGISTRY_USER}:{password}".encode()).decode().rstrip("=")
    for secret in (github_token, gitlab_token, password, pair):
        assert secret not in output
