"""`status NAME`: a real helm and a real kubectl read a fake Kubernetes API (tests/support/
fake_cluster.py) holding the release, its services and pods, and a fake BinderHub/JupyterHub on
127.0.0.1 answers /health, /versions and /hub/api. Healthy, then each broken state the issue
names, then hostile answers, then the secrets that must never be printed."""

from __future__ import annotations

import re
import time

import pytest

from support.fake_binderhub import FakeBinderHub, health
from support.fake_cluster import FakeCluster, event, pod, release_secret, service
from support.helm_setup import CHART_VERSION, helm_env
from support.kubernetes_api import FakeKubernetesAPI, write_kubeconfig
from support.report_schemas import doctor_report, status_report
from support.tools import NETWORK_SERVERS, TOOLS, invoke, run_cli

pytestmark = [pytest.mark.helm, NETWORK_SERVERS]

REGISTRY_CANARY = "Reg1stryCanary-7f3a9c2e5b"
HUB_TOKEN_CANARY = "3f7a9c2e5b8d1f4a6c0e9b2d5f8a1c4e7b0d3f6a9c2e5b8d1f4a6c0e9b2d5f8a"
# BinderHub's /health echoing both canaries back, as a hostile or buggy server might
ECHOING_HEALTH = {"/health": (503, {"ok": False, "checks": [
    {"service": f"Docker registry {REGISTRY_CANARY}", "ok": False},
    {"service": f"JupyterHub API {HUB_TOKEN_CANARY}", "ok": False}]})}


def release_values(port: int, **binderhub) -> dict:
    return {"registry": {"username": "binderbot", "password": REGISTRY_CANARY},
            "jupyterhub": {"hub": {"services": {"binder": {"apiToken": HUB_TOKEN_CANARY}}}},
            "config": {"BinderHub": {"hub_url": f"http://127.0.0.1:{port}/", "use_registry": True, **binderhub}}}


def healthy_cluster(port: int, **changes) -> FakeCluster:
    cluster = FakeCluster(
        services={"proxy-public": service("proxy-public", ip="127.0.0.1", port=port),
                  "binder": service("binder", ip="127.0.0.1", port=port)},
        pods=[pod("binder-7d9f-abcde", "binder"), pod("hub-5c8b-fghij", "hub"), pod("proxy-6f4d-klmno", "proxy"),
              pod("binder-dind-xyz12", "image-builder", container="dind"),
              pod("jupyter-someone", "singleuser-server", ready=False, waiting=("ErrImagePull", "user image"))],
        secrets=[release_secret("binder", config=release_values(port))])
    for key, value in changes.items():
        setattr(cluster, key, value)
    return cluster


def status_env(tmp_path, api: FakeKubernetesAPI, major: int = 3) -> dict[str, str]:
    env = helm_env(tmp_path, major)
    env["KUBECONFIG"] = str(write_kubeconfig(tmp_path / "kubeconfig", {"lab": api.url}, current="lab"))
    env["KUBECTL"] = str(TOOLS / f"helm{major}" / "kubectl")
    return env


def run_status(tmp_path, cluster_of, *arguments, hub_answers=None, major=3, process=False):
    """`status binder -n binder ARGUMENTS` against the cluster ``cluster_of(port)`` (port: the
    fake BinderHub's, which plays both services)."""
    with FakeBinderHub(hub_answers) as hub, FakeKubernetesAPI(cluster=cluster_of(hub.port)) as api:
        runner = run_cli if process else invoke
        return runner("status", "binder", "-n", "binder", *arguments, env=status_env(tmp_path, api, major))


@pytest.mark.parametrize("major", [3, 4])
def test_a_healthy_release_is_all_ticks(tmp_path, major):
    result = run_status(tmp_path, healthy_cluster, major=major)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    marks = [line[0] for line in lines if line[0] in "✓!✗-"]
    assert marks and set(marks) == {"✓"}, result.stdout
    text = result.stdout
    assert f"revision 1 deployed at 2026-04-01T10:00:00Z, chart binderhub-{CHART_VERSION}" in text
    assert "points at proxy-public" in text
    assert "pod binder-dind-xyz12" in text and "image-builder: running, ready" in text
    assert "jupyter-someone" not in text  # users' pods come and go; they are not the deployment
    assert "/health: Pod quota" in text and "3 pods of 100 (2 user, 1 build)" in text
    assert "BinderHub 1.0.0.dev3959+gb9fad995, builder quay.io/jupyterhub/repo2docker:2025.08.0" in text
    assert "JupyterHub 5.3.0" in text
    assert text.rstrip().endswith("✓ BinderHub is up: every check passed.")
    # the groups come in the order a reader follows
    order = [text.index(title) for title in ("\nRelease\n", "\nServices\n", "\nPods\n", "\nBinderHub\n",
                                             "\nJupyterHub\n")]
    assert order == sorted(order)


def test_a_pending_load_balancer_says_so_and_for_how_long(tmp_path):
    def cluster(port):
        return healthy_cluster(port, services={
            "proxy-public": service("proxy-public", created="2026-04-01T10:00:00Z"),
            "binder": service("binder", ip="127.0.0.1", port=port)},
            events=[event("proxy-public", "Service", "SyncLoadBalancerFailed",
                          "Error syncing load balancer: quota exceeded for IN_USE_ADDRESSES")])
    result = run_status(tmp_path, cluster)
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "service proxy-public" in line)
    assert line.strip().startswith("✗")
    assert "LoadBalancer still pending for" in line and "days" in line
    assert "SyncLoadBalancerFailed: Error syncing load balancer: quota exceeded" in line
    assert "kubectl describe service proxy-public -n binder" in result.stdout
    assert "- hub_url" in result.stdout  # not compared without an address


def test_a_crash_looping_binder_shows_its_last_log_lines_and_the_rule_that_catches_the_cause(tmp_path):
    log = ("Loading /etc/binderhub/config/values.yaml\n"
           f"[D 2026-04-01 BinderHub] hub token {HUB_TOKEN_CANARY}\n"
           "Traceback (most recent call last):\n"
           "traitlets.traitlets.TraitError: The 'build_memory_limit' trait of a BinderHub instance expected a "
           "ByteSpecification, not the str 'lots'.\n")

    def cluster(port):
        return healthy_cluster(port, pods=[
            pod("binder-7d9f-abcde", "binder", ready=False, waiting=("CrashLoopBackOff", "back-off 5m0s restarting"),
                restarts=6, last_terminated=("Error", 1)),
            pod("hub-5c8b-fghij", "hub"), pod("proxy-6f4d-klmno", "proxy")],
            logs={("binder-7d9f-abcde", True): log})
    result = run_status(tmp_path, cluster, process=True)
    assert result.returncode == 1
    text = result.stdout
    assert "✗ pod binder-7d9f-abcde" in text
    assert "CrashLoopBackOff, the container keeps crashing, 6 restarts, last exit: Error (exit code 1)" in text
    assert "| traitlets.traitlets.TraitError: The 'build_memory_limit' trait" in text
    assert "known cause: a setting has the wrong type (traitlets TraitError)" in text
    assert "BHD303 trait-wrong-type catches this before deploy" in text
    assert HUB_TOKEN_CANARY not in text + result.stderr
    assert "hub token …(64 chars)" in text


def test_an_image_that_cannot_be_pulled(tmp_path):
    def cluster(port):
        return healthy_cluster(port, pods=[
            pod("binder-7d9f-abcde", "binder", ready=False, waiting=(
                "ImagePullBackOff", 'Back-off pulling image "quay.io/jupyterhub/k8s-binderhub:9.9.9"')),
            pod("hub-5c8b-fghij", "hub"), pod("proxy-6f4d-klmno", "proxy")])
    result = run_status(tmp_path, cluster)
    assert result.returncode == 1
    assert ("✗ pod binder-7d9f-abcde" in result.stdout and "ImagePullBackOff, the image cannot be pulled: Back-off "
            'pulling image "quay.io/jupyterhub/k8s-binderhub:9.9.9"' in result.stdout)
    assert "fix: check that example/binder:1 exists" in result.stdout


def test_an_unschedulable_pod_gives_the_schedulers_reason_and_a_missing_hub_is_named(tmp_path):
    def cluster(port):
        return healthy_cluster(port, pods=[
            pod("binder-7d9f-abcde", "binder"), pod("proxy-6f4d-klmno", "proxy"),
            pod("binder-dind-xyz12", "image-builder", unschedulable="0/3 nodes are available: 3 Insufficient memory.")],
            events=[event("hub-5c8b", "ReplicaSet", "FailedCreate", 'pods "hub-5c8b-" is forbidden: exceeded quota')])
    result = run_status(tmp_path, cluster)
    assert result.returncode == 1
    assert "✗ pod binder-dind-xyz12" in result.stdout
    assert "Pending, not scheduled: 0/3 nodes are available: 3 Insufficient memory." in result.stdout
    assert "✗ hub pod: no hub pod of release binder; latest event: FailedCreate: pods" in result.stdout


def test_a_failed_release(tmp_path):
    def cluster(port):
        return healthy_cluster(port, secrets=[release_secret("binder", status="failed", revision=4,
                                                             config=release_values(port))])
    result = run_status(tmp_path, cluster)
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "release" in line and "revision" in line)
    assert line.strip().startswith("✗ release")
    assert "revision 4 failed: Upgrade \"binder\" failed: context deadline exceeded" in line
    assert "`helm history binder -n binder`" in result.stdout


def test_a_release_left_pending_says_how_to_unblock_it(tmp_path):
    def cluster(port):
        return healthy_cluster(port, secrets=[release_secret("binder", status="pending-upgrade", revision=5,
                                                             config=release_values(port))])
    result = run_status(tmp_path, cluster)
    assert result.returncode == 0  # a helm operation may still be running: a warning
    assert "! release" in result.stdout
    assert "revision 5 pending-upgrade since 2026-04-01T10:00:00Z, chart binderhub-" in result.stdout
    assert "`helm rollback binder -n binder` unblocks the release" in result.stdout


@pytest.mark.parametrize("major", [3, 4])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_release_of_that_name_is_a_usage_error(tmp_path, major, fmt):
    """A typo in the name or the namespace: one line on stderr, exit 2, nothing else checked."""
    with FakeBinderHub() as hub, FakeKubernetesAPI(cluster=healthy_cluster(hub.port, secrets=[])) as api:
        result = invoke("status", "binder", "-n", "binder", "--format", fmt, env=status_env(tmp_path, api, major))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "no release binder in namespace binder (" in result.stderr
    assert "`helm list --all-namespaces` shows where it is" in result.stderr
    assert hub.requests == []  # nothing past the release was checked


def test_doctor_with_a_release_that_does_not_exist_reports_it_in_its_section(tmp_path):
    """doctor's report is already under way (lint, the probes): the missing release is its last
    section's ✗ line, as a cluster that does not answer would be."""
    with FakeBinderHub() as hub, FakeKubernetesAPI(cluster=healthy_cluster(hub.port, secrets=[])) as api:
        (tmp_path / "config.yaml").write_text(DOCTOR_CONFIG.format(port=hub.port))
        result = invoke("doctor", "config.yaml", "--release", "binder", "-n", "binder", "--timeout", "5",
                        "--format", "json", env=status_env(tmp_path, api), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    release = doctor_report(result.stdout)["sections"][-1]
    assert release["status"] == "fail"
    first = release["report"]["groups"][0]["steps"][0]
    assert first["name"] == "release" and "no release binder in namespace binder" in first["detail"]
    assert "`helm list --all-namespaces`" in first["hint"]


def test_an_unhealthy_binderhub_points_at_the_next_step(tmp_path):
    result = run_status(tmp_path, healthy_cluster,
                        hub_answers={"/health": health(failing=("JupyterHub API", "Docker registry"), over_quota=True)})
    assert result.returncode == 1
    text = result.stdout
    assert "✗ /health" in text and "HTTP 503: BinderHub reports itself unhealthy" in text
    hub_api = text[text.index("✗ /health: JupyterHub API: failing"):].splitlines()[1]
    assert hub_api.strip().startswith("fix:")
    assert "config.BinderHub.hub_url" in hub_api and "jupyterhub.hub.services.binder.apiToken" in hub_api
    assert "✗ /health: Docker registry: failing" in text and "check-registry" in text
    # the pod quota is informational: a warning, never a failure
    assert "! /health: Pod quota: 120 pods of 100 (110 user, 10 build)" in text


def test_a_binderhub_over_its_pod_quota_is_information_only(tmp_path):
    """BinderHub answers 200 and ok when only "Pod quota" fails (it carries _ignore_failure):
    launches queue, nothing is broken."""
    result = run_status(tmp_path, healthy_cluster, hub_answers={"/health": health(over_quota=True)})
    assert health(over_quota=True)[0] == 200
    assert result.returncode == 0, result.stdout
    text = result.stdout
    assert "✓ /health" in text
    assert "! /health: Pod quota: 120 pods of 100 (110 user, 10 build)" in text
    assert "fix: more pods than the launch quota: new launches wait (informational)" in text
    assert text.rstrip().endswith("! Working, 1 warning.")


def test_hub_url_elsewhere_or_without_the_base_url_is_a_warning(tmp_path):
    def cluster(port):
        values = release_values(port)
        values["jupyterhub"]["hub"]["baseUrl"] = "/jhub"
        return healthy_cluster(port, secrets=[release_secret("binder", config=values)])
    result = run_status(tmp_path, cluster)
    assert "! hub_url: http://127.0.0.1:" in result.stdout
    assert "its path / is not JupyterHub's baseUrl /jhub/" in result.stdout

    def elsewhere(port):
        values = release_values(port, hub_url="http://hub.example.org/")
        return healthy_cluster(port, secrets=[release_secret("binder", config=values)])
    result = run_status(tmp_path, elsewhere, "--timeout", "2")
    assert "! hub_url: http://hub.example.org/ does not point at proxy-public (127.0.0.1:" in result.stdout


def test_a_missing_hub_url_fails_and_names_connect(tmp_path):
    def cluster(port):
        values = release_values(port)
        del values["config"]["BinderHub"]["hub_url"]
        return healthy_cluster(port, secrets=[release_secret("binder", config=values)])
    result = run_status(tmp_path, cluster)
    assert result.returncode == 1
    assert "✗ hub_url: config.BinderHub.hub_url is not set in the deployed values" in result.stdout
    assert "connect binder -n binder" in result.stdout


@pytest.mark.parametrize("answer, expected", [
    ((200, b"<html>nginx default page</html>"), "HTTP 200, not BinderHub's health report"),
    ((200, {"ok": "yes", "checks": "all"}), "HTTP 200, not BinderHub's health report"),
    ((200, b"[" * 100_000 + b"]" * 100_000), "HTTP 200, not BinderHub's health report"),
    ((200, b"{" + b'"a": "' + b"x" * 400_000 + b'"}'), "bytes; refusing to read it"),
    ((503, {"ok": False, "checks": [{"service": "Docker\x1b[2J registry\nforged ✓ line", "ok": False}]}),
     "✗ /health: Docker\\x1b[2J registry\\nforged ✓ line: failing"),
])
def test_hostile_health_answers_are_reported_not_trusted(tmp_path, answer, expected):
    result = run_status(tmp_path, healthy_cluster, hub_answers={"/health": answer})
    assert result.returncode == 1
    assert expected in result.stdout
    assert "\x1b" not in result.stdout
    assert not any(line.startswith("forged") for line in result.stdout.splitlines())


@pytest.mark.slow
def test_a_stalled_binderhub_is_bounded_by_the_timeout(tmp_path):
    started = time.monotonic()
    result = run_status(tmp_path, healthy_cluster, "--timeout", "1", hub_answers={"/health": "stall"})
    assert result.returncode == 1
    assert "✗ /health" in result.stdout and "sent no answer within 1 s" in result.stdout
    assert "✓ /versions" in result.stdout  # the next step still runs
    assert time.monotonic() - started < 20


def test_json_report(tmp_path):
    result = run_status(tmp_path, lambda port: healthy_cluster(port, pods=[
        pod("binder-7d9f-abcde", "binder", ready=False, waiting=("CrashLoopBackOff", "back-off"), restarts=2),
        pod("hub-5c8b-fghij", "hub"), pod("proxy-6f4d-klmno", "proxy")],
        logs={("binder-7d9f-abcde", True): "[E] Config option `hub_urll` not recognized by `BinderHub`.\n"}),
        "--format", "json")
    assert result.returncode == 1
    document = status_report(result.stdout)
    assert (document["version"], document["release"], document["namespace"]) == (1, "binder", "binder")
    assert document["ok"] is False and document["status"] == "fail"
    assert [group["name"] for group in document["groups"]] == ["Release", "Services", "Pods", "BinderHub",
                                                               "JupyterHub"]
    steps = {step["name"]: step for group in document["groups"] for step in group["steps"]}
    crashed = steps["pod binder-7d9f-abcde"]
    assert crashed["status"] == "fail" and crashed["rules"] == ["BHD302"]
    assert crashed["log"] == ["[E] Config option `hub_urll` not recognized by `BinderHub`."]
    assert document["summary"]["failed"] == 1


def test_canaries_in_release_values_logs_and_health_never_reach_any_output(tmp_path):
    log = f"docker login failed for binderbot:{REGISTRY_CANARY}: unauthorized: authentication required\n" \
          f"token={HUB_TOKEN_CANARY}\n"

    def cluster(port):
        return healthy_cluster(port, pods=[
            pod("binder-7d9f-abcde", "binder"), pod("proxy-6f4d-klmno", "proxy"),
            pod("hub-5c8b-fghij", "hub", ready=False, waiting=("CrashLoopBackOff", "back-off"), restarts=3)],
            logs={("hub-5c8b-fghij", True): log})
    for fmt in ("text", "json"):
        result = run_status(tmp_path, cluster, "--format", fmt, hub_answers=ECHOING_HEALTH, process=True)
        assert result.returncode == 1
        if fmt == "json":
            status_report(result.stdout)  # masking a secret leaves the document whole
        everything = result.stdout + result.stderr
        assert "registry-credentials-missing" in everything  # the log was read and its cause found
        assert REGISTRY_CANARY not in everything and HUB_TOKEN_CANARY not in everything
        assert "Reg1stryCanary" not in everything


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_doctor_with_a_release_prints_no_canary_either(tmp_path, fmt):
    """doctor --release reads the same release values, pod logs and /health as status."""
    log = f"docker login failed for binderbot:{REGISTRY_CANARY}\ntoken={HUB_TOKEN_CANARY}\n"
    with FakeBinderHub(ECHOING_HEALTH) as hub, FakeKubernetesAPI(cluster=healthy_cluster(hub.port, pods=[
            pod("binder-7d9f-abcde", "binder"), pod("proxy-6f4d-klmno", "proxy"),
            pod("hub-5c8b-fghij", "hub", ready=False, waiting=("CrashLoopBackOff", "back-off"), restarts=3)],
            logs={("hub-5c8b-fghij", True): log})) as api:
        (tmp_path / "config.yaml").write_text(DOCTOR_CONFIG.format(port=hub.port))
        result = run_cli("doctor", "config.yaml", "--release", "binder", "-n", "binder", "--timeout", "5",
                         "--format", fmt, env=status_env(tmp_path, api), cwd=tmp_path)
        assert "/health" in hub.requests  # the echoing answer was read
    assert result.returncode == 1, result.stdout + result.stderr
    everything = result.stdout + result.stderr
    assert "docker login failed for binderbot:" in everything  # the log was shown
    assert REGISTRY_CANARY not in everything and HUB_TOKEN_CANARY not in everything
    assert "Reg1stryCanary" not in everything and HUB_TOKEN_CANARY[:16] not in everything
    if fmt == "json":
        doctor_report(result.stdout)


def test_kube_context_reaches_helm_and_kubectl(tmp_path):
    with FakeBinderHub() as hub, FakeKubernetesAPI(cluster=healthy_cluster(hub.port)) as api:
        env = status_env(tmp_path, api)
        write_kubeconfig(tmp_path / "kubeconfig", {"lab": api.url, "closed": "http://127.0.0.1:1"}, current="closed")
        by_option = invoke("status", "binder", "-n", "binder", "--kube-context", "lab", env=env)
        env["HELM_KUBECONTEXT"] = "lab"
        from_helm = invoke("status", "binder", "-n", "binder", env=env)
    for result in (by_option, from_helm):
        assert result.returncode == 0, result.stdout
        assert "release binder in namespace binder, kube context lab" in result.stdout


@pytest.mark.parametrize("arguments, message", [
    (["status", "binder"], "no namespace given"),
    (["status", "binder", "-n", "default"], "refusing the namespace `default`"),
    (["status", "Binder!", "-n", "binder"], "is not a valid release name"),
    (["status", "binder", "-n", "binder", "--binder-url", "ftp://x"], "--binder-url ftp://x: not an http(s) URL"),
    (["status", "binder", "-n", "binder", "--chart-version", "latest"], "--chart-version"),
    (["doctor", "--kube-context", "lab"], "go with --release NAME"),
])
def test_usage_errors_are_one_line_and_exit_2(tmp_path, arguments, message):
    env = helm_env(tmp_path, 3)
    env["KUBECTL"] = str(TOOLS / "helm3" / "kubectl")
    result = invoke(*arguments, env=env, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_missing_kubectl_is_a_usage_error(tmp_path):
    env = helm_env(tmp_path, 3)
    env["KUBECTL"] = str(tmp_path / "no-kubectl")
    result = invoke("status", "binder", "-n", "binder", env=env)
    assert result.returncode == 2
    assert "KUBECTL=" in result.stderr and "is not an executable" in result.stderr


def test_the_chart_version_is_compared_with_the_one_linted_for(tmp_path):
    result = run_status(tmp_path, healthy_cluster, "--chart-version", "1.0.0-0.dev.git.3000.h0123abc")
    assert result.returncode == 0
    assert (f"! chart version: deployed {CHART_VERSION}, but the values were linted for "
            "1.0.0-0.dev.git.3000.h0123abc (--chart-version)") in result.stdout
    # without the option: the version .binderhub-doctor.yaml pins, as for lint
    work = tmp_path / "work"
    work.mkdir()
    (work / ".binderhub-doctor.yaml").write_text(f"chart-version: {CHART_VERSION}\n")
    with FakeBinderHub() as hub, FakeKubernetesAPI(cluster=healthy_cluster(hub.port)) as api:
        pinned = invoke("status", "binder", "-n", "binder", env=status_env(tmp_path, api), cwd=work)
    assert pinned.returncode == 0, pinned.stdout
    assert f"✓ chart version: {CHART_VERSION}, the version the values were linted for (chart-version in " in \
        pinned.stdout


DOCTOR_CONFIG = "config:\n  BinderHub:\n    hub_url: http://127.0.0.1:{port}/\n    use_registry: false\n"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_doctor_with_a_release_adds_its_status_as_the_last_section(tmp_path, fmt):
    """No probe leaves loopback: no registry, no GitHub token, no GitLab. The deployed chart is
    compared with the version the values were linted for (.binderhub-doctor.yaml's)."""
    def cluster(port):
        return healthy_cluster(port, pods=[
            pod("hub-5c8b-fghij", "hub"), pod("proxy-6f4d-klmno", "proxy"),
            pod("binder-7d9f-abcde", "binder", ready=False, waiting=("CrashLoopBackOff", "back-off"), restarts=3)],
            logs={("binder-7d9f-abcde", True): "[E] Exception while loading config file /etc/binderhub/config/"
                                            "binderhub_config.py\n"})
    with FakeBinderHub() as hub, FakeKubernetesAPI(cluster=cluster(hub.port)) as api:
        (tmp_path / "config.yaml").write_text(DOCTOR_CONFIG.format(port=hub.port))
        (tmp_path / ".binderhub-doctor.yaml").write_text("chart-version: 1.0.0-0.dev.git.3000.h0123abc\n")
        result = invoke("doctor", "config.yaml", "--release", "binder", "-n", "binder", "--timeout", "5",
                        "--format", fmt, env=status_env(tmp_path, api), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    if fmt == "json":
        sections = doctor_report(result.stdout)["sections"]
        assert [s["name"] for s in sections] == ["lint", "registry", "github", "gitlab", "status"]
        status = sections[-1]
        assert status["status"] == "fail" and status["title"] == "Release binder"
        steps = {step["name"]: step for group in status["report"]["groups"] for step in group["steps"]}
        assert steps["pod binder-7d9f-abcde"]["rules"] == ["BHD304"]
        return
    text = result.stdout
    assert text.index("GitLab") < text.index("[✗] Release binder: 1 check failed")
    assert "    Pods\n" in text and "      ✗ pod binder-7d9f-abcde" in text
    assert "BHD304 config-section-not-a-mapping catches this before deploy" in text
    assert "but the values were linted for 1.0.0-0.dev.git.3000.h0123abc (chart-version in " in text
    assert "[✓] Lint: 1 info in 1 file" in text  # only the info about the missing GitHub token


def test_doctor_offline_does_not_contact_the_cluster(tmp_path):
    (tmp_path / "config.yaml").write_text(DOCTOR_CONFIG.format(port=9))
    env = helm_env(tmp_path, 3)
    env["KUBECTL"] = str(TOOLS / "helm3" / "kubectl")
    result = invoke("doctor", "config.yaml", "--offline", "--release", "binder", "-n", "binder", env=env,
                    cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[-] Release: not run (--offline)" in result.stdout


def test_crash_causes_in_the_hubs_log_are_not_blamed_on_binderhub_rules():
    from binderhub_doctor.probes.crash_causes import recognise

    lines = ["[E] Exception while loading config file /usr/local/etc/jupyterhub/jupyterhub_config.py",
             "traitlets.traitlets.TraitError: The 'cookie_max_age_days' trait expected a float, not the str 'x'",
             "pull failed: unauthorized: authentication required"]
    assert [c.rule for c in recognise(lines, "binder")] == ["BHD303", "BHD304", "BHD217"]
    hub = recognise(lines, "hub")
    assert [c.rule for c in hub] == [None, None, "BHD217"]
    assert "jupyterhub.hub.extraConfig" in hub[0].fix
    assert recognise(["INFO all is well", "Config option `x` recognized"], "binder") == []


def test_through_helm_with_its_global_flags(tmp_path):
    """`helm -n binder --kube-context lab --kubeconfig FILE binder status binder` with the real
    helm 4 and the plugin: Helm's flags reach kubectl and the helm that status calls back."""
    import subprocess

    from support.helm_setup import plugins_dir

    with FakeBinderHub() as hub, FakeKubernetesAPI(cluster=healthy_cluster(hub.port)) as api:
        env = status_env(tmp_path, api, 4)
        kubeconfig = write_kubeconfig(tmp_path / "kc-two", {"lab": api.url, "closed": "http://127.0.0.1:1"},
                                      current="closed")
        del env["KUBECONFIG"]
        env["HELM_PLUGINS"] = str(plugins_dir(tmp_path))
        completed = subprocess.run(
            [env["HELM_BIN"], "-n", "binder", "--kube-context", "lab", "--kubeconfig", str(kubeconfig),
             "binder", "status", "binder"], env=env, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "release binder in namespace binder, kube context lab" in completed.stdout
    assert "✓ BinderHub is up" in completed.stdout


@pytest.mark.slow
def test_a_stalled_kubernetes_api_is_bounded_by_the_timeout(tmp_path):
    started = time.monotonic()
    result = run_status(tmp_path, lambda port: healthy_cluster(port, stalled=("pods",)), "--timeout", "1")
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if line.strip().startswith("✗ pods"))
    assert "the Kubernetes API did not answer `kubectl get pods --selector release=binder" in line, line
    assert "✓ /health" in result.stdout  # the checks after it still run
    assert time.monotonic() - started < 25


@pytest.mark.parametrize("server, evidence", [
    ("http://127.0.0.1:1", "connection refused"),
    # https without credentials: kubectl prompts for a user name, and meets an empty stdin
    ("https://127.0.0.1:1", "the kubeconfig has no credentials for this cluster"),
])
def test_an_unreachable_cluster_fails_each_step_in_one_line(tmp_path, server, evidence):
    env = helm_env(tmp_path, 3)
    env["KUBECONFIG"] = str(write_kubeconfig(tmp_path / "kubeconfig", {"closed": server}, current="closed"))
    env["KUBECTL"] = str(TOOLS / "helm3" / "kubectl")
    result = invoke("status", "binder", "-n", "binder", "--timeout", "2", env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Kubernetes cluster unreachable" in next(line for line in result.stdout.splitlines()
                                                    if line.strip().startswith("✗ release"))
    for name in ("service proxy-public", "service binder", "pods"):
        line = next(line for line in result.stdout.splitlines() if line.strip().startswith(f"✗ {name}"))
        assert evidence in line, line


def test_control_characters_from_the_cluster_and_the_servers_are_spelled_out(tmp_path):
    def cluster(port):
        return healthy_cluster(port, pods=[
            pod("binder-7d9f-abcde", "binder", ready=False, waiting=(
                "ImagePullBackOff", "Back-off pulling image \x1b[31mred\x1b[0m\nforged ✓ pod line")),
            pod("hub-5c8b-fghij", "hub"), pod("proxy-6f4d-klmno", "proxy")])
    result = run_status(tmp_path, cluster, hub_answers={
        "/hub/api": (200, {"version": "5.3.0\r\x1b[2K✓ all good"}),
        "/versions": (200, {"binderhub": "1.0\nforged", "builder_info": {}})})
    assert "\x1b" not in result.stdout and "\r" not in result.stdout
    assert "Back-off pulling image \\x1b[31mred\\x1b[0m\\nforged ✓ pod line" in result.stdout
    assert "JupyterHub 5.3.0\\r\\x1b[2K✓ all good" in result.stdout
    assert not any(line.startswith("forged") for line in result.stdout.splitlines())


def test_states_that_settle_by_themselves_are_warnings_and_exit_0(tmp_path):
    """A load balancer pending for a minute, a pod still starting or not ready yet, a pod that
    was OOM-killed once: worth a look, not a failure."""
    from datetime import datetime, timedelta, timezone

    a_minute_ago = (datetime.now(timezone.utc) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def cluster(port):
        return healthy_cluster(port, services={
            "proxy-public": service("proxy-public", ip="127.0.0.1", port=port),
            "binder": service("binder", created=a_minute_ago)}, pods=[
            pod("binder-7d9f-abcde", "binder", ready=False),
            pod("hub-5c8b-fghij", "hub", restarts=1, last_terminated=("OOMKilled", 137)),
            pod("proxy-6f4d-klmno", "proxy", ready=False, waiting=("ContainerCreating", ""))])
    result = run_status(tmp_path, cluster)
    assert result.returncode == 0, result.stdout
    text = result.stdout
    assert "! service binder" in text and re.search(r"LoadBalancer still pending for \d+s: no external IP yet", text)
    assert "! pod binder-7d9f-abcde" in text and "binder: Running, not ready" in text
    assert "! pod hub-5c8b-fghij" in text and "1 restart, last exit: OOMKilled (exit code 137)" in text
    assert "raise its memory limit" in text
    assert "! pod proxy-6f4d-klmno" in text and "proxy: starting (ContainerCreating)" in text
    assert "- /health: not checked: service binder has no external address" in text
    assert text.rstrip().endswith("! Working, 4 warnings.")


def test_malformed_objects_from_the_api_are_reported_not_crashed_on(tmp_path):
    """A misbehaving API server: objects of the wrong shape, and a pod whose name would be a
    kubectl option (never passed to kubectl)."""
    odd = [
        {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "binder-odd", "labels": {"release": "binder", "component": "binder"}},
         "status": {"phase": 5, "conditions": "all fine", "containerStatuses": [
             "not a container", {"name": ["x"], "restartCount": "many", "state": {"waiting": "CrashLoopBackOff"}},
             {"lastState": {"terminated": {"reason": None, "exitCode": "1"}}}]}},
        {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "--kubeconfig=/etc/passwd",
                                     "labels": {"release": "binder", "component": "hub"}},
         "status": {"containerStatuses": [{"name": "hub", "restartCount": 3,
                                           "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}},
        {"kind": "Pod", "apiVersion": "v1", "metadata": {"labels": {"release": "binder", "component": ["proxy"]}}, "status": None},
    ]

    def cluster(port):
        cluster = healthy_cluster(port, pods=odd)
        cluster.services["binder"]["spec"] = {"type": "LoadBalancer", "ports": "eighty"}
        cluster.services["binder"]["status"] = {"loadBalancer": {"ingress": ["127.0.0.1", {"ip": 7}]}}
        return cluster
    result = run_status(tmp_path, cluster)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "internal error" not in result.stdout + result.stderr
    assert "✗ pod --kubeconfig=/etc/passwd" in result.stdout and "CrashLoopBackOff" in result.stdout
    assert "log of the previous container" not in result.stdout
    assert "`kubectl logs POD -n binder --previous`" in result.stdout
    assert "pod binder-odd" in result.stdout and "(no component label)" in result.stdout


@pytest.mark.slow
def test_lines_are_printed_as_they_are_learned(tmp_path):
    """While BinderHub's /health stalls, the release, services and pods are already on screen."""
    import subprocess

    from support.tools import cli_path

    with FakeBinderHub({"/health": "stall"}) as hub, FakeKubernetesAPI(cluster=healthy_cluster(hub.port)) as api:
        process = subprocess.Popen([str(cli_path()), "status", "binder", "-n", "binder", "--timeout", "4"],
                                   env=status_env(tmp_path, api), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, text=True)
        try:
            seen = []
            while not any("pod proxy-6f4d-klmno" in line for line in seen):
                line = process.stdout.readline()
                assert line, "the output ended before the pods were printed"
                seen.append(line)
            pods_at = time.monotonic()
            assert process.poll() is None, "the pods were printed only when the run had ended"
            assert "/health" in process.stdout.read()
            assert time.monotonic() - pods_at > 2, "the pods came with the rest, at the end"
        finally:
            process.kill()
            process.wait()


def test_binder_url_reaches_a_binderhub_behind_an_ingress(tmp_path):
    def cluster(port):
        return healthy_cluster(port, services={"proxy-public": service("proxy-public", ip="127.0.0.1", port=port),
                                               "binder": service("binder", kind="ClusterIP")})
    with FakeBinderHub() as hub, FakeKubernetesAPI(cluster=cluster(hub.port)) as api:
        env = status_env(tmp_path, api)
        without = invoke("status", "binder", "-n", "binder", env=env)
        with_url = invoke("status", "binder", "-n", "binder", "--binder-url", f"http://127.0.0.1:{hub.port}/", env=env)
    assert re.search(r"- service binder \(\d+ ms\): type ClusterIP: no external address", without.stdout)
    assert without.stdout.rstrip().endswith("✓ BinderHub is up: every check passed, 2 not checked.")
    assert "- /health: not checked" in without.stdout and "--binder-url" in without.stdout
    assert without.returncode == 0  # not checked is not broken
    assert with_url.returncode == 0, with_url.stdout
    assert "✓ /health" in with_url.stdout and "✓ /versions" in with_url.stdout
    assert hub.requests.count("/health") == 1
