"""output_files: every file the tool writes is written atomically and keeps its permissions; a
file `init` creates is never put over one that exists; the secret file is never written unless
the user named it.

The kill tests SIGKILL a writer at random moments, many times, and then read the target: it must
be byte for byte the old file or the new one, never a torn mix. They drive
`output_files.write_atomically` in a child process (writing 16 MB, so kills land inside the
write), and the real CLI's writers: `lint --output`, `connect` (hub_url into config.yaml) and
`init --force`. A naive writer run through the same harness proves it can see a torn file.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.helm_setup import helm_env
from support.kubernetes_api import FakeKubernetesAPI, write_kubeconfig
from support.tools import cli_path, invoke, kubectl_binary

SEED = int(os.environ.get("BHD_KILL_SEED", "20261126"))

CHILD = r"""
import sys
from pathlib import Path
target, how, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
line = "new line of the replacement file, numbered so a mix is visible\n"
text = "".join(f"{i:09d} {line}" for i in range(size // (len(line) + 10)))
if how == "atomic":
    from binderhub_doctor.output_files import write_atomically
    print("ready", flush=True)
    write_atomically(Path(target), text)
else:
    print("ready", flush=True)
    with open(target, "w", encoding="utf-8") as handle:
        for start in range(0, len(text), 1 << 16):
            handle.write(text[start:start + (1 << 16)])
print("done", flush=True)
"""
NEW_SIZE = 16 << 20


def new_text() -> str:
    line = "new line of the replacement file, numbered so a mix is visible\n"
    return "".join(f"{i:09d} {line}" for i in range(NEW_SIZE // (len(line) + 10)))


def start_writer(target: Path, how: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", CHILD, str(target), how, str(NEW_SIZE)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    return process


def timed_write(target: Path, how: str) -> float:
    process = start_writer(target, how)
    started = time.monotonic()
    assert process.stdout.readline().strip() == "done"
    process.wait()
    return time.monotonic() - started


def kill_at(process: subprocess.Popen, delay: float) -> None:
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()


def leftovers(folder: Path, name: str) -> list[Path]:
    return [p for p in folder.iterdir() if p.name != name]


def kill_many_times(tmp_path: Path, how: str, rounds: int):
    """(states seen, kills that left a temporary file behind) over ``rounds`` random kills."""
    target = tmp_path / "config.yaml"
    old = "old: file\n" * 1000
    new = new_text()
    target.write_text(old)
    target.chmod(0o640)
    # the fastest of three, so that a slow first write on a busy machine does not push the kills
    # past the end of every later (faster) write
    window = min(timed_write(target, how) for _ in range(3))
    assert target.read_text() == new
    rng = random.Random(SEED)
    states, mid_write = [], 0
    for _ in range(rounds):
        for stray in leftovers(tmp_path, target.name):
            stray.unlink()
        target.write_text(old)
        target.chmod(0o640)
        process = start_writer(target, how)
        kill_at(process, rng.uniform(0, window * 1.2))
        data = target.read_bytes()
        if data == old.encode():
            states.append("old")
        elif data == new.encode():
            states.append("new")
            assert stat.S_IMODE(target.stat().st_mode) == 0o640, "the new file lost the old one's permissions"
        else:
            states.append("torn")
        mid_write += bool(leftovers(tmp_path, target.name))
    return states, mid_write


@pytest.mark.slow
def test_write_atomically_killed_at_random_moments_leaves_old_or_new(tmp_path):
    states, mid_write = kill_many_times(tmp_path, "atomic", rounds=20)
    assert "torn" not in states, states
    # the kills really landed inside the write (a temporary file was left), not only before or after
    assert mid_write >= 2, (states, mid_write)


@pytest.mark.slow
def test_the_kill_harness_sees_a_torn_file_from_a_naive_writer(tmp_path):
    states, _ = kill_many_times(tmp_path, "naive", rounds=15)
    assert "torn" in states, states


def test_write_atomically_keeps_permissions_and_makes_no_other_file(tmp_path):
    from binderhub_doctor.output_files import write_atomically

    for mode in (0o600, 0o640, 0o604, 0o444):
        target = tmp_path / f"values-{mode:o}.yaml"
        target.write_text("old: 1\n")
        target.chmod(mode)
        write_atomically(target, "new: 2\n")
        assert target.read_text() == "new: 2\n"
        assert stat.S_IMODE(target.stat().st_mode) == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"values-{m:o}.yaml" for m in (0o600, 0o640, 0o604, 0o444))


def test_write_atomically_fails_cleanly_and_keeps_the_old_file(tmp_path):
    from binderhub_doctor.output_files import write_atomically

    target = tmp_path / "config.yaml"
    target.write_text("old: 1\n")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, "new: \udc80\n")  # a lone surrogate cannot be written as UTF-8
    assert target.read_text() == "old: 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["config.yaml"], "a temporary file was left behind"


def test_create_file_never_replaces_a_file_without_overwrite(tmp_path):
    from binderhub_doctor.output_files import create_file

    target = tmp_path / "secret.yaml"
    target.write_text("mine: 1\n")  # e.g. created by someone else after init looked
    with pytest.raises(FileExistsError):
        create_file(target, "new: 2\n", 0o600, overwrite=False)
    assert target.read_text() == "mine: 1\n"
    create_file(target, "new: 2\n", 0o600, overwrite=True)
    assert target.read_text() == "new: 2\n" and stat.S_IMODE(target.stat().st_mode) == 0o600
    fresh = tmp_path / "config.yaml"
    create_file(fresh, "c: 3\n", 0o640, overwrite=False)
    assert fresh.read_text() == "c: 3\n" and stat.S_IMODE(fresh.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "secret.yaml"], "a temporary file was left"


def test_kept_mode_keeps_a_files_permissions_and_never_loosens_a_private_one(tmp_path):
    from binderhub_doctor.output_files import default_mode, kept_mode

    target = tmp_path / "secret.yaml"
    assert kept_mode(target) == default_mode() and kept_mode(target, 0o600) == 0o600
    target.write_text("a: 1\n")
    target.chmod(0o640)
    assert kept_mode(target) == 0o640
    assert kept_mode(target, 0o600) == 0o600
    target.chmod(0o400)
    assert kept_mode(target, 0o600) == 0o400


# --------------------------------------------------------------------------- the real CLI's writers

def run_killed(argv, env, cwd, delay) -> None:
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL)
    kill_at(process, delay)


def timed_run(argv, env, cwd) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    completed = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
                               stdin=subprocess.DEVNULL, check=False)
    return time.monotonic() - started, completed


MANY_FINDINGS = "config:\n  BinderHub:\n" + "".join(f"    unknown_trait_{i}: {i}\n" for i in range(400))


@pytest.mark.slow
def test_lint_output_killed_at_random_moments_leaves_old_or_complete_report(tmp_path):
    values = tmp_path / "config.yaml"
    values.write_text(MANY_FINDINGS)
    report = tmp_path / "report.json"
    argv = [str(cli_path()), "lint", "--format", "json", "--output", str(report), str(values)]
    seconds, completed = timed_run(argv, None, tmp_path)
    assert completed.returncode in (0, 1) and completed.stderr == "", completed.stderr
    new = report.read_bytes()
    assert len(json.loads(new)["findings"]) >= 400
    old = b'{"version": 1, "findings": [], "old": true}\n'
    rng = random.Random(SEED + 1)
    for _ in range(10):
        report.write_bytes(old)
        report.chmod(0o640)
        run_killed(argv, None, tmp_path, rng.uniform(seconds * 0.3, seconds * 1.1))
        assert report.read_bytes() in (old, new), "torn report"
        if report.read_bytes() == new:
            assert stat.S_IMODE(report.stat().st_mode) == 0o640


def test_lint_output_keeps_the_old_reports_permissions(tmp_path):
    values = tmp_path / "config.yaml"
    values.write_text("config:\n  BinderHub:\n    use_registry: false\n")
    for mode in (0o600, 0o640, 0o664):
        report = tmp_path / f"report-{mode:o}.sarif"
        report.write_text("old")
        report.chmod(mode)
        invoke("lint", "--format", "sarif", "-o", report, values)
        assert report.read_text() != "old" and stat.S_IMODE(report.stat().st_mode) == mode


SECRET = ('registry:\n  username: binderbot\n  password: "s3cr3t-Hub-Passw0rd-canary"\n'
          'jupyterhub:\n  proxy:\n    secretToken: "' + "ab" * 32 + '"\n')
CONFIG = ("# committed settings\nconfig:\n  BinderHub:\n    use_registry: true   # Docker Hub\n"
          "    image_prefix: binderbot/binder-dev-\n")


def _connect_env(tmp_path: Path, api: FakeKubernetesAPI) -> dict[str, str]:
    env = helm_env(tmp_path, 3)
    env["KUBECONFIG"] = str(write_kubeconfig(tmp_path / "kubeconfig", {"lab": api.url}, current="lab"))
    env["KUBECTL"] = str(kubectl_binary())
    return env


def fingerprint(path: Path):
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, info.st_ino, stat.S_IMODE(info.st_mode)


@pytest.mark.slow
@pytest.mark.helm
def test_connect_killed_at_random_moments_leaves_old_or_new_config(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    secret, config = work / "secret.yaml", work / "config.yaml"
    secret.write_text(SECRET)
    secret.chmod(0o600)
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        env = _connect_env(tmp_path, api)
        argv = [str(cli_path()), "connect", "binder", "-n", "binder", "--no-upgrade",
                "-f", "secret.yaml", "-f", "config.yaml"]
        config.write_text(CONFIG)
        seconds, completed = timed_run(argv, env, work)
        assert completed.returncode == 0, completed.stderr
        new = config.read_bytes()
        assert b"hub_url: http://34.120.10.20" in new
        secret_before = fingerprint(secret)
        rng = random.Random(SEED + 2)
        for _ in range(8):
            config.write_text(CONFIG)
            config.chmod(0o604)
            run_killed(argv, env, work, rng.uniform(seconds * 0.3, seconds * 1.1))
            assert config.read_bytes() in (CONFIG.encode(), new), "torn config.yaml"
            assert stat.S_IMODE(config.stat().st_mode) == 0o604
            assert fingerprint(secret) == secret_before, "connect touched the secret file"


def _normalised(text: str) -> str:
    return re.sub(r"[0-9a-f]{64}", "<token>", text)


@pytest.mark.slow
def test_init_force_killed_at_random_moments_leaves_each_file_old_or_new(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    argv = [str(cli_path()), "init", "--registry", "dockerhub", "--force"]
    seconds, completed = timed_run(argv, None, work)
    assert completed.returncode == 0, completed.stderr
    new = {name: _normalised((work / name).read_text()) for name in ("secret.yaml", "config.yaml")}
    old = {"secret.yaml": "registry:\n  password: old-one\n", "config.yaml": "config: {}\n"}
    rng = random.Random(SEED + 3)
    for _ in range(8):
        for name, text in old.items():
            (work / name).write_text(text)
        (work / "config.yaml").chmod(0o640)
        run_killed(argv, None, work, rng.uniform(seconds * 0.3, seconds * 1.1))
        for name in old:
            text = (work / name).read_text()
            assert text == old[name] or _normalised(text) == new[name], f"torn {name}"
        assert stat.S_IMODE((work / "secret.yaml").stat().st_mode) in (0o600, 0o644 & ~_umask())
        assert stat.S_IMODE((work / "config.yaml").stat().st_mode) == 0o640


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_init_force_keeps_config_permissions_and_never_loosens_the_secret_file(tmp_path):
    for config_mode, secret_mode, expected_secret in ((0o600, 0o644, 0o600), (0o640, 0o400, 0o400)):
        (tmp_path / "config.yaml").write_text("config: {}\n")
        (tmp_path / "secret.yaml").write_text("registry: {}\n")
        (tmp_path / "config.yaml").chmod(config_mode)
        (tmp_path / "secret.yaml").chmod(secret_mode)
        completed = invoke("init", "--registry", "gcr", "--force", cwd=tmp_path)
        assert completed.returncode == 0, completed.stderr
        assert stat.S_IMODE((tmp_path / "config.yaml").stat().st_mode) == config_mode
        assert stat.S_IMODE((tmp_path / "secret.yaml").stat().st_mode) == expected_secret


# --------------------------------------------------------------------------- the secret file is never written

def test_lint_writes_nothing_without_output(tmp_path):
    (tmp_path / "secret.yaml").write_text(SECRET)
    (tmp_path / "config.yaml").write_text(CONFIG)
    before = {p.name: fingerprint(p) for p in tmp_path.iterdir()}
    for fmt in ("text", "json", "sarif", "github"):
        invoke("lint", "--format", fmt, cwd=tmp_path)
    assert {p.name: fingerprint(p) for p in tmp_path.iterdir()} == before


@pytest.mark.helm
@pytest.mark.parametrize("layout", ["named-secret", "secrets-folder", "configured-secret-file"])
def test_connect_never_writes_a_secret_file_even_when_it_comes_last(tmp_path, layout):
    work = tmp_path / "work"
    work.mkdir()
    secret_name = {"named-secret": "prod-secret.yaml", "secrets-folder": "secrets/prod.yaml",
                   "configured-secret-file": "credentials.yaml"}[layout]
    secret = work / secret_name
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(SECRET)
    secret.chmod(0o600)
    (work / "config.yaml").write_text(CONFIG)
    if layout == "configured-secret-file":
        (work / ".binderhub-doctor.yaml").write_text(f"secret-files: [{secret_name}]\n")
    before = fingerprint(secret)
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        completed = subprocess.run(
            [str(cli_path()), "connect", "binder", "-n", "binder", "--no-upgrade", "-f", "config.yaml",
             "-f", secret_name], env=_connect_env(tmp_path, api), cwd=work, capture_output=True, text=True,
            timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    assert fingerprint(secret) == before
    assert "hub_url: http://34.120.10.20" in (work / "config.yaml").read_text()
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.21"}]) as api:
        refused = subprocess.run(
            [str(cli_path()), "connect", "binder", "-n", "binder", "--no-upgrade", "-f", "config.yaml",
             "-f", secret_name, "--write-to", secret_name], env=_connect_env(tmp_path, api), cwd=work,
            capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode == 2 and "secret file" in refused.stderr
    assert fingerprint(secret) == before
