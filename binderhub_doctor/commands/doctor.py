"""`doctor`: one report for a deployment. Lint first, then probe whatever the values configure:
the registry, GitHub, GitLab. Each section gets ✓ / ! / ✗ and the report ends with a summary.

Exit codes: 0 no section failed (warnings allowed), 1 a section failed, 2 unusable input.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import click

from ..documents import FATAL_PROBLEMS
from ..errors import EXIT_FINDINGS, EXIT_OK, UsageProblem, usage_errors
from ..probes.report import FAIL, OK, SKIP, WARN, ProbeReport
from . import CHART_VERSION_HELP, SECRET_FILE_HELP
from .check_providers import DEFAULT_TIMEOUT
from .status import cluster_options, status_options


@dataclass
class Section:
    name: str  # lint | registry | github | gitlab
    title: str
    status: str  # ok | warn | fail | skip
    summary: str
    report: ProbeReport | None = None
    findings: list = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {"name": self.name, "title": self.title, "status": self.status, "summary": self.summary}
        if self.name == "lint":
            data["findings"] = [f.as_dict() for f in self.findings]
        elif self.report is not None:
            data["report"] = self.report.as_dict()
        return data


@dataclass
class DoctorOptions:
    files: list
    secret_files: list
    values_key: str | None
    chart_version: str | None
    config_file: str | None
    offline: bool
    timeout: float
    insecure_http: bool
    ca_bundle: str | None
    github_repos: list
    gitlab_repos: list
    release: str | None = None  # --release: the deployed release's status as the last section
    cluster: dict = field(default_factory=dict)  # -n, --allow-default-namespace, --kube-context, --binder-url


@click.command("doctor")
@click.argument("files", nargs=-1, type=click.Path(readable=False))
@click.option("--secret-file", "secret_files", multiple=True, type=click.Path(readable=False),
              help=SECRET_FILE_HELP)
@click.option("--values-key", help="The BinderHub values sit under this key of a meta-chart (e.g. binderhub).")
@click.option("--chart-version", help=CHART_VERSION_HELP)
@click.option("--config", "config_file", type=click.Path(), help="Config file (default: .binderhub-doctor.yaml found upwards).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--offline", is_flag=True, help="Only lint; contact nothing.")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=300), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds to wait for each answer.")
@click.option("--insecure-http", is_flag=True,
              help="Talk plain http to a GitLab test server on a loopback address (its hostname has no scheme); "
                   "an http:// GitHub URL to a loopback address needs no flag.")
@click.option("--ca-bundle", type=click.Path(exists=True, dir_okay=False), help="Trust this CA certificate file.")
@click.option("--github-repo", "github_repos", multiple=True, metavar="OWNER/NAME",
              help="Also check BinderHub can read this GitHub repository (repeatable).")
@click.option("--gitlab-repo", "gitlab_repos", multiple=True, metavar="GROUP/PROJECT",
              help="Also check BinderHub can read this GitLab project (repeatable).")
@click.option("--release", metavar="NAME", help="Also check the deployed release NAME (as `status NAME`), last.")
@cluster_options
def command(files, secret_files, values_key, chart_version, config_file, fmt, offline, timeout,
            insecure_http, ca_bundle, github_repos, gitlab_repos, release, **cluster):
    """One report for a deployment: lint, then the registry, GitHub and GitLab checks.

    Each section shows ✓ (fine), ! (works, with warnings), ✗ (fails) or - (not configured /
    not run); the exit code is 1 when any section fails. --offline runs only the lint. With
    --release NAME, the deployed release's status (see `status`) is the last section.
    """
    from ..reporters.doctor_report import footer_lines, render_json

    if not release and any(value not in (None, False) for value in cluster.values()):
        raise UsageProblem("-n, --kube-context and --binder-url go with --release NAME")
    options = DoctorOptions(list(files), list(secret_files), values_key, chart_version, config_file, offline,
                            timeout, insecure_http, ca_bundle, list(github_repos), list(gitlab_repos),
                            release, cluster)
    sections, values = run_doctor(options, shown=text_shown if fmt == "text" else None)
    text = render_json(sections, values) if fmt == "json" else "\n".join(footer_lines(sections)) + "\n"
    click.echo(text, nl=False)
    sys.exit(EXIT_FINDINGS if any(s.status == FAIL for s in sections) else EXIT_OK)


def text_shown(sections, values) -> None:
    """Each section as soon as it is done (the header with the first), so a slow probe is no blank screen."""
    from ..reporters.doctor_report import header_lines, section_lines

    lines = header_lines(values) if len(sections) == 1 else []
    click.echo("\n".join([*lines, *section_lines(sections[-1])]))


def run_doctor(options: DoctorOptions, shown=None):
    """``shown(sections, values)`` is called each time a section is added (the newest last); while
    a probe runs, a terminal shows the request it waits for (probes/progress.py)."""
    from ..chart_versions import ChartVersionError
    from ..inputs import InputError
    from ..ruleset import RuleFileError
    from .lint import LintOptions, lint_files

    try:
        result, _rules, values = lint_files(LintOptions(
            files=options.files, secret_files=options.secret_files, values_key=options.values_key,
            chart_version=options.chart_version, config_file=options.config_file))
    except (InputError, RuleFileError, ChartVersionError) as exc:
        raise UsageProblem(str(exc)) from None
    # Bad --github-repo / --gitlab-repo values are usage errors: refuse them before any request.
    from ..probes import ProbeInputError, github, gitlab

    with usage_errors(ProbeInputError):
        github_repos = github.check_repo_names(options.github_repos)
        gitlab_repos = gitlab.check_project_names(options.gitlab_repos)
    status = None
    if options.release and not options.offline:  # a bad name or namespace: exit 2 before any probe
        chart = result.chart
        status = status_options(options.release, timeout=options.timeout, chart_version=chart and chart.version,
                                chart_source=chart and chart.source, **options.cluster)

    sections = Shown([lint_section(result)], lambda added: shown and shown(added, values))
    add_probe_sections(sections, options, values, github_repos, gitlab_repos)
    if options.release:
        sections.append(release_section(status) if status else
                        Section("status", "Release", SKIP, "not run (--offline)"))
    return sections, values


def add_probe_sections(sections: list, options: DoctorOptions, values, github_repos, gitlab_repos) -> None:
    """The registry, GitHub and GitLab sections, each added (and so shown) as soon as it is done."""
    broken = any(p.rule in FATAL_PROBLEMS for d in values.documents for p in d.problems) or \
        any(d.skipped or d.encrypted for d in values.documents)
    probes = (("registry", "Registry"), ("github", "GitHub"), ("gitlab", "GitLab"))
    if options.offline or broken:
        why = "not run (--offline)" if options.offline else \
            "not run: the values files did not load cleanly (see Lint), so the settings are incomplete"
        sections += [Section(name, title, SKIP, why) for name, title in probes]
        return
    from ..probes.provider_api import Transport

    transport = Transport(options.timeout, options.insecure_http, options.ca_bundle)
    sections.append(guarded("registry", "Registry", registry_section, values, options))
    sections.append(guarded("github", "GitHub", github_section, values, github_repos, transport))
    sections.append(guarded("gitlab", "GitLab", gitlab_section, values, gitlab_repos, transport))


class Shown(list):
    """The sections so far; ``shown(sections)`` hears of each one added (the first at once)."""

    def __init__(self, sections, shown):
        super().__init__(sections)
        self.shown = shown
        shown(self)

    def append(self, section) -> None:
        super().append(section)
        self.shown(self)

    def __iadd__(self, sections):
        for section in sections:
            self.append(section)
        return self


def guarded(name: str, title: str, section, *arguments) -> Section:
    """A probe that crashes (a bug: every answer a server can send should be a step) fails its
    own section, so the lint section and the other probes still reach the report. While it runs,
    a terminal shows the request it waits for."""
    from ..cli import debug_enabled
    from ..probes.progress import Progress, showing

    try:
        with showing(Progress(steps=False, label=title)):
            return section(*arguments)
    except Exception as exc:
        if debug_enabled():
            raise
        return Section(name, title, FAIL, f"internal error in this check ({type(exc).__name__}); rerun with "
                                          "BINDERHUB_DOCTOR_DEBUG=1 for details and please report it")


# --- the sections -----------------------------------------------------------------------------

def lint_section(result) -> Section:
    from ..reporters.text_report import counted

    errors, warnings = result.count("error"), result.count("warning")
    files = len(result.files) - len(result.unread)  # a file skipped whole was not linted
    scope = f"{files} file{'s' if files != 1 else ''}"
    if not result.findings:
        return Section("lint", "Lint", OK, f"no problems in {scope}")
    status = FAIL if errors else (WARN if warnings else OK)
    return Section("lint", "Lint", status, f"{counted(result)} in {scope}", findings=list(result.findings))


def probe_section(name: str, title: str, report: ProbeReport) -> Section:
    failed = sum(1 for s in report.steps if s.status == FAIL)
    warned = sum(1 for s in report.steps if s.status == WARN)
    if failed:
        summary = f"{failed} check{'s' if failed != 1 else ''} failed"
    elif warned:
        summary = f"usable, {warned} warning{'s' if warned != 1 else ''}"
    elif report.steps and all(s.status == SKIP for s in report.steps):
        return Section(name, title, SKIP, report.steps[0].detail, report)
    else:
        summary = "all checks passed"
    return Section(name, title, report.status, summary, report)


def release_section(options) -> Section:
    """The deployed release, as `status` reports it: the cluster does not depend on the values
    files loading cleanly, so this runs even when the probes above could not."""
    from ..probes.status import run_status

    def section(status_options) -> Section:
        report = run_status(status_options)
        counts = report.counts()
        title = f"Release {status_options.release}"
        if counts["failed"]:
            summary = f"{counts['failed']} check{'s' if counts['failed'] != 1 else ''} failed"
        elif counts["warnings"]:
            summary = f"working, {counts['warnings']} warning{'s' if counts['warnings'] != 1 else ''}"
        else:
            summary = "every check passed"
        return Section("status", title, report.status, summary, report)

    return guarded("status", f"Release {options.release}", section, options)


def failed_section(name: str, title: str, problem: Exception) -> Section:
    """A setting the probe refuses to use (e.g. a token over plain http) fails that section only."""
    return Section(name, title, FAIL, str(problem))


def registry_report(values, options: DoctorOptions) -> ProbeReport | None:
    """The single integration point with the registry probe (probes/registry.py): derive what
    BinderHub would use from the values and run the probe. None: BinderHub uses no registry."""
    from ..models.registry import derive
    from ..probes.registry import RegistryProbeOptions, probe_registry

    settings = derive(values)
    if not settings.use_registry:
        return None
    probe_options = RegistryProbeOptions(timeout=options.timeout, ca_bundle=options.ca_bundle)
    return probe_registry(settings, probe_options, values.redactor)


def registry_section(values, options: DoctorOptions) -> Section:
    from ..probes import ProbeInputError

    try:
        report = registry_report(values, options)
    except ProbeInputError as problem:
        return failed_section("registry", "Registry", problem)
    if report is None:
        return Section("registry", "Registry", SKIP,
                       "config.BinderHub.use_registry is false: BinderHub keeps images on the node; nothing to probe")
    return probe_section("registry", "Registry", report)


def github_section(values, repos, transport) -> Section:
    from ..probes import ProbeInputError, github

    providers = values.get(("config", "BinderHub", "repo_providers"))
    if isinstance(providers, dict) and providers and "gh" not in providers:
        return Section("github", "GitHub", SKIP, "config.BinderHub.repo_providers has no `gh`: GitHub is not offered")
    try:
        # The anonymous budget is per IP of the cluster, not of this machine: not worth spending.
        report = github.probe(values, repos=repos, transport=transport, probe_anonymous=False)
    except ProbeInputError as problem:
        return failed_section("github", "GitHub", problem)
    return probe_section("github", "GitHub", report)


def gitlab_section(values, repos, transport) -> Section:
    from ..probes import ProbeInputError, gitlab
    from ..probes.http import is_loopback

    if not isinstance(values.get(gitlab.SECTION), dict) and not repos:
        return Section("gitlab", "GitLab", SKIP,
                       "config.GitLabRepoProvider is not set: BinderHub reaches public gitlab.com projects only")
    try:
        # --insecure-http is for loopback test servers; a real GitLab next to one keeps https.
        host = urlsplit(f"//{gitlab.read_settings(values).hostname}").hostname
        transport = replace(transport, insecure_http=transport.insecure_http and is_loopback(host))
        report = gitlab.probe(values, repos=repos, transport=transport)
    except ProbeInputError as problem:
        return failed_section("gitlab", "GitLab", problem)
    return probe_section("gitlab", "GitLab", report)
