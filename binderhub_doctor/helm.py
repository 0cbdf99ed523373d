"""Finding Helm and talking to it: which binary, which version, which chart repository, the exact
`helm upgrade --install` command, and running it with its output streamed through our own streams.

Run as `helm binder ...`, Helm hands us its settings through the environment (global flags are
consumed by Helm and never reach the plugin as arguments): `HELM_BIN` (the helm the user ran),
`HELM_NAMESPACE` (`-n`, or the kube context's namespace, or `default`), `HELM_KUBECONTEXT`
(`--kube-context`), `KUBECONFIG` (`--kubeconfig`) and `HELM_DEBUG` (`true`/`false`, documented as
`1`). Run on its own, the same variables are honoured when set, and `helm` is looked up on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Mapping

from .invocation import program_name  # noqa: F401 - the commands ask helm.program_name()
from .printable import printable_lines

CHART_NAME = "binderhub"
REPO_NAME = "jupyterhub"
REPO_URL = "https://hub.jupyter.org/helm-chart/"
# The JupyterHub chart repository has been served from both addresses; both are the same index.
KNOWN_REPO_URLS = (REPO_URL, "https://jupyterhub.github.io/helm-chart/")

_VERSION = re.compile(r"(?<!\d)v?(\d+)\.(\d+)\.(\d+)")  # not from inside a run of digits: linear
_RELEASE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
MAX_RELEASE_NAME = 53  # Helm's limit: release names become parts of resource names


class HelmProblem(Exception):
    """Helm is missing, unusable or misconfigured; the message says what to do."""


def flag_on(text: str | None) -> bool:
    """Helm documents HELM_DEBUG=1 but writes `true`/`false`; accept both spellings."""
    return (text or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class HelmSettings:
    """What Helm's global flags said, read back from the environment."""

    namespace: str | None
    kube_context: str | None
    debug: bool
    in_plugin: bool

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> "HelmSettings":
        env = os.environ if env is None else env
        return cls(
            namespace=env.get("HELM_NAMESPACE") or None,
            kube_context=env.get("HELM_KUBECONTEXT") or None,
            debug=flag_on(env.get("HELM_DEBUG")),
            in_plugin=bool(env.get("HELM_PLUGIN_DIR")),
        )


def find_helm(env: Mapping[str, str] | None = None) -> str:
    """The helm to call back into: `$HELM_BIN` when set (as Helm sets it for plugins), never a
    different `helm` that happens to be first on PATH; `helm` from PATH only outside Helm."""
    env = os.environ if env is None else env
    given = env.get("HELM_BIN")
    if given:
        if os.sep in given:
            if os.path.isfile(given) and os.access(given, os.X_OK):
                return given
            raise HelmProblem(f"HELM_BIN={given} is not an executable file; "
                              "unset HELM_BIN or point it at the helm binary")
        # Helm sets HELM_BIN to its argv[0], which is a bare `helm` when it was found on PATH.
        found = shutil.which(given, path=env.get("PATH"))
        if found:
            return found
        raise HelmProblem(f"HELM_BIN={given} was not found on PATH; point HELM_BIN at the helm binary")
    found = shutil.which("helm", path=env.get("PATH"))
    if not found:
        raise HelmProblem("helm was not found on PATH; install Helm 3 or 4 "
                          "(https://helm.sh/docs/intro/install/) or set HELM_BIN=/path/to/helm")
    return found


def parse_version(text: str) -> tuple[int, int, int]:
    """`v3.19.0+g3d8990f` (Helm 3/4 `version --short`), `Client: v2.17.0+ga690bad` (Helm 2)."""
    match = _VERSION.search(text or "")
    if not match:
        raise HelmProblem(f"could not read a version from `helm version --short`: {first_line(text)!r}")
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def helm_version(helm: str, env: Mapping[str, str] | None = None) -> tuple[int, int, int]:
    """The version of ``helm``; Helm 2 (and anything older than 3) is refused with the reason."""
    completed = _capture([helm, "version", "--short"], env)
    output = completed.stdout + completed.stderr
    # Helm 2's `version` also asks Tiller, which fails without a cluster; its client line is enough.
    if "Client: v2." in output or "tiller" in output.lower():
        version = parse_version(output)
    elif completed.returncode != 0:
        raise HelmProblem(f"`{helm} version --short` failed (exit {completed.returncode}): {first_line(output)}")
    else:
        version = parse_version(completed.stdout)
    if version[0] < 3:
        shown = ".".join(map(str, version))
        raise HelmProblem(
            f"{helm} is Helm {shown}; Helm 2 is not supported (its `install --name` syntax fails on every "
            "current cluster and Tiller is gone): install Helm 3 or 4 and run this with that helm")
    return version


def list_repositories(helm: str, env: Mapping[str, str] | None = None) -> list[dict]:
    completed = _capture([helm, "repo", "list", "-o", "json"], env)
    if completed.returncode != 0:
        # Older Helm 3 releases fail with "no repositories to show" instead of printing [].
        if "no repositories" in completed.stderr.lower():
            return []
        raise HelmProblem(f"`helm repo list` failed (exit {completed.returncode}): "
                          f"{first_line(completed.stderr or completed.stdout)}")
    try:
        repos = json.loads(completed.stdout or "[]")
    except ValueError:
        raise HelmProblem("`helm repo list -o json` did not print JSON; is HELM_BIN really helm?") from None
    return [r for r in repos or [] if isinstance(r, dict)]


def same_url(a: str, b: str) -> bool:
    return a.strip().rstrip("/").lower() == b.strip().rstrip("/").lower()


def chart_repository(repos: list[dict], accepted_urls: tuple[str, ...] = KNOWN_REPO_URLS) -> str | None:
    """The name under which the JupyterHub chart repository is configured, or None.

    `jupyterhub` is preferred; a repository of that name pointing elsewhere is an error, since
    `jupyterhub/binderhub` would then install some other chart.
    """
    by_name = {str(r.get("name")): str(r.get("url", "")) for r in repos}
    if REPO_NAME in by_name:
        if any(same_url(by_name[REPO_NAME], url) for url in accepted_urls):
            return REPO_NAME
        raise HelmProblem(
            f"the helm repository `{REPO_NAME}` points at {by_name[REPO_NAME]}, not at the JupyterHub chart "
            f"repository ({accepted_urls[0]}); fix it with `helm repo remove {REPO_NAME}` and "
            f"`helm repo add {REPO_NAME} {accepted_urls[0]}`")
    for name, url in sorted(by_name.items()):
        if any(same_url(url, wanted) for wanted in accepted_urls):
            return name
    return None


def repo_add_command(helm: str, url: str = REPO_URL, name: str = REPO_NAME) -> list[str]:
    return [helm, "repo", "add", name, url]


def upgrade_command(
    helm: str,
    release: str,
    chart: str,
    namespace: str,
    values_files: list[str],
    version: str | None = None,
    devel: bool = False,
    kube_context: str | None = None,
    extra_args: list[str] = (),
) -> list[str]:
    """The one safe form of the install guide's command: always `--namespace` with
    `--create-namespace` (the guide's second `helm upgrade` forgets it), a pinned `--version`
    (every BinderHub chart is a pre-release), values only from files, never on the command line,
    and never `--debug` (see :func:`manifest_printing_arguments`)."""
    argv = [helm, "upgrade", "--install", release, chart]
    if version:
        argv += ["--version", version]
    if devel:
        argv.append("--devel")
    argv += ["--namespace", namespace, "--create-namespace"]
    if kube_context:
        argv += ["--kube-context", kube_context]
    for path in values_files:
        argv += ["-f", path]
    argv += list(extra_args)
    return argv


def check_release_name(name: str) -> None:
    if len(name) > MAX_RELEASE_NAME or not _RELEASE_NAME.match(name):
        raise HelmProblem(
            f"`{name}` is not a valid release name: use at most {MAX_RELEASE_NAME} lower-case letters, "
            "digits and `-`, starting and ending with a letter or digit (e.g. `binder`)")


_SET_OPTIONS = ("--set", "--set-string", "--set-json", "--set-literal", "--set-file")
_JSON_KEY = re.compile(r'"([^"\\]*)"\s*:')


def set_assignments(args: list[str]) -> list[tuple[str, str]]:
    """(option, assignment) of every `--set*` among pass-through arguments, in either spelling
    (`--set a=b`, `--set=a=b`)."""
    found: list[tuple[str, str]] = []
    pending = None
    for arg in args:
        if pending:
            found.append((pending, arg))
            pending = None
        elif arg in _SET_OPTIONS:
            pending = arg
        else:
            option, eq, rest = arg.partition("=")
            if eq and option in _SET_OPTIONS:
                found.append((option, rest))
    return found


def secret_set_arguments(args: list[str]) -> list[str]:
    """`--set*` pass-through arguments that would put a secret on the command line (visible in
    `ps` and shell history), each described for a message: a secret key in the path
    (`registry.password=`), in a JSON value (`registry={"password": ...}`, or a whole JSON
    object), or a value that is plainly a token (`ghp_...`). `--set-file` of a secret key is
    refused too: that value would bypass the lint of the values files."""
    from .secrets import is_secret_container, is_secret_key, is_secret_path, looks_like_token

    found: list[str] = []
    for option, assignment in set_assignments(args):
        if option == "--set-json":
            path, _, value = assignment.partition("=")
            if assignment.lstrip().startswith("{"):
                path, value = "", assignment
            parts = _path_parts(path)
            nested = value.lstrip()[:1] in ("{", "[")
            if parts and (any(map(is_secret_container, parts)) if nested else is_secret_path(parts)):
                found.append(f"`{option} {path.strip()}=...`")
            elif any(is_secret_key(key) for key in _JSON_KEY.findall(value)):
                key = next(key for key in _JSON_KEY.findall(value) if is_secret_key(key))
                found.append(f"`{option}` with a `{key}` field")
            continue
        items = [assignment] if option in ("--set-literal", "--set-file") else assignment.split(",")
        for item in items:
            path, _, value = item.partition("=")
            if is_secret_path(_path_parts(path)) or looks_like_token(value.strip()):
                found.append(f"`{option} {path.strip()}=...`")
                break
    return found


def _path_parts(path: str) -> tuple[str, ...]:
    """`a.b[0].c` -> ("a", "b", "0", "c")."""
    return tuple(part for part in re.split(r"[.\[\]]+", path.strip()) if part)


# With these, helm prints the rendered manifest (the chart's Secrets: the `config` values in
# plain text, the registry password as base64 inside JSON inside base64) or the values: no
# filter of helm's output can be trusted to find every encoding, so they are refused.
_PRINTS_MANIFEST = ("--dry-run", "--debug", "--output", "-o")


def manifest_printing_arguments(args: list[str]) -> list[str]:
    """Pass-through arguments with which helm would print the rendered Secrets or the values."""
    found = []
    for arg in args:
        option = arg.partition("=")[0]
        if option in _PRINTS_MANIFEST or (arg.startswith("-o") and not arg.startswith("--")):
            found.append(arg)
    return found


def environment_without_debug(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for helm without HELM_DEBUG, which helm reads as its own `--debug`."""
    env = os.environ if env is None else env
    return {key: value for key, value in env.items() if key != "HELM_DEBUG"}


def format_command(argv: list[str]) -> str:
    return shlex.join(argv)


def run_streaming(
    argv: list[str],
    env: Mapping[str, str] | None = None,
    stdout=None,
    stderr=None,
) -> tuple[int, str | None]:
    """Run ``argv`` with its output streamed line by line to our own streams (the redacting sink);
    returns the exit code and Helm's last `Error: ...` line (for the caller's own summary)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    last_error: list[str] = []
    try:
        process = subprocess.Popen(argv, env=dict(env) if env is not None else None,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise HelmProblem(f"could not run {argv[0]}: {exc.strerror or exc}") from None

    def pump(source, target, remember: bool):
        for raw in iter(source.readline, b""):
            # Helm quotes values in its errors: no control character may rewrite the terminal.
            line = printable_lines(raw.decode("utf-8", errors="replace").rstrip("\n"), keep_tabs=True) + "\n"
            if remember and line.lstrip().lower().startswith("error"):
                last_error[:] = [line.strip()]
            target.write(line)
            target.flush()
        source.close()

    threads = [threading.Thread(target=pump, args=(process.stdout, stdout, False), daemon=True),
               threading.Thread(target=pump, args=(process.stderr, stderr, True), daemon=True)]
    for thread in threads:
        thread.start()
    try:
        code = process.wait()
    except KeyboardInterrupt:  # the child got the same SIGINT; let it finish cleaning up
        code = process.wait()
        raise
    finally:
        for thread in threads:
            thread.join(timeout=5)
    return code, (last_error[0] if last_error else None)


def _capture(argv: list[str], env: Mapping[str, str] | None, timeout: float = 60) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, env=dict(env) if env is not None else None, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, errors="replace", timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise HelmProblem(f"`{format_command(argv)}` did not finish within {timeout:.0f} s") from None
    except OSError as exc:
        raise HelmProblem(f"could not run {argv[0]}: {exc.strerror or exc}") from None


@dataclass(frozen=True)
class ReleaseFacts:
    """What `status` needs to know about a deployed release, and nothing more: the release's
    values are read for the few settings below, their secrets told to the output sink, and then
    dropped (never printed, never kept)."""

    name: str
    namespace: str
    status: str  # deployed, failed, pending-upgrade, ...
    revision: int | None
    description: str
    last_deployed: str
    chart: str  # `binderhub-1.0.0-0.dev.git.3959.hb9fad995` as helm lists it
    hub_url: object = None  # config.BinderHub.hub_url as deployed (None: not set)
    hub_base_url: object = None  # jupyterhub.hub.baseUrl
    binder_base_url: object = None  # config.BinderHub.base_url
    use_registry: object = None  # config.BinderHub.use_registry

    @property
    def chart_version(self) -> str | None:
        """The version part of `chart`, when the chart is BinderHub's own (not a meta-chart)."""
        prefix = CHART_NAME + "-"
        return self.chart[len(prefix):] if self.chart.startswith(prefix) else None


class ReleaseNotFound(HelmProblem):
    """Helm has no release of that name in that namespace."""


def release_facts(helm: str, name: str, namespace: str, kube_context: str | None = None,
                  env: Mapping[str, str] | None = None, timeout: float = 30) -> ReleaseFacts:
    """The newest revision of release ``name`` from `helm history` (status, chart, description)
    and `helm status -o json` (its values: only the settings ReleaseFacts holds are read)."""
    scope = ["--namespace", namespace, *(["--kube-context", kube_context] if kube_context else [])]
    env = environment_without_debug(env)
    history = _helm_json([helm, "history", name, "--max", "1", "--output", "json", *scope], env, timeout)
    newest = history[-1] if isinstance(history, list) and history and isinstance(history[-1], dict) else {}
    status = _helm_json([helm, "status", name, "--output", "json", *scope], env, timeout)
    status = status if isinstance(status, dict) else {}
    info = status.get("info") if isinstance(status.get("info"), dict) else {}
    settings = _deployed_settings(status.get("config"), name)
    del status  # the values: read, never kept
    revision = newest.get("revision")
    return ReleaseFacts(
        name=name, namespace=namespace,
        status=str(info.get("status") or newest.get("status") or "unknown"),
        revision=int(revision) if isinstance(revision, (int, str)) and str(revision).isdigit() else None,
        description=str(info.get("description") or newest.get("description") or ""),
        last_deployed=str(info.get("last_deployed") or newest.get("updated") or ""),
        chart=str(newest.get("chart") or ""), **settings)


def _deployed_settings(config, release: str) -> dict:
    """hub_url and friends from the release's values; every secret in them goes to the output
    sink first (through the values layer), so a pod log or a server echoing one is masked."""
    from .documents import Document
    from .values import build_values

    if not isinstance(config, dict):
        return {}
    values = build_values([Document(file=f"release {release} (helm status)", data=config)], secret_files=[])
    return {"hub_url": values.get(("config", "BinderHub", "hub_url")),
            "hub_base_url": values.get(("jupyterhub", "hub", "baseUrl")),
            "binder_base_url": values.get(("config", "BinderHub", "base_url")),
            "use_registry": values.get(("config", "BinderHub", "use_registry"))}


def _helm_json(argv: list[str], env: Mapping[str, str], timeout: float):
    completed = _capture(argv, env, timeout)
    if completed.returncode != 0:
        message = printable_lines(first_line(completed.stderr or completed.stdout))
        if "not found" in message.lower():
            raise ReleaseNotFound(message)
        raise HelmProblem(f"`helm {argv[1]}` failed (exit {completed.returncode}): {message}")
    try:
        return json.loads(completed.stdout or "null")
    except ValueError:
        raise HelmProblem(f"`helm {argv[1]} -o json` did not print JSON; is HELM_BIN really helm?") from None


def first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return "(no output)"
