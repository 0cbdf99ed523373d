"""`helm binder`: the plugin manifest and launcher with the real helm 3.19 and 4.3 binaries.

Two ways in: `helm plugin install <copy of this checkout>` (the install hook really builds the
plugin's virtualenv with install.sh, as a user's install does), and HELM_PLUGINS pointing at a
folder whose `binder` links to this checkout (fast; runs the checkout's own .venv).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.helm_setup import CHART_VERSION, helm_env, plugins_dir
from support.tools import REPO_ROOT, copy_values, helm_binary, run_cli

pytestmark = pytest.mark.helm

HELM_MAJORS = [3, 4]
CLEAN, BROKEN = "gcr", "gcr-prefix-with-scheme"  # values sets of support.tools.copy_values
PLUGIN_ERROR = 'Error: plugin "binder" exited with error'


def helm(env, *args, cwd=None, timeout=120):
    return subprocess.run([env["HELM_BIN"], *map(str, args)], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def plugin_env(tmp_path, major):
    env = helm_env(tmp_path, major)
    env["HELM_PLUGINS"] = str(plugins_dir(tmp_path))
    return env


def test_manifest_is_the_legacy_format_both_helms_load():
    manifest = yaml.safe_load((REPO_ROOT / "plugin.yaml").read_text())
    # Helm 3 rejects Helm 4's `apiVersion: v1` format; `command`/`hooks` next to the platform
    # variants are refused ("both platformCommand and command are set"); useTunnel is Helm 2.
    assert not {"apiVersion", "type", "runtime", "command", "hooks", "useTunnel"} & set(manifest)
    assert manifest["name"] == "binder"
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    assert manifest["version"] == re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE).group(1)
    assert re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", manifest["version"])  # strict semver, no `v`
    assert manifest["ignoreFlags"] is False
    assert manifest["usage"] and "\n" not in manifest["usage"] and manifest["description"]
    assert manifest["platformCommand"] == [{"command": "${HELM_PLUGIN_DIR}/scripts/helm-binder"}]
    for hook in ("install", "update"):
        assert manifest["platformHooks"][hook] == [{"command": "${HELM_PLUGIN_DIR}/install.sh"}]
    for path in ("scripts/helm-binder", "install.sh"):
        assert os.access(REPO_ROOT / path, os.X_OK), f"{path} must be executable"


def test_launcher_is_posix_sh():
    launcher = REPO_ROOT / "scripts" / "helm-binder"
    assert launcher.read_text().startswith("#!/bin/sh\n")
    for shell in ("sh", "dash"):
        if shutil.which(shell):
            assert subprocess.run([shell, "-n", str(launcher)]).returncode == 0


@pytest.fixture(scope="module")
def installed_copy(tmp_path_factory):
    """This checkout's files (what a git clone or release tarball holds: no .git, no .venv)."""
    copy = tmp_path_factory.mktemp("plugin-source") / "binder"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO_ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file() and not name.startswith("tests/"):
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return copy


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_helm_plugin_install_builds_the_venv_and_commands_pass_through(tmp_path, installed_copy, major):
    env = helm_env(tmp_path, major)
    env.pop("VIRTUAL_ENV", None)
    # The hook's install.sh runs pip; give it a python that is not the test venv's.
    env["PYTHON"] = shutil.which("python3") or sys.executable
    installed = helm(env, "plugin", "install", installed_copy, timeout=900)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "Installed plugin: binder" in installed.stdout + installed.stderr
    assert (installed_copy / ".venv" / "bin" / "binderhub-doctor").is_file()
    listing = helm(env, "plugin", "list")
    assert re.search(r"^binder\s+0\.1\.0\b", listing.stdout, re.MULTILINE), listing.stdout

    clean = helm(env, "binder", "lint", copy_values(CLEAN, tmp_path / "clean"))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    broken = helm(env, "binder", "lint", copy_values(BROKEN, tmp_path / "broken"))
    assert broken.returncode == 1
    assert "image_prefix" in broken.stdout and ": error " in broken.stdout
    assert PLUGIN_ERROR in broken.stderr
    version = helm(env, "binder", "--version")
    assert version.returncode == 0 and "0.1.0" in version.stdout


@pytest.mark.parametrize("major", HELM_MAJORS)
@pytest.mark.parametrize("case, code", [(CLEAN, 0), (BROKEN, 1)])
def test_lint_output_and_exit_code_pass_through_unchanged(tmp_path, major, case, code):
    env = plugin_env(tmp_path, major)
    folder = copy_values(case, tmp_path / "values")
    through_helm = helm(env, "binder", "lint", "--no-color", folder)
    direct = run_cli("lint", "--no-color", folder, env=env)
    assert direct.returncode == code
    assert through_helm.returncode == code
    assert through_helm.stdout == direct.stdout
    assert (PLUGIN_ERROR in through_helm.stderr) == (code != 0)


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_usage_errors_keep_exit_code_2(tmp_path, major):
    env = plugin_env(tmp_path, major)
    result = helm(env, "binder", "lint", tmp_path / "no-such-file.yaml")
    assert result.returncode == 2
    assert "no-such-file.yaml: file not found" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_help_is_handled_by_the_plugin(tmp_path, major):
    env = plugin_env(tmp_path, major)
    result = helm(env, "binder", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: helm binder [OPTIONS] COMMAND [ARGS]...")
    for command in ("lint", "install", "upgrade", "connect", "init"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), command
    install_help = helm(env, "binder", "install", "--help")
    assert install_help.stdout.startswith("Usage: helm binder install [OPTIONS] NAME [-- HELM_ARGS...]")
    # And `helm help` lists the plugin with its one-line usage.
    assert re.search(r"^\s+binder\s+Lint BinderHub values", helm(env, "help").stdout, re.MULTILINE)


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_global_flags_reach_the_plugin(tmp_path, major):
    work = copy_values("gcr", tmp_path / "work")
    env = plugin_env(tmp_path, major)
    result = helm(env, "-n", "binder-staging", "--kube-context", "staging", "--debug", "binder", "install",
                  "binder", "--version", CHART_VERSION, "--dry-run", "--", "--timeout", "10m", cwd=work)
    assert result.returncode == 0, result.stderr
    assert shlex.split(result.stdout) == [
        str(helm_binary(major)), "upgrade", "--install", "binder", "jupyterhub/binderhub", "--version", CHART_VERSION,
        "--namespace", "binder-staging", "--create-namespace", "--kube-context", "staging",
        "-f", "secret.yaml", "-f", "config.yaml", "--timeout", "10m"]
    # Helm's --debug is not passed on: with it helm would print the values and rendered Secrets.
    assert "helm's --debug is not passed on" in result.stderr
    # Without -n, Helm passes HELM_NAMESPACE=default, which is refused with the way out.
    no_namespace = helm(env, "binder", "install", "binder", "--version", CHART_VERSION, "--dry-run", cwd=work)
    assert no_namespace.returncode == 2
    assert "Helm's `-n`" in no_namespace.stderr and "--allow-default-namespace" in no_namespace.stderr


def test_the_plugin_calls_back_into_the_helm_that_ran_it(tmp_path):
    """HELM_BIN (set by Helm) wins over a different `helm` first on PATH."""
    work = copy_values("gcr", tmp_path / "work")
    env = plugin_env(tmp_path, 4)
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    marker = tmp_path / "decoy-ran"
    (decoy / "helm").write_text(f"#!/bin/sh\ntouch '{marker}'\necho v3.0.0\n")
    (decoy / "helm").chmod(0o755)
    env["PATH"] = f"{decoy}{os.pathsep}{env['PATH']}"
    real = env.pop("HELM_BIN")
    result = subprocess.run([real, "-n", "binder", "binder", "install", "binder", "--version", CHART_VERSION,
                             "--dry-run"], env=env, cwd=work, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(real + " upgrade --install")
    assert not marker.exists()


def test_missing_venv_gives_an_actionable_message(tmp_path):
    plugin = tmp_path / "plugins" / "binder"
    (plugin / "scripts").mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "plugin.yaml", plugin / "plugin.yaml")
    shutil.copy2(REPO_ROOT / "scripts" / "helm-binder", plugin / "scripts" / "helm-binder")
    env = helm_env(tmp_path, 3)
    env["HELM_PLUGINS"] = str(tmp_path / "plugins")
    result = helm(env, "binder", "lint")
    assert result.returncode == 2
    assert f"binderhub-doctor is not installed in {plugin}/.venv" in result.stderr
    assert "helm plugin update binder" in result.stderr
    assert f'"{plugin}/install.sh"' in result.stderr


def test_program_name_is_helm_binder_in_messages(tmp_path):
    env = plugin_env(tmp_path, 3)
    result = helm(env, "binder", "install", "binder", "-n", "binder", "--version", CHART_VERSION, cwd=tmp_path)
    assert result.returncode == 2
    assert "`helm binder init`" in result.stderr
    assert Path(env["HELM_PLUGINS"], "binder", "plugin.yaml").is_file()


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_helm_binder_alone_prints_help_and_hints_name_helm_binder(tmp_path, major):
    env = plugin_env(tmp_path, major)
    alone = helm(env, "binder")
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.startswith("Usage: helm binder [OPTIONS] COMMAND [ARGS]...") and PLUGIN_ERROR not in alone.stderr
    folder = copy_values(CLEAN, tmp_path / "values")
    config = folder / "config.yaml"
    config.write_text("".join(line for line in config.read_text().splitlines(keepends=True) if "hub_url:" not in line))
    linted = helm(env, "binder", "lint", folder)
    assert "run `helm binder connect <release>`" in linted.stdout
    assert "binderhub-doctor connect" not in linted.stdout
