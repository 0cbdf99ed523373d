"""Helm worlds for the `helm binder` tests: isolated homes with a chart repository configured,
the plugin made visible to a real helm, a helm that records how it was called, kubeconfigs, and a
chart repository served from 127.0.0.1."""

from __future__ import annotations

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from support.tools import REPO_ROOT, helm_binary, isolated_helm_env

CHART_VERSION = "1.0.0-0.dev.git.3959.hb9fad995"
REPO_URL = "https://hub.jupyter.org/helm-chart/"


def helm_env(tmp_path: Path, major: int, repositories: dict[str, str] | None = None) -> dict[str, str]:
    """Isolated helm homes, HELM_BIN set to the real helm ``major``, and ``repositories``
    (name -> url; default: `jupyterhub` at hub.jupyter.org) written to repositories.yaml the
    way `helm repo add` writes it, so no test needs the internet."""
    env = isolated_helm_env(tmp_path)
    env["HELM_BIN"] = str(helm_binary(major))
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env["HOME"] = str(home)  # kubectl keeps its discovery cache under ~/.kube
    env.pop("BINDERHUB_DOCTOR_PROG", None)
    env.pop("KUBECTL", None)
    write_repositories(env, {"jupyterhub": REPO_URL} if repositories is None else repositories)
    return env


def write_repositories(env: dict[str, str], repositories: dict[str, str]) -> None:
    config = Path(env["HELM_CONFIG_HOME"]) / "repositories.yaml"
    if not repositories:
        config.unlink(missing_ok=True)
        return
    entries = "".join(
        f"- name: {name}\n  url: {url}\n  caFile: \"\"\n  certFile: \"\"\n  keyFile: \"\"\n"
        f"  insecure_skip_tls_verify: false\n  pass_credentials_all: false\n  username: \"\"\n  password: \"\"\n"
        for name, url in repositories.items())
    config.write_text(f"apiVersion: \"\"\ngenerated: \"0001-01-01T00:00:00Z\"\nrepositories:\n{entries}")


def unreachable_kubeconfig(tmp_path: Path) -> Path:
    """A kubeconfig whose API server is a closed port on 127.0.0.1."""
    path = tmp_path / "unreachable-kubeconfig"
    path.write_text(
        "apiVersion: v1\nkind: Config\n"
        "clusters:\n- name: closed\n  cluster:\n    server: https://127.0.0.1:1\n"
        "users:\n- name: nobody\n  user: {}\n"
        "contexts:\n- name: closed\n  context:\n    cluster: closed\n    user: nobody\n"
        "current-context: closed\n")
    return path


def recording_helm(tmp_path: Path, real: Path, fail_upgrade_with: int | None = None) -> tuple[Path, Path]:
    """A `helm` that appends its arguments (tab-separated, one call a line) to a log, then runs
    the real helm; with ``fail_upgrade_with``, `helm upgrade` exits with that code instead."""
    folder = tmp_path / "recording-helm"
    folder.mkdir(exist_ok=True)
    log = folder / "calls.log"
    wrapper = folder / "helm"
    fail = (f'if [ "$1" = upgrade ]; then echo "Error: UPGRADE FAILED: simulated" >&2; '
            f"exit {fail_upgrade_with}; fi\n" if fail_upgrade_with is not None else "")
    wrapper.write_text(
        "#!/bin/sh\n"
        f"for arg in \"$@\"; do printf '%s\\t' \"$arg\"; done >> '{log}'\n"
        f"echo >> '{log}'\n"
        f"{fail}"
        f"exec '{real}' \"$@\"\n")
    wrapper.chmod(0o755)
    return wrapper, log


def recorded_calls(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [line.rstrip("\t").split("\t") for line in log.read_text().splitlines() if line]


def plugins_dir(tmp_path: Path) -> Path:
    """A HELM_PLUGINS folder whose `binder` is this checkout (as `helm plugin install <dir>` links it)."""
    folder = tmp_path / "plugins"
    folder.mkdir(exist_ok=True)
    link = folder / "binder"
    if not link.exists():
        link.symlink_to(REPO_ROOT, target_is_directory=True)
    return folder


class ChartRepository:
    """A chart repository on 127.0.0.1: an index.yaml listing one BinderHub chart."""

    def __init__(self):
        index = (
            "apiVersion: v1\n"
            "entries:\n"
            "  binderhub:\n"
            "  - apiVersion: v2\n"
            "    name: binderhub\n"
            f"    version: {CHART_VERSION}\n"
            "    description: A Helm chart to deploy BinderHub (test index)\n"
            "    created: \"2026-04-01T00:00:00Z\"\n"
            "    digest: 0000000000000000000000000000000000000000000000000000000000000000\n"
            f"    urls: [binderhub-{CHART_VERSION}.tgz]\n"
            "generated: \"2026-04-01T00:00:00Z\"\n").encode()
        self.requests: list[str] = []
        repository = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                repository.requests.append(self.path)
                if self.path.split("?")[0] == "/index.yaml":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/x-yaml")
                    self.send_header("Content-Length", str(len(index)))
                    self.end_headers()
                    self.wfile.write(index)
                    return
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self) -> "ChartRepository":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


ORACLE_CHART = REPO_ROOT / "tests" / "fixtures" / "oracle-chart"  # renders {{ toJson .Values }}


def helm_values_json(major: int, files: list[Path], env: dict[str, str],
                     chart: Path = ORACLE_CHART) -> tuple[bool, str]:
    """What `helm template` makes of values ``files``: (True, the JSON line the chart renders)
    or (False, helm's error)."""
    argv = [str(helm_binary(major)), "template", "rel", str(chart)]
    for path in files:
        argv += ["-f", str(path)]
    run = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    if run.returncode != 0:
        return False, run.stderr.strip()
    return True, [line for line in run.stdout.split("\n")[2:] if line.strip()][0]
