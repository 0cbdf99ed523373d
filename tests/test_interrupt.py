"""Ctrl-C: a real process gets SIGINT while it waits on a server that never answers; it says
`interrupted` on one line and exits 130 (as a shell reports a command ended by SIGINT), never
click's "Aborted!" with exit 1, which is the findings code."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

from support.tools import cli_path


class SilentServer:
    """Accepts connections on 127.0.0.1 and never answers; `connected` is set on the first one."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.connected = threading.Event()
        self.clients: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def port(self) -> int:
        return self.socket.getsockname()[1]

    def _accept(self):
        try:
            while True:
                client, _ = self.socket.accept()
                self.clients.append(client)
                self.connected.set()
        except OSError:  # closed
            pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.socket.close()
        for client in self.clients:
            client.close()


def default_sigint():
    """SIGINT at its default in the child, as a terminal's shell starts a command: an ignored
    SIGINT is inherited across exec, and a test run started in the background (`pytest &`)
    ignores it, so the child would never see the Ctrl-C this test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_says_interrupted_and_exits_130(tmp_path):
    with SilentServer() as server:
        (tmp_path / "secret.yaml").write_text(
            f"registry:\n  url: http://127.0.0.1:{server.port}\n  username: u\n  password: Xk81-Qv7-zz9\n")
        (tmp_path / "config.yaml").write_text(
            f"config:\n  BinderHub:\n    use_registry: true\n    image_prefix: 127.0.0.1:{server.port}/b/p-\n")
        process = subprocess.Popen([str(cli_path()), "check-registry", "--timeout", "60",
                                    str(tmp_path / "secret.yaml"), str(tmp_path / "config.yaml")],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=default_sigint)
        try:
            assert server.connected.wait(30), "the probe never connected"
            time.sleep(0.3)
            started = time.monotonic()
            process.send_signal(signal.SIGINT)
            stdout, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
    assert time.monotonic() - started < 10, "Ctrl-C did not stop the wait"
    assert process.returncode == 130, (process.returncode, stdout, stderr)
    assert stderr.strip().splitlines()[-1] == "binderhub-doctor: interrupted", stderr
    assert "Aborted!" not in stderr and "Traceback" not in stderr


def test_ctrl_c_while_the_cli_is_still_importing_is_one_line_and_130():
    """The console script imports the CLI before anything can catch a Ctrl-C in cli.run. A
    Ctrl-C in that window is made certain here: an import hook raises KeyboardInterrupt the
    moment binderhub_doctor.cli is imported, as the default SIGINT handler would."""
    script = ("import sys\n"
              "class CtrlC:\n"
              "    def find_spec(self, name, path=None, target=None):\n"
              "        if name == 'binderhub_doctor.cli':\n"
              "            raise KeyboardInterrupt\n"
              "sys.meta_path.insert(0, CtrlC())\n"
              "from binderhub_doctor.launch import main\n"
              "main()\n")
    done = subprocess.run([sys.executable, "-c", script, "lint"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "BINDERHUB_DOCTOR_PROG": "helm binder"})
    assert (done.returncode, done.stderr, done.stdout) == (130, "helm binder: interrupted\n", "")


def test_the_console_script_enters_through_the_interrupt_guard():
    assert "binderhub_doctor.launch" in cli_path().read_text(encoding="utf-8")
