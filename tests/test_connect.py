"""`connect NAME`: a real kubectl reads service proxy-public from a small HTTP server playing the
Kubernetes API (pending, then an address), hub_url goes into config.yaml by a text edit that keeps
every comment and the key order, the secret file is never touched, and the upgrade follows."""

from __future__ import annotations

import os
import subprocess

import pytest

from support.helm_setup import CHART_VERSION, helm_env, plugins_dir, recorded_calls, recording_helm
from support.kubernetes_api import FakeKubernetesAPI, write_kubeconfig
from support.tools import NETWORK_SERVERS, helm_binary, invoke, kubectl_binary

pytestmark = [pytest.mark.helm, NETWORK_SERVERS]

SECRET = """\
jupyterhub:
  hub:
    services:
      binder:
        apiToken: "3f7a9c2e5b8d1f4a6c0e9b2d5f8a1c4e7b0d3f6a9c2e5b8d1f4a6c0e9b2d5f8a"
  proxy:
    secretToken: "a8d5f2c9e6b3a0d7f4c1e8b5a2d9f6c3e0b7a4d1f8c5e2b9a6d3f0c7e4b1a8d5"
registry:
  username: binderbot
  password: s3cr3t-Hub-Passw0rd
"""

CONFIG = """\
# BinderHub settings for the lab (reviewed 2026-03)
config:
  BinderHub:
    use_registry: true   # push to Docker Hub
    # one prefix per environment
    image_prefix: binderbot/binder-dev-

  # GitHub: anonymous for now
  GitHubRepoProvider:
    banned_specs:
      - ^evil/.*

# the JupyterHub side
jupyterhub:
  cull:
    timeout: 3600   # one hour
"""

CONFIG_CONNECTED = CONFIG.replace(
    "    image_prefix: binderbot/binder-dev-\n",
    "    image_prefix: binderbot/binder-dev-\n    hub_url: http://34.120.10.20\n")


def kubectl() -> str:
    return str(kubectl_binary())


@pytest.fixture
def work(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "secret.yaml").write_text(SECRET)
    (folder / "config.yaml").write_text(CONFIG)
    (folder / "secret.yaml").chmod(0o600)
    return folder


def connect_env(tmp_path, api: FakeKubernetesAPI, major: int = 3) -> dict[str, str]:
    env = helm_env(tmp_path, major)
    env["KUBECONFIG"] = str(write_kubeconfig(tmp_path / "kubeconfig", {"lab": api.url}, current="lab"))
    env["KUBECTL"] = kubectl()
    return env


def snapshot(path):
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, info.st_ino, info.st_mode


def test_waits_while_pending_then_writes_hub_url_keeping_comments_and_order(tmp_path, work):
    secret_before = snapshot(work / "secret.yaml")
    with FakeKubernetesAPI(states=["pending", "pending", {"ip": "34.120.10.20"}]) as api:
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", "--interval", "0.1",
                         env=connect_env(tmp_path, api), cwd=work)
    assert result.returncode == 0, result.stderr
    assert api.service_requests == 3
    assert "waiting for an external IP of service proxy-public in namespace binder" in result.stderr
    assert "wrote config.BinderHub.hub_url: http://34.120.10.20 into config.yaml" in result.stderr
    assert (work / "config.yaml").read_text() == CONFIG_CONNECTED
    assert snapshot(work / "secret.yaml") == secret_before
    assert not [p for p in work.iterdir() if p.name.startswith(".")], "a temporary file was left behind"


def test_replaces_a_placeholder_in_place_and_keeps_its_comment(tmp_path, work):
    config = work / "config.yaml"
    config.write_text(CONFIG.replace("    image_prefix: binderbot/binder-dev-\n",
                                     "    hub_url: http://<IP in EXTERNAL-IP>   # from the guide\n"
                                     "    image_prefix: binderbot/binder-dev-\n"))
    config.chmod(0o640)
    with FakeKubernetesAPI(states=[{"ip": "35.1.2.3"}]) as api:
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=connect_env(tmp_path, api), cwd=work)
    assert result.returncode == 0, result.stderr
    assert config.read_text() == CONFIG.replace(
        "    image_prefix: binderbot/binder-dev-\n",
        "    hub_url: http://35.1.2.3   # from the guide\n    image_prefix: binderbot/binder-dev-\n")
    assert config.stat().st_mode & 0o777 == 0o640


def test_a_load_balancer_hostname_is_used_too(tmp_path, work):
    with FakeKubernetesAPI(states=[{"hostname": "a1b2c3-123.eu-west-1.elb.amazonaws.com"}]) as api:
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=connect_env(tmp_path, api), cwd=work)
    assert result.returncode == 0, result.stderr
    assert "    hub_url: http://a1b2c3-123.eu-west-1.elb.amazonaws.com\n" in (work / "config.yaml").read_text()


def test_rerun_with_nothing_changed_is_a_no_op(tmp_path, work):
    (work / "config.yaml").write_text(CONFIG_CONNECTED)
    before = snapshot(work / "config.yaml")
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        env = connect_env(tmp_path, api)
        wrapper, log = recording_helm(tmp_path, helm_binary(3))
        env["HELM_BIN"] = str(wrapper)
        result = invoke("connect", "binder", "-n", "binder", "--version", CHART_VERSION, env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert "already http://34.120.10.20; nothing changed, so no upgrade" in result.stderr
    assert snapshot(work / "config.yaml") == before
    assert all(call[0] != "upgrade" for call in recorded_calls(log))


@pytest.mark.parametrize("major", [3, 4])
def test_writes_then_runs_the_upgrade_with_the_same_settings(tmp_path, work, major):
    """The upgrade is the real helm, talking to the same fake API server: it gets as far as the
    cluster (which refuses it), so the command line and the exit code are Helm's own."""
    with FakeKubernetesAPI(states=["pending", {"ip": "34.120.10.20"}]) as api:
        env = connect_env(tmp_path, api, major)
        wrapper, log = recording_helm(tmp_path, helm_binary(major))
        env["HELM_BIN"] = str(wrapper)
        result = invoke("connect", "binder", "-n", "binder", "--version", CHART_VERSION, "--interval", "0.1",
                         env=env, cwd=work)
        helm_requests = [path for method, path in api.requests if "/services/" not in path]
    assert (work / "config.yaml").read_text() == CONFIG_CONNECTED
    upgrade = [call for call in recorded_calls(log) if call[0] == "upgrade"]
    assert upgrade == [["upgrade", "--install", "binder", "jupyterhub/binderhub", "--version", CHART_VERSION,
                        "--namespace", "binder", "--create-namespace", "-f", "secret.yaml", "-f", "config.yaml"]]
    # helm looked for the release's history in the right namespace of the same cluster
    assert "/api/v1/namespaces/binder/secrets" in helm_requests
    assert result.returncode == 1  # the fake API server forbids what helm asks for
    assert "helm upgrade failed with exit code 1" in result.stderr
    assert "hub_url is saved in config.yaml" in result.stderr
    assert "s3cr3t-Hub-Passw0rd" not in result.stderr + result.stdout


def test_kube_context_from_helm_reaches_kubectl(tmp_path, work):
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        env = connect_env(tmp_path, api)
        # The current context is a closed port: only `--context lab` can succeed.
        write_kubeconfig(tmp_path / "kubeconfig", {"lab": api.url, "closed": "http://127.0.0.1:1"}, current="closed")
        env["HELM_KUBECONTEXT"] = "lab"
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "config.yaml").read_text() == CONFIG_CONNECTED


def test_gives_up_after_the_timeout(tmp_path, work):
    with FakeKubernetesAPI(states=["pending"]) as api:
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", "--timeout", "1s", "--interval", "0.2",
                         env=connect_env(tmp_path, api), cwd=work)
    assert result.returncode == 1
    assert "still has no external IP after 1s" in result.stderr
    assert "--timeout" in result.stderr
    assert api.service_requests >= 2
    assert (work / "config.yaml").read_text() == CONFIG


def test_missing_service_says_to_install_first(tmp_path, work):
    with FakeKubernetesAPI(namespace="elsewhere") as api:
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=connect_env(tmp_path, api), cwd=work)
    assert result.returncode == 1
    assert "service proxy-public not found in namespace binder" in result.stderr
    assert "install" in result.stderr
    assert (work / "config.yaml").read_text() == CONFIG


def test_a_service_that_never_gets_an_external_ip_is_explained(tmp_path, work):
    with FakeKubernetesAPI(states=[{"type": "NodePort"}]) as api:
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=connect_env(tmp_path, api), cwd=work)
    assert result.returncode == 1
    assert "type NodePort" in result.stderr
    assert api.service_requests == 1


def test_never_writes_into_the_secret_file(tmp_path, work):
    before = snapshot(work / "secret.yaml")
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        env = connect_env(tmp_path, api)
        into_secret = invoke("connect", "binder", "-n", "binder", "--no-upgrade", "-f", "secret.yaml",
                              "-f", "config.yaml", "--write-to", "secret.yaml", env=env, cwd=work)
        only_secret = invoke("connect", "binder", "-n", "binder", "--no-upgrade", "-f", "secret.yaml",
                              env=env, cwd=work)
        # config.yaml first, secret.yaml last: hub_url still goes into config.yaml.
        reordered = invoke("connect", "binder", "-n", "binder", "--no-upgrade", "-f", "config.yaml",
                            "-f", "secret.yaml", env=env, cwd=work)
    assert into_secret.returncode == 2 and "that is a secret file" in into_secret.stderr
    assert only_secret.returncode == 2 and "never into a secret file" in only_secret.stderr
    assert reordered.returncode == 0, reordered.stderr
    assert (work / "config.yaml").read_text() == CONFIG_CONNECTED
    assert snapshot(work / "secret.yaml") == before


def test_a_file_holding_the_passwords_is_a_secret_file_whatever_its_name(tmp_path, work):
    (work / "prod.yaml").write_text((work / "secret.yaml").read_text())
    before = snapshot(work / "prod.yaml")
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", "-f", "config.yaml",
                         "-f", "prod.yaml", env=connect_env(tmp_path, api), cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "config.yaml").read_text() == CONFIG_CONNECTED
    assert snapshot(work / "prod.yaml") == before


def test_a_later_file_that_would_override_hub_url_is_named(tmp_path, work):
    (work / "override.yaml").write_text("config:\n  BinderHub:\n    hub_url: http://old.example.org\n")
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", "-f", "secret.yaml",
                         "-f", "config.yaml", "-f", "override.yaml", "--write-to", "config.yaml",
                         env=connect_env(tmp_path, api), cwd=work)
    assert result.returncode == 2
    assert "override.yaml sets config.BinderHub.hub_url too" in result.stderr
    assert (work / "config.yaml").read_text() == CONFIG


def test_version_is_needed_for_the_upgrade_before_anything_runs(tmp_path, work):
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        result = invoke("connect", "binder", "-n", "binder", env=connect_env(tmp_path, api), cwd=work)
    assert result.returncode == 2
    assert "--version is required" in result.stderr
    assert api.service_requests == 0
    assert (work / "config.yaml").read_text() == CONFIG


def test_missing_kubectl_is_a_clear_error(tmp_path, work):
    with FakeKubernetesAPI() as api:
        env = connect_env(tmp_path, api)
        env["KUBECTL"] = str(tmp_path / "no-kubectl")
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=env, cwd=work)
    assert result.returncode == 2
    assert "KUBECTL=" in result.stderr and "Traceback" not in result.stderr


def test_through_helm_with_its_global_flags(tmp_path, work):
    """`helm -n binder --kube-context lab binder connect ...` with the real helm 4 and the plugin."""
    with FakeKubernetesAPI(states=["pending", {"ip": "34.120.10.20"}]) as api:
        env = connect_env(tmp_path, api, 4)
        kubeconfig = write_kubeconfig(tmp_path / "kc-two", {"lab": api.url, "closed": "http://127.0.0.1:1"},
                                      current="closed")
        del env["KUBECONFIG"]
        env["HELM_PLUGINS"] = str(plugins_dir(tmp_path))
        completed = subprocess.run(
            [env["HELM_BIN"], "-n", "binder", "--kube-context", "lab", "--kubeconfig", str(kubeconfig),
             "binder", "connect", "binder", "--no-upgrade", "--interval", "0.1"],
            env=env, cwd=work, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert (work / "config.yaml").read_text() == CONFIG_CONNECTED
    assert "helm binder upgrade binder -n binder --version <chart version>" in completed.stderr


def test_kubectl_path_is_used_when_set(tmp_path, work):
    """KUBECTL wins over a kubectl on PATH (here: a decoy that would fail)."""
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    (decoy / "kubectl").write_text("#!/bin/sh\nexit 9\n")
    (decoy / "kubectl").chmod(0o755)
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        env = connect_env(tmp_path, api)
        env["PATH"] = f"{decoy}{os.pathsep}{env['PATH']}"
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=env, cwd=work)
        assert result.returncode == 0, result.stderr
        del env["KUBECTL"]
        on_path = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=env, cwd=work)
    # Already connected, but kubectl still had to be asked: the decoy's failure shows.
    assert on_path.returncode == 1 and "exit 9" in on_path.stderr


def test_keeps_crlf_line_endings(tmp_path, work):
    config = work / "config.yaml"
    config.write_bytes(CONFIG.replace("\n", "\r\n").encode())
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=connect_env(tmp_path, api), cwd=work)
    assert result.returncode == 0, result.stderr
    assert config.read_bytes() == CONFIG_CONNECTED.replace("\n", "\r\n").encode()


def test_refuses_a_read_only_config_before_waiting(tmp_path, work):
    config = work / "config.yaml"
    config.chmod(0o444)
    before = snapshot(config)
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        result = invoke("connect", "binder", "-n", "binder", "--no-upgrade", env=connect_env(tmp_path, api), cwd=work)
        asked = api.service_requests
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "binderhub-doctor: error: config.yaml is read-only (mode 0444); make it writable (chmod u+w config.yaml) "
        "or choose another file with --write-to"]
    assert snapshot(config) == before
    assert asked == 0, "refused only after waiting for the address"
