"""`connect NAME`: the install guide's "Connect BinderHub and JupyterHub" step as one command.

Reads the external IP (or hostname) of service `proxy-public` with kubectl, waiting while the
cloud load balancer is still `<pending>`, writes `config.BinderHub.hub_url: http://<address>` into
the config file by editing its text (comments and key order stay as they are, the secret file is
never touched), and runs the same safe `helm upgrade --install` as `upgrade`.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import time
from pathlib import Path

import click

from .. import helm
from ..errors import UsageProblem
from ..kubectl import find_kubectl, hub_url_for, is_address, service_command
from ..values import is_secret_filename
from .helm_release import (
    CheckFailed,
    Release,
    chart_options,
    check_chart_version,
    deploy,
    resolve_namespace,
    resolve_values_files,
    values_options,
)

SERVICE = "proxy-public"
HUB_URL_PATH = ("config", "BinderHub", "hub_url")
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s?)?$")


def parse_duration(text: str) -> float:
    """`300`, `300s`, `5m`, `1h30m` -> seconds."""
    match = _DURATION.match(text.strip()) if text and text.strip() else None
    if not match or not any(match.groups()):
        raise click.BadParameter(f"`{text}` is not a duration; use e.g. 300, 90s, 5m or 1h")
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


class ServiceState:
    """What the service says: an address, still pending, or never going to get one."""

    def __init__(self, address: str | None = None, pending: bool = False, problem: str | None = None):
        self.address = address
        self.pending = pending
        self.problem = problem


def read_service(service: dict) -> ServiceState:
    spec = service.get("spec") or {}
    kind = spec.get("type") or "ClusterIP"
    ingress = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    for entry in ingress:
        address = (entry or {}).get("ip") or (entry or {}).get("hostname")
        if address and not is_address(address):
            from ..printable import printable

            return ServiceState(problem=(
                f"service {SERVICE} reports the external address `{printable(address)}`, which is neither an "
                "IP address nor a host name; set config.BinderHub.hub_url by hand"))
        if address:
            return ServiceState(address=address)
    if kind != "LoadBalancer":
        return ServiceState(problem=(
            f"service {SERVICE} is of type {kind}, so it never gets an external IP; set "
            "config.BinderHub.hub_url to the address your users reach JupyterHub at (e.g. your ingress "
            "host) by hand, or set jupyterhub.proxy.service.type: LoadBalancer"))
    return ServiceState(pending=True)


def fetch_service(argv: list[str]) -> dict:
    from ..kubectl import KubectlProblem, read_json

    try:
        return read_json(argv, timeout=60)
    except KubectlProblem as problem:
        if problem.kind == "not_found":
            namespace = argv[argv.index("--namespace") + 1]
            raise CheckFailed(
                f"service {SERVICE} not found in namespace {namespace} ({problem.message}); is BinderHub installed "
                f"there? Install it first with `{helm.program_name()} install NAME -n {namespace} --version V`"
            ) from None
        raise CheckFailed(problem.message) from None


class Progress:
    """A spinner on a terminal; on a log, one line now and then so CI shows it is alive."""

    FRAMES = "|/-\\"

    def __init__(self, namespace: str, timeout: float, stream=None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.namespace = namespace
        self.timeout = timeout
        self.ticks = 0
        self.last_line = -1.0

    def update(self, waited: float) -> None:
        text = (f"waiting for an external IP of service {SERVICE} in namespace {self.namespace} "
                f"({waited:.0f}s of {self.timeout:.0f}s)")
        if self.tty:
            frame = self.FRAMES[self.ticks % len(self.FRAMES)]
            self.stream.write(f"\r{frame} {text}\033[K")
        elif self.last_line < 0 or waited - self.last_line >= 15:
            self.stream.write(text + "\n")
            self.last_line = waited
        self.ticks += 1
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.ticks:
            self.stream.write("\r\033[K")
            self.stream.flush()


def wait_for_address(argv: list[str], namespace: str, timeout: float, interval: float) -> str:
    started = time.monotonic()
    progress = Progress(namespace, timeout)
    try:
        while True:
            state = read_service(fetch_service(argv))
            if state.address:
                return state.address
            if state.problem:
                raise CheckFailed(state.problem)
            waited = time.monotonic() - started
            if waited >= timeout:
                raise CheckFailed(
                    f"service {SERVICE} in namespace {namespace} still has no external IP after {timeout:.0f}s; "
                    "cloud load balancers can take several minutes: rerun with a longer --timeout, and check "
                    f"`kubectl describe service {SERVICE} -n {namespace}` for events")
            progress.update(waited)
            time.sleep(max(0.0, min(interval, timeout - waited)))
    finally:
        progress.done()


_CORE_SECRETS = (
    ("registry", "password"),
    ("jupyterhub", "hub", "services", "binder", "apiToken"),
    ("jupyterhub", "proxy", "secretToken"),
)


def holds_core_secrets(path: str) -> bool:
    """A file with the registry password or the hub tokens is a secret file, whatever its name
    (`-f config.yaml -f prod.yaml` where prod.yaml holds the passwords)."""
    from ..documents import load_document

    try:
        data = load_document(path).data
    except OSError:
        return False
    for root in (data, data.get("binderhub") if isinstance(data, dict) else None):
        for secret_path in _CORE_SECRETS:
            node = root
            for part in secret_path:
                node = node.get(part) if isinstance(node, dict) else None
            if node not in (None, ""):
                return True
    return False


def choose_target(files: list[str], write_to: str | None, secret_files: frozenset[str]) -> str:
    """The file hub_url goes into: `--write-to`, else the last values file that is not secret."""
    def secret(path: str) -> bool:
        return is_secret_filename(path) or path in secret_files or os.path.realpath(path) in {
            os.path.realpath(s) for s in secret_files} or holds_core_secrets(path)

    if write_to:
        if not any(os.path.realpath(write_to) == os.path.realpath(f) for f in files):
            raise UsageProblem(f"--write-to {write_to}: not one of the values files ({', '.join(files)}); "
                               "pass it with -f too")
        if secret(write_to):
            raise UsageProblem(f"--write-to {write_to}: that is a secret file; hub_url is not a secret and "
                               "belongs in config.yaml, which is usually committed")
        return write_to
    for path in reversed(files):
        if not secret(path):
            return path
    raise UsageProblem("all the values files are secret files; add your config.yaml with -f "
                       "(hub_url is written there, never into a secret file)")


def refuse_read_only(target: str) -> None:
    """A values file made read-only (0444, often on purpose: generated, or managed by another
    tool) is not replaced behind its owner's back; root could, so the mode bits decide."""
    try:
        mode = os.stat(target).st_mode
    except OSError as exc:
        raise UsageProblem(f"{target}: cannot read: {exc.strerror or exc}") from None
    if not mode & 0o222:
        raise UsageProblem(f"{target} is read-only (mode {stat.S_IMODE(mode):04o}); make it writable "
                           f"(chmod u+w {target}) or choose another file with --write-to")


def write_hub_url(files: list[str], target: str, url: str) -> tuple[bool, str]:
    """Set hub_url in ``target``; (changed, message). Refuses when a later file would override it."""
    from ..documents import Document, parse_text
    from ..inputs import InputError, load, load_config_for
    from ..output_files import write_atomically
    from ..values import build_values
    from ..values_edit import EditError, set_scalar

    try:
        values = load([Path(p) for p in files], load_config_for(None), values_key="")
    except InputError as exc:
        raise UsageProblem(str(exc)) from None
    if values.get(HUB_URL_PATH) == url:
        return False, f"config.BinderHub.hub_url is already {url}"
    target_path = Path(target)
    try:
        text = target_path.read_bytes().decode("utf-8")  # bytes: CRLF line endings stay as they are
    except OSError as exc:
        raise UsageProblem(f"{target}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageProblem(f"{target}: not UTF-8 text; cannot edit it") from None
    try:
        new_text = set_scalar(text, HUB_URL_PATH, url, target)
    except EditError as exc:
        raise UsageProblem(str(exc)) from None
    # Would the merged values, with the edited file in its place, really hold the new url?
    documents = []
    for document in values.documents:
        if os.path.realpath(document.file) == os.path.realpath(target):
            document = parse_text(new_text, Document(file=document.file, lines=new_text.splitlines()))
        documents.append(document)
    merged = build_values(documents, values_key="", auto_values_key=False)
    if merged.get(HUB_URL_PATH) != url:
        owner = merged.document_of(HUB_URL_PATH)
        where = owner.file if owner else "a later values file"
        raise UsageProblem(f"{where} sets config.BinderHub.hub_url too and comes after {target}, so it would win; "
                           f"remove it there (or pass --write-to {where} if that is not a secret file)")
    if new_text == text:
        return False, f"config.BinderHub.hub_url is already {url}"
    try:
        write_atomically(target_path, new_text)
    except OSError as exc:
        raise UsageProblem(f"{target}: cannot write: {exc.strerror or exc}") from None
    return True, f"wrote config.BinderHub.hub_url: {url} into {target}"


@click.command("connect")
@click.argument("name")
@values_options
@chart_options
@click.option("--write-to", metavar="FILE",
              help="The values file to write hub_url into (default: the last -f file that is not a secret file).")
@click.option("--timeout", default="5m", show_default=True, metavar="DURATION",
              help="How long to wait for the external IP (e.g. 300, 90s, 5m).")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(min=0.05), metavar="SECONDS",
              help="Seconds between two looks at the service.")
@click.option("--no-upgrade", is_flag=True, help="Only write hub_url; do not run helm upgrade.")
def command(name, values_files, chart_version, devel, namespace, allow_default_namespace, no_lint, add_repo,
            repo_url, write_to, timeout, interval, no_upgrade):
    """Set hub_url from the proxy-public service's external IP, then upgrade release NAME.

    The install guide's step "Connect BinderHub and JupyterHub": waits while the IP is <pending>,
    writes `config.BinderHub.hub_url: http://<IP>` into config.yaml keeping its comments and key
    order (never into the secret file), then runs the same `helm upgrade --install` as `upgrade`.
    Nothing is written or upgraded when hub_url already has that value.
    """
    try:
        helm.check_release_name(name)
    except helm.HelmProblem as exc:
        raise UsageProblem(str(exc)) from None
    if not no_upgrade:
        check_chart_version(chart_version, devel, "upgrade to")
    seconds = parse_duration(timeout)
    settings = helm.HelmSettings.from_environment()
    ns = resolve_namespace(namespace, allow_default_namespace, settings)
    files = resolve_values_files(values_files)
    from ..inputs import InputError, load_config_for

    try:
        configured_secret = frozenset(str(p) for p in load_config_for(None).secret_files)
    except InputError as exc:
        raise UsageProblem(str(exc)) from None
    target = choose_target(files, write_to, configured_secret)
    refuse_read_only(target)  # before the wait for an address, not after it
    kubectl = find_kubectl()  # missing kubectl: exit 2 now, not after the helm check
    if not no_upgrade:  # find a missing or unusable helm now, not after minutes of waiting
        try:
            helm.helm_version(helm.find_helm())
        except helm.HelmProblem as exc:
            raise UsageProblem(str(exc)) from None
    address = wait_for_address(service_command(kubectl, ns, settings.kube_context), ns, seconds, interval)
    url = hub_url_for(address)
    changed, message = write_hub_url(files, target, url)
    prog = helm.program_name()
    if not changed:
        click.echo(f"{message}; nothing changed, so no upgrade "
                   f"(run `{prog} upgrade {name} -n {ns}` to deploy again anyway)", err=True)
        sys.exit(0)
    click.echo(message, err=True)
    if no_upgrade:
        version_flag = "--devel" if devel and not chart_version else f"--version {chart_version or '<chart version>'}"
        click.echo(f"next: deploy it with `{prog} upgrade {name} -n {ns} {version_flag}`", err=True)
        sys.exit(0)
    release = Release(name=name, namespace=ns, values_files=files, version=chart_version, devel=devel,
                      lint=not no_lint, add_repo=add_repo, repo_url=repo_url)
    saved = (f"{prog}: hub_url is saved in {target}; once the problem above is fixed, run "
             f"`{prog} upgrade {name} -n {ns}` with the same --version")
    try:
        code = deploy(release)
    except click.ClickException as exc:
        exc.show()
        click.echo(saved, err=True)
        sys.exit(exc.exit_code)
    if code != 0:
        click.echo(saved, err=True)
    sys.exit(code)
