"""The pre-commit hooks, run by the real `pre-commit try-repo` against a copy of this checkout.

try-repo builds a fresh virtualenv and pip-installs the hook repository, so these tests also prove
that the package installs from a plain (non-editable) build and still finds its rules.

The hook repository is a temporary git repository made from this checkout's files: try-repo
ignores untracked files of the repository it is given, and a developer's tree (or a fresh CI
clone) may have files that are not committed yet. Copying the working tree (tracked files plus
untracked files that .gitignore does not exclude) and committing the copy tests exactly what the
in-tree tests test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.tools import EXAMPLES, REPO_ROOT, copy_values, run_cli

# pre-commit builds the hook's environment (pip install) for every repository it tries
pytestmark = pytest.mark.slow

LINT_HOOK = "binderhub-doctor-lint"
# try-repo pip-installs the hook repository and its dependencies every time (it uses a temporary
# store); a cold pip cache makes that slow.
PRE_COMMIT_TIMEOUT = 900
# What git-crypt writes at the start of every encrypted file, then a 12-byte nonce and ciphertext.
GIT_CRYPT_HEADER = b"\x00GITCRYPT\x00"


def pre_commit_executable() -> Path:
    path = Path(sys.executable).parent / "pre-commit"
    if not path.exists():
        raise RuntimeError(f"{path} not found; pre-commit is in the [test] extra: ./install.sh --test")
    return path


def hermetic_env(home: Path) -> dict[str, str]:
    """os.environ without what would change pre-commit's or the lint's behaviour or output:
    a user's git config, a GitHub Actions runner's GITHUB_ACTIONS (the lint would switch to
    --format github), SKIP and PRE_COMMIT_* settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_ACTIONS", "SKIP", "NO_COLOR", "FORCE_COLOR")
           and not k.startswith(("PRE_COMMIT", "GIT_", "BINDERHUB_DOCTOR"))}
    empty_git_config = home / "gitconfig"
    empty_git_config.touch()
    env.update({
        "GIT_CONFIG_GLOBAL": str(empty_git_config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "PRE_COMMIT_HOME": str(home / "pre-commit-home"),
    })
    return env


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{done.stderr}"
    return done.stdout


def checkout_files() -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT, capture_output=True, check=True).stdout.decode()
    return sorted({name for name in listing.split("\0") if name and (REPO_ROOT / name).is_file()})


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    return hermetic_env(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, env) -> Path:
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in checkout_files():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    git(repo, env, "init", "-q")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "--no-verify", "-m", "snapshot of the checkout under test")
    return repo


def values_repo(root: Path, env: dict[str, str], files: dict[str, bytes]) -> Path:
    """A git repository of a BinderHub deployment holding ``files`` (the files stay untracked,
    as they are in a commit that adds them: try-repo --files takes them as they are)."""
    repo = root / "deploy-repo"
    repo.mkdir()
    git(repo, env, "init", "-q")
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return repo


def values_files(tmp_path: Path, name: str) -> dict[str, bytes]:
    folder = copy_values(name, tmp_path / f"values-{name}")
    return {file: (folder / file).read_bytes() for file in ("secret.yaml", "config.yaml")}


def try_repo(cwd: Path, hook_repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(pre_commit_executable()), "try-repo", str(hook_repo), *args, "--verbose", "--color", "never"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=PRE_COMMIT_TIMEOUT, check=False)
    # "An unexpected error has occurred" is pre-commit failing (e.g. the install), not the hook.
    assert "An unexpected error" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def hook_status(output: str, hook_name: str) -> str:
    match = re.search(rf"^{re.escape(hook_name)}\.+(Passed|Failed|\(no files to check\)Skipped)$",
                      output, re.MULTILINE)
    assert match, f"no status line for {hook_name!r} in:\n{output}"
    return match.group(1)


def test_lint_hook_passes_clean_values_linted_together(tmp_path, hook_repo, env):
    broken_other_yaml = b"this is: [not, valid yaml\n"  # not a values file: the hook must not see it
    repo = values_repo(tmp_path, env, {**values_files(tmp_path, "gcr"), "notes.yaml": broken_other_yaml})

    # No hook id: every hook of the repository whose stage is the default one runs, so this also
    # shows that the network probe stays out of ordinary runs (it has `stages: [manual]`).
    done = try_repo(repo, hook_repo, env, "--files", "secret.yaml", "config.yaml", "notes.yaml")

    assert done.returncode == 0, done.stdout + done.stderr
    assert hook_status(done.stdout, "binderhub-doctor lint") == "Passed"
    # One lint run over both files (one merged values set), and notes.yaml filtered out by `files:`.
    summaries = re.findall(r"in (\d+) files?\b", done.stdout)
    assert summaries == ["2"], done.stdout
    assert "notes.yaml" not in done.stdout
    assert "id: binderhub-doctor-check-registry" in done.stdout  # try-repo's config offered it
    assert not re.search(r"^binderhub-doctor check-registry\.", done.stdout, re.MULTILINE), done.stdout


def test_lint_hook_fails_on_broken_values_and_shows_the_findings(tmp_path, hook_repo, env):
    repo = values_repo(tmp_path, env, values_files(tmp_path, "gcr-prefix-with-scheme"))
    oracle = run_cli("lint", "--format", "json", "secret.yaml", "config.yaml", cwd=repo,
                     env={k: v for k, v in env.items()})
    errors = [f for f in json.loads(oracle.stdout)["findings"] if f["severity"] == "error"]
    assert {f["path"] for f in errors} >= {"config.BinderHub.image_prefix"}

    done = try_repo(repo, hook_repo, env, LINT_HOOK, "--files", "secret.yaml", "config.yaml")

    assert done.returncode == 1, done.stdout + done.stderr
    assert hook_status(done.stdout, "binderhub-doctor lint") == "Failed"
    assert "- exit code: 1" in done.stdout
    for finding in errors:
        location = f"{finding['file']}:{finding['line']}:{finding['column']}: error {finding['rule']}"
        assert location in done.stdout, f"{location!r} missing from:\n{done.stdout}"
        assert finding["message"] in done.stdout


def test_lint_hook_skips_git_crypt_encrypted_secret_file(tmp_path, hook_repo, env):
    ciphertext = bytes(range(256)) * 3  # binary, not UTF-8, like real ciphertext
    files = {"secret.yaml": GIT_CRYPT_HEADER + b"\x8f\x03\x11\xa2\x5c\x7e\x90\x01\x44\xfe\x29\xbb" + ciphertext,
             "config.yaml": (EXAMPLES / "gcr" / "config.yaml").read_bytes()}
    repo = values_repo(tmp_path, env, files)

    done = try_repo(repo, hook_repo, env, LINT_HOOK, "--files", "secret.yaml", "config.yaml")

    assert done.returncode == 0, done.stdout + done.stderr
    assert hook_status(done.stdout, "binderhub-doctor lint") == "Passed"
    assert "secret.yaml: skipped: encrypted (git-crypt)" in done.stdout
    assert re.search(r"in 1 file \(1 more skipped\)", done.stdout), done.stdout  # the skipped file was not linted


def test_registry_probe_hook_runs_in_the_manual_stage_on_the_files_together(tmp_path, hook_repo, env):
    port = closed_loopback_port()
    password = "canary-Pw-7f3a9c1e5b"
    secret = (f"registry:\n  url: https://127.0.0.1:{port}\n  username: binder\n"
              f"  password: {password}\n").encode()
    config = (f"config:\n  BinderHub:\n    use_registry: true\n"
              f"    image_prefix: 127.0.0.1:{port}/binder/binder-prod-\n").encode()
    repo = values_repo(tmp_path, env, {"secret.yaml": secret, "config.yaml": config})

    done = try_repo(repo, hook_repo, env, "binderhub-doctor-check-registry", "--hook-stage", "manual",
                    "--files", "secret.yaml", "config.yaml")

    assert done.returncode == 1, done.stdout + done.stderr  # nothing listens on the port
    assert hook_status(done.stdout, "binderhub-doctor check-registry") == "Failed"
    # One probe over the merged values: the url from secret.yaml and the prefix from config.yaml.
    assert f"https://127.0.0.1:{port}" in done.stdout
    assert "binder/binder-prod-" in done.stdout
    assert password not in done.stdout + done.stderr


def closed_loopback_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
