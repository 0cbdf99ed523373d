"""Slow probes stream (issue 16): the derived settings at once, each step as it finishes, and on a
terminal a live line naming the request being waited for, its elapsed time and its deadline.

The server here accepts connections and never answers, the way a firewalled or hung registry
does; the CLI runs as a real process, since what matters is what reaches the pipe and when."""

from __future__ import annotations

import os
import pty
import select
import socket
import subprocess
import time

import pytest

from support.tools import NETWORK_SERVERS, cli_path

pytestmark = [NETWORK_SERVERS, pytest.mark.slow]  # waits for a server that never answers


@pytest.fixture
def silent_port():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)  # the kernel completes the handshakes; nobody ever reads or answers
        yield server.getsockname()[1]


def deployment(tmp_path, port):
    (tmp_path / "secret.yaml").write_text(
        f"registry:\n  url: http://127.0.0.1:{port}\n  username: binder\n  password: canary-Pw-51c9e0a7\n")
    (tmp_path / "config.yaml").write_text(
        f"config:\n  BinderHub:\n    use_registry: true\n    hub_url: http://192.0.2.10\n"
        f"    image_prefix: 127.0.0.1:{port}/binder/prod-\n")
    return tmp_path


def start(*args, stderr=subprocess.PIPE):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.Popen([str(cli_path()), *map(str, args)], stdout=subprocess.PIPE, stderr=stderr,
                            stdin=subprocess.DEVNULL, env=env, text=True)


def test_check_registry_shows_the_settings_while_the_server_is_still_silent(tmp_path, silent_port):
    folder = deployment(tmp_path, silent_port)
    process = start("check-registry", folder, "--timeout", "4")
    try:
        seen = []
        while not any(line.startswith("✓ settings") for line in seen):
            seen.append(process.stdout.readline())
            assert seen[-1], f"output ended before the settings step: {seen}"
        settings_shown = time.monotonic()
        assert process.poll() is None  # still waiting for the registry: these lines came at once
        assert seen[0].startswith("Registry settings BinderHub would use")
        assert f"  DockerRegistry.url: http://127.0.0.1:{silent_port}\n" in seen
        rest, errors = process.communicate(timeout=60)
    finally:
        process.kill()
    assert time.monotonic() - settings_shown > 3  # the connect step waited its 4 s after them
    assert process.returncode == 1
    assert "✗ connect" in rest and "- push: not run" in rest
    assert "\r" not in errors and "canary-Pw" not in "".join(seen) + rest + errors  # no live line on a pipe


def read_all(fd, process, limit=90):
    data = b""
    ends = time.monotonic() + limit
    while time.monotonic() < ends:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            data += chunk
        elif process.poll() is not None:
            break
    return data.decode("utf-8", errors="replace")


@pytest.mark.parametrize("command, label", [("check-registry", ""), ("doctor", "Registry: ")])
def test_on_a_terminal_the_running_request_shows_its_time_and_deadline(tmp_path, silent_port, command, label):
    folder = deployment(tmp_path, silent_port)
    terminal, other_end = pty.openpty()
    process = start(command, folder, "--timeout", "1", stderr=other_end)
    os.close(other_end)
    try:
        shown = read_all(terminal, process)
        out, _ = process.communicate(timeout=60)
    finally:
        process.kill()
        os.close(terminal)
    line = f"\r… {label}GET http://127.0.0.1:{silent_port}/v2/: "
    assert line in shown, shown[:500]
    assert "gives up after 5 s" in shown  # the registry check's deadline: 5 × --timeout
    assert shown.rstrip("\r\n").endswith("\r\x1b[K")  # the live line is gone at the end
    assert "✗" in out
