"""`install NAME` / `upgrade NAME`: lint, check Helm and the chart repository, then run the one safe
form of the install guide's command, `helm upgrade --install NAME jupyterhub/binderhub --version V
--namespace NS --create-namespace -f secret.yaml -f config.yaml`, with `$HELM_BIN`.

Namespace: `--namespace` (run on its own) or Helm's `-n` (which reaches a plugin as HELM_NAMESPACE).
Helm fills HELM_NAMESPACE with `default` when nothing was given, and a BinderHub in `default` is
the guide's classic stray release, so `default` needs `--allow-default-namespace`.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from .. import helm
from ..errors import EXIT_FINDINGS, UsageProblem
from ..findings import Finding, at_least

DEFAULT_VALUES_FILES = ("secret.yaml", "config.yaml")
# Set by `connect` after the first install, so a missing value there must not block that install.
FILLED_AFTER_INSTALL = {"config.BinderHub.hub_url"}
# Pass-through options that would bypass what this command checks: the values files (linted),
# the chart version (linted against) and the namespace (always given explicitly).
_OWN_OPTIONS = {"-f": "-f/--values", "--values": "-f/--values", "--version": "--version",
                "-n": "--namespace", "--namespace": "--namespace", "--devel": "--devel"}


class CheckFailed(click.ClickException):
    """A check failed (lint errors, a missing chart repository): exit 1, one clear message."""

    exit_code = EXIT_FINDINGS

    def show(self, file=None) -> None:
        click.echo(f"{helm.program_name()}: {self.format_message()}", err=True)


class PassThroughCommand(click.Command):
    """Everything after `--` goes to `helm upgrade` untouched (click would parse it otherwise)."""

    def parse_args(self, ctx, args):
        if "--" in args:
            split = args.index("--")
            ctx.meta["helm_args"] = list(args[split + 1:])
            args = list(args[:split])
        return super().parse_args(ctx, args)

    def collect_usage_pieces(self, ctx):
        return [*super().collect_usage_pieces(ctx), "[-- HELM_ARGS...]"]


@dataclass
class Release:
    name: str
    namespace: str
    values_files: list[str]
    version: str | None
    devel: bool
    extra_args: list[str] = field(default_factory=list)
    lint: bool = True
    add_repo: bool = False
    repo_url: str = helm.REPO_URL


def values_options(function):
    return click.option(
        "-f", "--values", "values_files", multiple=True, type=click.Path(dir_okay=False, readable=False),
        help="Values file, as for helm (repeatable, later files win). Default: secret.yaml and "
             "config.yaml in this folder.")(function)


def chart_options(function):
    for decorator in reversed([
        click.option("--version", "chart_version", metavar="VERSION",
                     help="BinderHub chart version (required: every chart is a pre-release), e.g. "
                          "1.0.0-0.dev.git.3959.hb9fad995. The lint checks the values against it."),
        click.option("--devel", is_flag=True, help="Let helm pick the newest pre-release instead of --version."),
        click.option("-n", "--namespace", help="Namespace (as a Helm plugin: Helm's own -n). Created if missing."),
        click.option("--allow-default-namespace", is_flag=True,
                     help="Really use the namespace `default` (usually a mistake that leaves a stray release)."),
        click.option("--no-lint", is_flag=True, help="Do not lint the values files first."),
        click.option("--add-repo", is_flag=True,
                     help="Add the JupyterHub chart repository to helm if it is missing."),
        click.option("--repo-url", default=helm.REPO_URL, show_default=True, metavar="URL",
                     help="The JupyterHub chart repository, or your mirror of it."),
    ]):
        function = decorator(function)
    return function


def resolve_namespace(option: str | None, allow_default: bool, settings: helm.HelmSettings) -> str:
    namespace = option or settings.namespace
    prog = helm.program_name()
    if not namespace:
        raise UsageProblem(
            f"no namespace given: pass -n NAMESPACE (the guide's convention is the release name, e.g. "
            f"`{prog} install binder -n binder`)")
    if namespace == "default" and not allow_default:
        how = "Helm's `-n`" if settings.in_plugin else "-n/--namespace"
        raise UsageProblem(
            f"refusing the namespace `default` (Helm's fallback when no -n is given): pass the namespace "
            f"with {how}, e.g. `-n binder`; add --allow-default-namespace if you really mean `default`")
    return namespace


def resolve_values_files(given: tuple[str, ...], cwd: Path | None = None) -> list[str]:
    cwd = cwd or Path.cwd()
    if given:
        files = list(given)
        for path in files:
            if not Path(path).is_file():
                raise UsageProblem(f"{path}: values file not found")
        return files
    missing = [name for name in DEFAULT_VALUES_FILES if not (cwd / name).is_file()]
    if missing:
        raise UsageProblem(
            f"{' and '.join(missing)} not found in {cwd}: run this in the folder with your values files, "
            f"pass them with -f FILE, or create them with `{helm.program_name()} init`")
    return list(DEFAULT_VALUES_FILES)


def check_chart_version(version: str | None, devel: bool, what: str = "install") -> None:
    if not version and not devel:
        raise UsageProblem(
            f"--version is required: every BinderHub chart is a pre-release, so helm finds none without it "
            f"(pick one at https://hub.jupyter.org/helm-chart/#development-releases-binderhub, "
            f"or pass --devel to {what} the newest)")
    if version:
        from .. import chart_versions

        try:
            chart_versions.parse(version)
        except chart_versions.ChartVersionError as exc:
            raise UsageProblem(f"--version: {exc}") from None


def check_extra_args(extra: list[str]) -> None:
    for arg in extra:
        option = arg.partition("=")[0]
        if option in _OWN_OPTIONS:
            raise UsageProblem(
                f"`{arg}` after `--`: give {_OWN_OPTIONS[option]} before `--`, so this command can check it")
    printing = helm.manifest_printing_arguments(extra)
    if printing:
        raise UsageProblem(
            f"`{printing[0]}` after `--`: with it helm prints the rendered manifest or the values, secrets "
            "included; use this command's own --dry-run to see the helm command, and `helm template` "
            "yourself if you need the manifest")
    secret_sets = helm.secret_set_arguments(extra)
    if secret_sets:
        raise UsageProblem(
            f"{secret_sets[0]} would put a secret on the command line (visible in `ps` and shell "
            "history) or past the lint: put it in your secret values file instead")


def lint_values(files: list[str], version: str | None):
    """Lint as `lint` does, but with the whole set of files known: missing values are errors."""
    from .. import chart_versions, reporters
    from ..inputs import InputError
    from ..ruleset import RuleFileError
    from .lint import LintOptions, lint_files

    try:
        result, rules, values = lint_files(LintOptions(files=files, chart_version=version, values_key=""))
    except (InputError, RuleFileError, chart_versions.ChartVersionError) as exc:
        raise UsageProblem(str(exc)) from None
    required = {rule.id for rule in rules if rule.check.get("kind") == "required"}
    findings = []
    deferred = []
    for finding in result.findings:
        if finding.rule in required and finding.severity != "error":
            if finding.path in FILLED_AFTER_INSTALL:
                deferred.append(finding.path)
            else:
                finding = dataclasses.replace(
                    finding, severity="error",
                    message=finding.message + " (no other values file will supply it here)")
        findings.append(finding)
    result = dataclasses.replace(result, findings=sorted(findings, key=Finding.sort_key))
    report = reporters.render("text", result, rules, {"colour": False, "show_fixes": True})
    click.echo(report, err=True, nl=False)
    errors = sum(1 for f in result.findings if at_least(f.severity, "error"))
    return errors, deferred


def deploy(release: Release, dry_run: bool = False, after_success: str | None = None) -> int:
    """Lint, check helm and the chart repository, then run (or print) `helm upgrade --install`."""
    settings = helm.HelmSettings.from_environment()
    prog = helm.program_name()
    deferred: list[str] = []
    if release.lint:
        errors, deferred = lint_values(release.values_files, release.version)
        if errors:
            raise CheckFailed(
                f"stopped before running helm: {errors} lint error{'s' if errors != 1 else ''} in "
                f"{', '.join(release.values_files)}; fix {'them' if errors != 1 else 'it'} "
                "(or pass --no-lint to deploy anyway)")
    else:
        from ..inputs import InputError, load, load_config_for

        try:  # loaded all the same, so the output sink knows the secrets helm might print
            load([Path(p) for p in release.values_files], load_config_for(None), values_key="")
        except InputError as exc:
            raise UsageProblem(str(exc)) from None
    try:
        helm_bin = helm.find_helm()
        helm.helm_version(helm_bin)
        repo_name = helm.chart_repository(helm.list_repositories(helm_bin),
                                          _accepted_urls(release.repo_url))
    except helm.HelmProblem as exc:
        raise UsageProblem(str(exc)) from None
    commands = []
    if repo_name is None:
        add = helm.repo_add_command("helm", release.repo_url)
        if not release.add_repo:
            raise CheckFailed(
                f"the JupyterHub chart repository is not configured in helm; add it with\n"
                f"    {helm.format_command(add)}\n"
                f"or rerun with --add-repo")
        repo_name = helm.REPO_NAME
        commands.append(helm.repo_add_command(helm_bin, release.repo_url))
    upgrade = helm.upgrade_command(
        helm_bin, release.name, f"{repo_name}/{helm.CHART_NAME}", release.namespace, release.values_files,
        version=release.version, devel=release.devel, kube_context=settings.kube_context,
        extra_args=release.extra_args)
    commands.append(upgrade)
    if settings.debug:
        click.echo(f"{prog}: note: helm's --debug is not passed on: with it helm prints the values and the "
                   "rendered Secrets", err=True)
    if dry_run:
        click.echo("dry run: nothing was changed; the command" + ("s" if len(commands) > 1 else "")
                   + " would be:", err=True)
        for argv in commands:
            click.echo(helm.format_command(argv))
        return 0
    for argv in commands:
        click.echo(f"$ {helm.format_command(argv)}", err=True)
        code, error_line = helm.run_streaming(argv, env=helm.environment_without_debug())
        if code != 0:
            what = "helm repo add" if argv is not upgrade else "helm upgrade"
            detail = f": {error_line}" if error_line else ""
            click.echo(f"{prog}: {what} failed with exit code {code}{detail}{_hint(error_line, release)}",
                       err=True)
            return code
    if deferred and after_success:
        click.echo(after_success, err=True)
    return 0


def _accepted_urls(repo_url: str) -> tuple[str, ...]:
    if any(helm.same_url(repo_url, url) for url in helm.KNOWN_REPO_URLS):
        return helm.KNOWN_REPO_URLS
    return (repo_url,)


def _hint(error_line: str | None, release: Release) -> str:
    text = (error_line or "").lower()
    if "cluster unreachable" in text:
        return ("\n    hint: helm cannot reach the Kubernetes API; check KUBECONFIG or --kubeconfig and the "
                "context (`kubectl config current-context`, Helm's --kube-context)")
    if "not found" in text and ("chart" in text or "version" in text):
        return (f"\n    hint: refresh the chart index with `helm repo update {helm.REPO_NAME}` and check the "
                f"version exists at {release.repo_url}")
    return ""


def _release_command(action: str):
    @click.command(action, cls=PassThroughCommand)
    @click.argument("name")
    @values_options
    @chart_options
    @click.option("--dry-run", is_flag=True,
                  help="Lint and check, then print the exact helm command instead of running it.")
    @click.pass_context
    def command(ctx, name, values_files, chart_version, devel, namespace, allow_default_namespace, no_lint,
                add_repo, repo_url, dry_run):
        extra = ctx.meta.get("helm_args", [])
        try:
            helm.check_release_name(name)
        except helm.HelmProblem as exc:
            raise UsageProblem(str(exc)) from None
        check_chart_version(chart_version, devel, action)
        check_extra_args(extra)
        settings = helm.HelmSettings.from_environment()
        release = Release(
            name=name, namespace=resolve_namespace(namespace, allow_default_namespace, settings),
            values_files=resolve_values_files(values_files), version=chart_version, devel=devel,
            extra_args=extra, lint=not no_lint, add_repo=add_repo, repo_url=repo_url)
        prog = helm.program_name()
        version_flag = f"--version {chart_version}" if chart_version else "--devel"
        next_step = (f"next: config.BinderHub.hub_url is not set yet; once the proxy-public service has an "
                     f"external IP, run `{prog} connect {name} -n {release.namespace} {version_flag}` to set "
                     "it and upgrade")
        sys.exit(deploy(release, dry_run=dry_run, after_success=next_step))

    return command


_HELP = {
    "install": """Install BinderHub as release NAME: lint, then `helm upgrade --install` (safe to rerun).

    Runs `helm upgrade --install NAME jupyterhub/binderhub --version V --namespace NS
    --create-namespace -f secret.yaml -f config.yaml [ARGS after --]` with the helm that runs this
    plugin ($HELM_BIN). Lint errors stop it before helm runs; values missing from all the files are
    errors here (except hub_url, which `connect` sets after the first install).
    """,
    "upgrade": """Upgrade release NAME: lint, then `helm upgrade --install` with the same safe options.

    Always passes --namespace (the install guide's second `helm upgrade` forgets it) and the chart
    --version; values come only from files, never from the command line. Arguments after `--` go to
    helm unchanged (e.g. `-- --timeout 10m`).
    """,
}


def _with_help(command: click.Command, action: str) -> click.Command:
    command.help = _HELP[action]
    return command


install = _with_help(_release_command("install"), "install")
upgrade = _with_help(_release_command("upgrade"), "upgrade")
