"""Control characters from values files and from servers are spelled out in every message of
every format (`\\n`, `\\r`, `\\x1b`), so none can forge a GitHub workflow command, rewrite what a
terminal already shows, or print a fake "✓ push" line. JSON escapes them itself."""

from __future__ import annotations

import json
import os

import pytest

from binderhub_doctor.printable import printable
from support.registry_server import HttpServer
from support.tools import NETWORK_SERVERS, invoke, kubectl_binary

FORGED = "::warning file=README.md::All checks passed"
HOSTILE = f"x\n{FORGED}\x1b[2K\r\x07\u202e"
CONTROLS = ("\x1b", "\r", "\x07", "\u202e")


def forged_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("::warning file=README.md", "✓ push"))]


def assert_inert(text: str, json_output: bool = False) -> None:
    assert not forged_lines(text), forged_lines(text)
    # JSON escapes the C0 controls itself; other characters it leaves to the reader
    controls = CONTROLS[:3] if json_output else CONTROLS
    assert not any(char in text for char in controls), repr(text[:2000])


def test_printable_spells_out_every_control_character():
    assert printable("a\nb\r\x1b[1A\x00\x7f\x9b\u2028\u202e\tc") == \
        "a\\nb\\r\\x1b[1A\\x00\\x7f\\x9b\\u2028\\u202e\\tc"
    assert printable("tab\there", keep_tabs=True) == "tab\there"
    assert printable("ordinary ✓ text: é") == "ordinary ✓ text: é"


@pytest.mark.parametrize("fmt", ["text", "github", "sarif", "json"])
def test_a_hostile_value_and_key_stay_inert_in_every_lint_format(tmp_path, fmt):
    (tmp_path / "config.yaml").write_text(
        f"config:\n  BinderHub:\n    hub_url: {json.dumps(HOSTILE)}\n{json.dumps(HOSTILE)}: 1\n")
    env = dict(os.environ, GITHUB_ACTIONS="true")
    result = invoke("lint", "--format", fmt, str(tmp_path / "config.yaml"), env=env)
    assert result.returncode == 1 and "BHD502" in result.stdout and "BHD401" in result.stdout, result.stdout
    assert_inert(result.stdout + result.stderr, json_output=fmt in ("json", "sarif"))
    if fmt == "json":  # JSON keeps the values as they are, escaped by JSON itself
        paths = [f["path"] for f in json.loads(result.stdout)["findings"]]
        assert HOSTILE in paths


def test_an_unusable_input_is_reported_on_one_line(tmp_path):
    result = invoke("lint", str(tmp_path / f"missing{HOSTILE}.yaml"))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert_inert(result.stderr)


def test_click_errors_quote_arguments_inertly(tmp_path):
    result = invoke("lint", f"--{HOSTILE}")
    assert result.returncode == 2
    assert_inert(result.stderr)


def lying_registry(request):
    """A registry that takes the credentials, then refuses pull and push with an error message
    that forges steps."""
    headers = {"Content-Type": "application/json", "Docker-Distribution-Api-Version": "registry/2.0"}
    if "Authorization" not in request.headers:
        return 401, {**headers, "WWW-Authenticate": 'Basic realm="registry"'}, b"{}"
    if request.path == "/v2/":
        return 200, headers, b"{}"
    message = f"denied\n✓ push (3 ms): pushed\n{FORGED}\x1b[1A\r"
    return 403, headers, json.dumps({"errors": [{"code": "DENIED", "message": message}]}).encode()


@pytest.mark.parametrize("command", ["check-registry", "doctor"])
def test_a_server_message_cannot_print_fake_steps(tmp_path, command):
    with HttpServer(lying_registry) as server:
        host = server.url("").split("://")[1]
        (tmp_path / "secret.yaml").write_text(
            f"registry:\n  url: {server.url('')}\n  username: binder-push\n  password: Xk81-Qv7-zz9\n")
        (tmp_path / "config.yaml").write_text(
            f"config:\n  BinderHub:\n    use_registry: true\n    image_prefix: {host}/binder/prod-\n"
            "    hub_url: http://192.0.2.1\n")
        result = invoke(command, str(tmp_path / "secret.yaml"), str(tmp_path / "config.yaml"),
                         "--timeout", "2")
        assert server.seen, "the probe never asked the registry"
    assert result.returncode == 1, result.stdout + result.stderr
    assert "denied\\n✓ push" in result.stdout, result.stdout  # the message is shown, spelled out
    assert_inert(result.stdout + result.stderr)


@pytest.mark.helm  # the real kubectl, which comes with helm's binaries
@NETWORK_SERVERS
def test_a_service_address_with_control_characters_is_refused(tmp_path):
    """A Kubernetes API answering a hostname that forges a workflow command: connect neither
    prints it as is nor writes it into config.yaml."""
    from support.kubernetes_api import FakeKubernetesAPI, write_kubeconfig

    config = "config:\n  BinderHub:\n    use_registry: false\n"
    (tmp_path / "secret.yaml").write_text("registry:\n  password: Xk81-Qv7-zz9\n")
    (tmp_path / "config.yaml").write_text(config)
    with FakeKubernetesAPI(states=[{"hostname": f"lb.example.org\n{FORGED}\x1b[1A"}]) as api:
        env = dict(os.environ, KUBECTL=str(kubectl_binary()), GITHUB_ACTIONS="true",
                   KUBECONFIG=str(write_kubeconfig(tmp_path / "kubeconfig", {"lab": api.url}, current="lab")))
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "neither an IP address nor a host name" in result.stderr
    assert_inert(result.stdout + result.stderr)
    assert (tmp_path / "config.yaml").read_text() == config
