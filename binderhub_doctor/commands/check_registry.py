"""`check-registry`: prove the registry credentials in the values work, for pull and push.

Loads the values like `lint` does, derives what BinderHub would use (models/registry.py), and
runs the registry probe (probes/registry.py), which also checks with the docker SDK that build
pods would find push credentials for image_prefix's registry. Exit 0: every step passed; 1: a
check failed; 2: unusable input.
"""

from __future__ import annotations

import os
import sys

import click

from ..documents import FATAL_PROBLEMS
from ..errors import EXIT_FINDINGS, EXIT_OK, UsageProblem
from ..models.registry import derive
from . import SECRET_FILE_HELP


@click.command("check-registry")
@click.argument("files", nargs=-1, type=click.Path(readable=False))
@click.option("--secret-file", "secret_files", multiple=True, type=click.Path(readable=False),
              help=SECRET_FILE_HELP)
@click.option("--values-key", help="Read the BinderHub values under this key of a meta-chart (e.g. binderhub).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=600), default=10.0, show_default=True,
              metavar="SECONDS",
              help="Connect and read timeout of each request; the whole check stops after 5 × this.")
@click.option("--ca-bundle", type=click.Path(), metavar="FILE",
              help="PEM file of CA certificates to trust for the registry (default: the system's trust store).")
@click.option("--insecure-registry", "insecure_hosts", multiple=True, metavar="HOST",
              help="Allow plain http to HOST or HOST:PORT (loopback is always allowed). Repeatable.")
@click.option("--allow-realm-host", "realm_hosts", multiple=True, metavar="HOST[:PORT]",
              help="Send credentials to this token realm host (any port, or only PORT) even though it is "
                   "on another site or port than the registry. Repeatable.")
@click.option("--skip-push", is_flag=True, help="Do not check push permission (read-only credentials).")
def command(files, secret_files, values_key, fmt, timeout, ca_bundle, insecure_hosts, realm_hosts, skip_push):
    """Check the registry credentials in the values: connect, authenticate, pull and push.

    FILES are merged in order, as `helm -f A -f B` merges them (default: secret.yaml and
    config.yaml here). Nothing is pushed: the push check starts an empty upload and cancels it.
    """
    from ..printable import printable
    from ..probes.progress import Progress, showing
    from ..probes.registry import RegistryProbeOptions, probe_registry
    from ..probes.report import render

    values = _load_values(files, secret_files, values_key)
    settings = derive(values)
    if not settings.use_registry:
        raise UsageProblem("config.BinderHub.use_registry is false: BinderHub uses no registry, so there is "
                           "nothing to check")
    if ca_bundle:
        _check_ca_bundle(ca_bundle)
    options = RegistryProbeOptions(
        timeout=timeout, ca_bundle=ca_bundle, insecure_hosts=tuple(insecure_hosts),
        allowed_realm_hosts=tuple(realm_hosts), skip_push=skip_push)
    shown = ", ".join(printable(doc.file) for doc in values.documents)
    heading = f"Registry settings BinderHub would use (from {shown}):"
    with showing(Progress(steps=fmt == "text", heading=heading)) as progress:  # each step as it finishes
        report = probe_registry(settings, options, values.redactor)
        progress.derived(report)
    if fmt == "json":
        click.echo(render(report, fmt), nl=False)
    sys.exit(EXIT_OK if report.ok else EXIT_FINDINGS)


def _load_values(files, secret_files, values_key):
    from ..inputs import InputError, load, load_config_for, value_files

    try:
        values = load(value_files(list(files)), load_config_for(None), list(secret_files), values_key)
    except InputError as exc:
        raise UsageProblem(str(exc)) from None
    for document in values.documents:
        if document.skipped or document.encrypted:
            why = document.skipped or f"encrypted ({document.encrypted})"
            raise UsageProblem(f"{document.file}: {why}; pass the decrypted file")
        for problem in document.problems:
            if problem.rule in FATAL_PROBLEMS:
                where = f"{problem.position.file}:{problem.position.line}" if problem.position else document.file
                hint = f"; {problem.hint}" if problem.hint else ""
                raise UsageProblem(f"{where}: {problem.message}{hint}")
    return values


def _check_ca_bundle(path: str) -> None:
    if not os.path.isfile(path):
        raise UsageProblem(f"{path}: --ca-bundle file not found")
    if not os.access(path, os.R_OK):
        raise UsageProblem(f"{path}: --ca-bundle file is not readable; check its permissions")
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    if b"-----BEGIN CERTIFICATE-----" not in head:
        raise UsageProblem(f"{path}: --ca-bundle must be a PEM file of CA certificates (no BEGIN CERTIFICATE found)")
