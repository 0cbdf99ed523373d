"""`status NAME`: is the deployed BinderHub actually working? (the install guide's "try it out")

The release (helm), its services and pods (kubectl), then BinderHub's /health and /versions
and JupyterHub's /hub/api, each a ✓ / ! / ✗ line printed as soon as it is known. Exit 1 when
anything is ✗. Namespace and kube context as for `install`/`connect` (Helm's -n and
--kube-context reach a plugin through HELM_NAMESPACE / HELM_KUBECONTEXT).
"""

from __future__ import annotations

import sys

import click

from .. import helm
from ..errors import EXIT_FINDINGS, EXIT_OK, UsageProblem
from .check_providers import DEFAULT_TIMEOUT


def cluster_options(function):
    """-n, --allow-default-namespace, --kube-context and --binder-url: shared with `doctor --release`."""
    for decorator in reversed([
        click.option("-n", "--namespace", help="Namespace of the release (as a Helm plugin: Helm's own -n)."),
        click.option("--allow-default-namespace", is_flag=True,
                     help="Really look in the namespace `default` (usually a mistake that leaves a stray release)."),
        click.option("--kube-context", metavar="CONTEXT",
                     help="kubeconfig context (as a Helm plugin: Helm's own --kube-context)."),
        click.option("--binder-url", metavar="URL",
                     help="BinderHub's address, when its service has no external one (e.g. behind an ingress)."),
    ]):
        function = decorator(function)
    return function


def status_options(release: str, namespace: str | None, allow_default_namespace: bool, kube_context: str | None,
                   binder_url: str | None, timeout: float, chart_version: str | None = None,
                   chart_source: str | None = None):
    """Check everything the command line gave, before anything runs: a usage error exits 2."""
    from ..kubectl import find_kubectl
    from ..probes.http import usable_url
    from ..probes.status import StatusOptions
    from .helm_release import resolve_namespace

    try:
        helm.check_release_name(release)
        helm_path = helm.find_helm()
    except helm.HelmProblem as exc:
        raise UsageProblem(str(exc)) from None
    if binder_url is not None and not usable_url(binder_url):
        raise UsageProblem(f"--binder-url {binder_url}: not an http(s) URL with a host")
    settings = helm.HelmSettings.from_environment()
    namespace = resolve_namespace(namespace, allow_default_namespace, settings)
    return StatusOptions(release=release, namespace=namespace, kube_context=kube_context or settings.kube_context,
                         helm=helm_path, kubectl=find_kubectl(), timeout=timeout, program=helm.program_name(),
                         linted_chart_version=chart_version, linted_chart_source=chart_source,
                         binder_url=binder_url)


def linted_chart(explicit: str | None):
    """The chart version the values are linted for, as `lint` chooses it without values files:
    --chart-version, else `chart-version` of .binderhub-doctor.yaml; None when neither says."""
    from .. import chart_pin, chart_versions
    from ..inputs import InputError, load_config_for

    try:
        choice = chart_pin.choose(explicit, load_config_for(None))
    except InputError as exc:
        raise UsageProblem(str(exc)) from None
    except chart_versions.ChartVersionError as exc:
        raise UsageProblem(f"--chart-version: {exc}" if explicit else str(exc)) from None
    return None if choice.source == chart_pin.NEWEST_SOURCE else choice


@click.command("status")
@click.argument("name")
@cluster_options
@click.option("--chart-version", metavar="VERSION",
              help="The chart version your values are linted for (default: chart-version of "
                   ".binderhub-doctor.yaml): the deployed one is compared with it.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.1, max=300), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds to wait for each answer (kubectl, helm, BinderHub, JupyterHub).")
def command(name, namespace, allow_default_namespace, kube_context, binder_url, chart_version, fmt, timeout):
    """Is release NAME working? Release, services, pods, BinderHub and JupyterHub answers.

    Each check is a line: ✓ fine, ! works with a warning, ✗ broken (with the evidence and what
    to do), - not checked. Exit 1 when any check is ✗.
    """
    from ..probes.cluster import missing_release_message
    from ..probes.status import StatusReport, find_release, run_status
    from ..reporters import status_report

    linted = linted_chart(chart_version)
    options = status_options(name, namespace, allow_default_namespace, kube_context, binder_url, timeout,
                             linted.version if linted else None, linted.source if linted else None)
    # A name or namespace helm has no release for is a typo, not a broken deployment: exit 2 before
    # anything is printed. A cluster that does not answer is reported as the release's ✗ line.
    lookup = find_release(options)
    if lookup.missing:
        raise UsageProblem(f"{missing_release_message(lookup)}: `helm list --all-namespaces` shows where it is")
    if fmt == "json":
        report = run_status(options, lookup=lookup)
        click.echo(status_report.render_json(report), nl=False)
    else:
        def write(text: str) -> None:
            click.echo(text, nl=False)
            sys.stdout.flush()

        printer = status_report.StreamingText(write)
        printer.start(StatusReport(options.release, options.namespace, options.kube_context))
        report = run_status(options, printer.step, lookup)
        printer.finish(report)
    sys.exit(EXIT_FINDINGS if not report.ok else EXIT_OK)
