"""Test helpers: repo paths, the upstream data in ../shared, the real helm binaries, an isolated
helm env, the CLI (in process or as a real process), and the values sets tests lint.

The helm binaries are put in place by ``scripts/setup-test-env`` (``scripts/test``
runs it). Tests that need them fail loudly when they are missing instead of
skipping, so a broken set-up can't pass as a green run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# pytest.mark.<name> cannot spell a hyphen; the marker is registered in pyproject.toml.
NETWORK_SERVERS = getattr(pytest.mark, "network-servers")

REPO_ROOT = Path(__file__).resolve().parents[2]
# Upstream data beside the checkout (chart schemas, real deployments, the corpus), which the
# project never ships: tests that compare against it skip in a clone without it (see needs_shared).
SHARED = REPO_ROOT.parent / "shared"
TOOLS = REPO_ROOT / ".tools"
FIXTURES = REPO_ROOT / "tests" / "fixtures"
EXAMPLES = REPO_ROOT / "examples"

CLI_TIMEOUT = 120  # seconds

# Environment variables that would make helm or kubectl look outside the test's
# own folders; isolated_helm_env() drops them.
_LEAKY_ENV = (
    "HELM_PLUGINS",
    "HELM_REGISTRY_CONFIG",
    "HELM_REPOSITORY_CACHE",
    "HELM_REPOSITORY_CONFIG",
    "HELM_CONTENT_CACHE",
    "HELM_KUBECONTEXT",
    "HELM_KUBEAPISERVER",
    "HELM_KUBETOKEN",
    "HELM_KUBECAFILE",
    "HELM_KUBEASUSER",
    "HELM_KUBEASGROUPS",
    "HELM_KUBEINSECURE_SKIP_TLS_VERIFY",
    "HELM_KUBETLS_SERVER_NAME",
    "HELM_NAMESPACE",
    "HELM_DRIVER",
    "HELM_DEBUG",
    "HELM_PLUGIN_DIR",
    "HELM_PLUGIN_NAME",
    "HELM_BIN",
)


def needs_shared(part: str, why: str = "upstream data not shipped with the project"):
    """Skip the marked test (or module, as `pytestmark`) when ../shared/``part`` is absent, with
    one clear reason. Under CI (CI=true) it never skips: CI has ../shared, and a missing copy
    must fail loudly there rather than turn the suite green by skipping."""
    missing = not (SHARED / part).exists() and os.environ.get("CI") != "true"
    return pytest.mark.skipif(missing, reason=f"needs ../shared/{part}: {why}")


def require_marker(name: str) -> None:
    """Fail a test that uses what marker ``name`` stands for in a run that leaves that marker
    out (tests/conftest.py): the test lacks @pytest.mark.<name>, and --fast would be slow."""
    if name in os.environ.get("BHD_TESTS_LEAVE_OUT", "").split():
        pytest.fail(f"this test needs {name} but is not marked @pytest.mark.{name}", pytrace=False)


def helm_binary(major: int) -> Path:
    """Path of the real helm binary of the given major version (3 or 4)."""
    require_marker("helm")
    if major not in (3, 4):
        raise ValueError(f"helm major version must be 3 or 4, not {major!r}")
    path = TOOLS / f"helm{major}" / "helm"
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise RuntimeError(
            f"helm {major} binary not found at {path}; "
            "run scripts/setup-test-env (or scripts/test, which runs it) first"
        )
    return path


def kubectl_binary() -> Path:
    """The real kubectl shipped beside helm 3 (.tools/helm3/kubectl); a test that runs it is
    marked `helm`, as its binaries come with helm's."""
    return helm_binary(3).parent / "kubectl"


def isolated_helm_env(tmp_path: Path) -> dict[str, str]:
    """A copy of os.environ in which helm only sees folders under ``tmp_path``.

    HELM_CONFIG_HOME / HELM_CACHE_HOME / HELM_DATA_HOME are fresh folders under
    tmp_path, and KUBECONFIG names a file in tmp_path that does not exist, so no
    real cluster or user configuration can be reached.
    """
    tmp_path = Path(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY_ENV}
    homes = {
        "HELM_CONFIG_HOME": tmp_path / "helm-config",
        "HELM_CACHE_HOME": tmp_path / "helm-cache",
        "HELM_DATA_HOME": tmp_path / "helm-data",
    }
    for name, folder in homes.items():
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env["KUBECONFIG"] = str(tmp_path / "no-such-kubeconfig")
    return env


def cli_path() -> Path:
    """The installed ``binderhub-doctor`` script next to the running Python."""
    return Path(sys.executable).parent / "binderhub-doctor"


def run_cli(
    *args: str | os.PathLike[str],
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    input: str | None = None,  # noqa: A002 - mirrors subprocess.run
) -> subprocess.CompletedProcess[str]:
    """Run ``binderhub-doctor *args`` as a real subprocess; never raises on rc != 0.

    ``env`` replaces the environment when given (build it from os.environ or
    isolated_helm_env()). Output is captured as text. stdin is ``input`` or empty.
    """
    exe = cli_path()
    if not exe.exists():
        raise RuntimeError(
            f"{exe} not found; the package is not installed in this Python's "
            "environment; run ./install.sh --test (or scripts/test)"
        )
    return subprocess.run(
        [str(exe), *map(str, args)],
        env=env,
        cwd=cwd,
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


def invoke(
    *args: str | os.PathLike[str],
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    input: str | None = None,  # noqa: A002 - as run_cli
) -> subprocess.CompletedProcess[str]:
    """run_cli() in this process: ``binderhub_doctor.cli.main`` under click's test runner, with
    the same arguments, exit code, stdout and stderr, without starting Python and importing
    everything again (a tenth of the time). ``env`` replaces the environment for the call, as
    for run_cli. Use run_cli() where the process itself matters: start-up imports, signals,
    the installed script, or a test that kills it."""
    from click.testing import CliRunner

    from binderhub_doctor.cli import main

    argv = [str(arg) for arg in args]
    # CliRunner sets the variables given and removes those given as None.
    changes = None if env is None else {**{key: None for key in os.environ if key not in env}, **env}
    runner = CliRunner()
    previous = os.getcwd()
    with runner.isolation(input=input or "", env=changes) as (stdout, stderr, _):
        code = 0
        try:
            if cwd is not None:
                os.chdir(cwd)
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            os.chdir(previous)
            sys.stdout.flush()  # the runner's text wrappers, over the buffers read below
            sys.stderr.flush()
        out, err = stdout.getvalue(), stderr.getvalue()
    return subprocess.CompletedProcess(argv, code, stdout=out.decode("utf-8", errors="replace"),
                                       stderr=err.decode("utf-8", errors="replace"))


# The values sets tests lint are the project's own examples/ (also what `init` users and the
# docs see), and a few mistakes made from them: name -> (example, {file: {text: replacement}}).
MISTAKES = {
    # BHD201 image-prefix-form at config.yaml:4:5, an error
    "gcr-prefix-with-scheme": ("gcr", {"config.yaml": {"image_prefix: gcr.io/": "image_prefix: https://gcr.io/"}}),
    # a YAML error: a finding with a position and no values path
    "gcr-tab-indent": ("gcr", {"config.yaml": {"    hub_url:": "\thub_url:"}}),
    # a JSON key missing a comma: a finding inside a block scalar
    "gcr-password-bad-json": ("gcr", {"secret.yaml": {'"service_account",': '"service_account"'}}),
    # the JSON key pasted without `password: |`: YAML reads a mapping, an error
    "gcr-password-missing-pipe": ("gcr", {"secret.yaml": {"  password: |\n": "  password:\n"}}),
}


def released_versions() -> list[str]:
    """The released versions CHANGELOG.md lists (`## [X.Y.Z] - date`), newest first."""
    import re

    text = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", text, re.MULTILINE)


def copy_values(name: str, folder: Path) -> Path:
    """secret.yaml and config.yaml of examples/``name`` (or of a MISTAKES entry) into ``folder``."""
    example, changes = MISTAKES.get(name, (name, {}))
    folder.mkdir(parents=True, exist_ok=True)
    for file in ("secret.yaml", "config.yaml"):
        text = (EXAMPLES / example / file).read_text(encoding="utf-8")
        for old, new in changes.get(file, {}).items():
            assert text.count(old) == 1, f"{name}: `{old}` is not once in examples/{example}/{file}"
            text = text.replace(old, new)
        (folder / file).write_text(text, encoding="utf-8")
    return folder


def values_of(folder: Path, config: str, secret: str | None = None):
    """Write config.yaml (and secret.yaml, merged first, as `-f secret.yaml -f config.yaml`) into
    ``folder`` and load them as lint does."""
    from binderhub_doctor.values import load_values

    files = []
    if secret is not None:
        (folder / "secret.yaml").write_text(secret, encoding="utf-8")
        files.append(folder / "secret.yaml")
    (folder / "config.yaml").write_text(config, encoding="utf-8")
    files.append(folder / "config.yaml")
    return load_values(files)
