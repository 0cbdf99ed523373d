"""`check-github` and `check-gitlab`: probe the repository providers' credentials from the values.

Exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 unusable input.
"""

from __future__ import annotations

import sys

import click

from ..errors import EXIT_FINDINGS, EXIT_OK, UsageProblem, usage_errors
from ..inputs import InputError, load, load_config_for, value_files
from ..probes import ProbeInputError
from ..probes.provider_api import Transport
from ..probes.report import FAIL, MARKS, OK, SKIP, WARN, ProbeReport, render
from . import SECRET_FILE_HELP

DEFAULT_TIMEOUT = 10.0


def provider_options(function):
    """The options both commands share, in the order `--help` shows them."""
    decorators = [
        click.argument("files", nargs=-1, type=click.Path(readable=False)),
        click.option("--secret-file", "secret_files", multiple=True, type=click.Path(readable=False),
                     help=SECRET_FILE_HELP),
        click.option("--values-key", help="The BinderHub values sit under this key of a meta-chart (e.g. binderhub)."),
        click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                     help="Output format."),
        click.option("--timeout", type=click.FloatRange(min=0.1, max=300), default=DEFAULT_TIMEOUT,
                     show_default=True,
                     help="Seconds to wait for each answer; one request (with its retries) stops after 3 × this + 3."),
        click.option("--insecure-http", is_flag=True,
                     help="GitLab: talk plain http to a test server on a loopback address (a GitLab hostname has "
                          "no scheme). An http:// URL to a loopback address needs no flag, as for check-registry."),
        click.option("--ca-bundle", type=click.Path(exists=True, dir_okay=False),
                     help="Trust this CA certificate file (a GitHub Enterprise / GitLab with a private CA)."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def load_values(files, secret_files, values_key):
    """Values as `helm -f` would merge them; unusable input exits 2 with one line."""
    try:
        return load(value_files(list(files)), load_config_for(None), list(secret_files), values_key)
    except InputError as exc:
        raise UsageProblem(str(exc)) from None


def summary_line(report: ProbeReport, name: str, nothing_to_check: str = "nothing to check") -> str:
    failed = sum(1 for s in report.steps if s.status == FAIL)
    warned = sum(1 for s in report.steps if s.status == WARN)
    if report.steps and all(s.status == SKIP for s in report.steps):
        return f"{MARKS[SKIP]} {name}: skipped: {nothing_to_check}"  # not "all checks passed": none ran
    if failed:
        return f"{MARKS[FAIL]} {name}: {failed} check{'s' if failed != 1 else ''} failed"
    if warned:
        return f"{MARKS[WARN]} {name}: usable, {warned} warning{'s' if warned != 1 else ''}"
    return f"{MARKS[OK]} {name}: all checks passed"


def run_shown(fmt: str, heading: str, probe):
    """Run ``probe()``: in text, the heading at once, then the derived settings and each step as
    it finishes (on a terminal, the request being waited for on a live line)."""
    from ..probes.progress import Progress, showing

    with showing(Progress(steps=fmt == "text", heading=heading)) as progress:
        report = probe()
        progress.derived(report)
    return report


def emit(report: ProbeReport, fmt: str, name: str, nothing_to_check: str = "nothing to check") -> None:
    """What run_shown has not printed yet: the JSON report, or the summary line."""
    if fmt == "json":
        click.echo(render(report, "json"), nl=False)
    else:
        click.echo(summary_line(report, name, nothing_to_check))
    sys.exit(EXIT_OK if report.ok else EXIT_FINDINGS)


@click.command("check-github")
@provider_options
@click.option("--repo", "repos", multiple=True, metavar="OWNER/NAME",
              help="Also check the credentials can read this repository and its default branch (repeatable).")
def check_github(files, secret_files, values_key, fmt, timeout, insecure_http, ca_bundle, repos):
    """Check config.GitHubRepoProvider against the GitHub API.

    Asks GET {api_base_path}/rate_limit (free of charge) with and without the credentials:
    limit, remaining, reset; the token's scopes and expiry; with --repo, whether BinderHub can
    resolve that repository's default branch. Without a token the probe runs anonymously and
    warns: GitHub then allows 60 requests an hour.
    """
    from ..probes import github

    values = load_values(files, secret_files, values_key)
    with usage_errors(ProbeInputError):
        report = run_shown(fmt, _heading("GitHub"), lambda: github.probe(
            values, repos=repos, transport=Transport(timeout, insecure_http, ca_bundle)))
    emit(report, fmt, "GitHub")


@click.command("check-gitlab")
@provider_options
@click.option("--repo", "repos", multiple=True, metavar="GROUP/PROJECT",
              help="Also check the token can read this project and its default branch (repeatable).")
def check_gitlab(files, secret_files, values_key, fmt, timeout, insecure_http, ca_bundle, repos):
    """Check config.GitLabRepoProvider against the GitLab API.

    Reads the token's own record (GET /api/v4/personal_access_tokens/self): scopes (the guide
    asks for api and read_repository), expiry, revoked or inactive. Group and project tokens
    cannot be inspected that way and are reported as such. With --repo, makes BinderHub's call
    (repository/commits) for that project's default branch.
    """
    from ..probes import gitlab

    values = load_values(files, secret_files, values_key)
    with usage_errors(ProbeInputError):
        report = run_shown(fmt, _heading("GitLab"), lambda: gitlab.probe(
            values, repos=repos, transport=Transport(timeout, insecure_http, ca_bundle)))
    configured = isinstance(values.get(gitlab.SECTION), dict)
    emit(report, fmt, "GitLab", "no token to check" if configured else "no GitLab provider configured")


def _heading(name: str) -> str:
    section = "GitHubRepoProvider" if name == "GitHub" else "GitLabRepoProvider"
    return f"{name}: config.{section}"
