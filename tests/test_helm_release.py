"""`install` / `upgrade`: lint first, check helm and the chart repository, then the one safe
`helm upgrade --install` command, run with the real helm 3.19 and 4.3 binaries.

No Kubernetes API server can run here, so the real helm runs against a kubeconfig whose server is
a closed port on 127.0.0.1: that proves the command line helm accepted, that Helm's own error and
exit code come through, and (with a helm that records its calls) what was and was not run.
"""

from __future__ import annotations

import json
import shlex
import subprocess

import pytest

from support.helm_setup import (
    CHART_VERSION,
    ChartRepository,
    helm_env,
    recorded_calls,
    recording_helm,
    unreachable_kubeconfig,
)
from support.tools import copy_values, helm_binary, invoke

pytestmark = pytest.mark.helm

HELM_MAJORS = [3, 4]
SECRET_CANARIES = (
    "00000000feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface",  # apiToken of examples/gcr
    "11111111deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef",  # proxy secretToken
    "0000000000000000000000000000000000000000",  # private_key_id inside the JSON key
    "FAKEFAKEFAKE",  # the private key
    "ghp_000000000000000000000000000000000000",  # the GitHub token
)


def expected_upgrade(helm: str, namespace: str = "binder", extra: list[str] = ()) -> str:
    return shlex.join([helm, "upgrade", "--install", "binder", "jupyterhub/binderhub", "--version", CHART_VERSION,
                       "--namespace", namespace, "--create-namespace", "-f", "secret.yaml", "-f", "config.yaml",
                       *extra])


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for canary in SECRET_CANARIES:
            assert canary not in text


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_dry_run_prints_the_exact_command_and_runs_nothing(tmp_path, major):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, major)
    wrapper, log = recording_helm(tmp_path, helm_binary(major))
    env["HELM_BIN"] = str(wrapper)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run",
                     env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected_upgrade(str(wrapper)) + "\n"
    assert "dry run: nothing was changed" in result.stderr
    # Only read-only questions were asked of helm: its version and its repositories.
    assert [call[:2] for call in recorded_calls(log)] == [["version", "--short"], ["repo", "list"]]
    assert_no_secret(result.stdout, result.stderr)


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_dry_run_command_is_one_real_helm_accepts(tmp_path, major):
    """The printed command, run by the real helm, fails only because there is no cluster."""
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, major)
    env["KUBECONFIG"] = str(unreachable_kubeconfig(tmp_path))
    result = invoke("upgrade", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run",
                     env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    completed = subprocess.run(shlex.split(result.stdout), cwd=work, env=env, capture_output=True, text=True,
                               timeout=60)
    assert completed.returncode == 1
    assert "unknown flag" not in completed.stderr
    assert "cluster unreachable" in completed.stderr.lower()


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_real_upgrade_against_an_unreachable_cluster_surfaces_helms_error(tmp_path, major):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, major)
    env["KUBECONFIG"] = str(unreachable_kubeconfig(tmp_path))
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, env=env, cwd=work)
    assert result.returncode == 1  # helm's own exit code
    # The command is shown before it runs, Helm's error streams through, and a summary repeats it.
    assert f"$ {expected_upgrade(env['HELM_BIN'])}" in result.stderr
    assert 'Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:1/version"'.lower() in result.stderr.lower()
    summary = [line for line in result.stderr.splitlines() if "helm upgrade failed with exit code 1" in line]
    assert summary and "127.0.0.1:1" in summary[0]
    assert "hint: helm cannot reach the Kubernetes API" in result.stderr
    assert_no_secret(result.stdout, result.stderr)


def test_helms_exit_code_passes_through_unchanged(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 4)
    wrapper, log = recording_helm(tmp_path, helm_binary(4), fail_upgrade_with=7)
    env["HELM_BIN"] = str(wrapper)
    result = invoke("upgrade", "binder", "-n", "binder", "--version", CHART_VERSION, env=env, cwd=work)
    assert result.returncode == 7
    assert "Error: UPGRADE FAILED: simulated" in result.stderr
    assert "helm upgrade failed with exit code 7" in result.stderr


def test_no_secret_reaches_helms_command_line(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 3)
    env["KUBECONFIG"] = str(unreachable_kubeconfig(tmp_path))
    wrapper, log = recording_helm(tmp_path, helm_binary(3))
    env["HELM_BIN"] = str(wrapper)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, env=env, cwd=work)
    assert result.returncode == 1
    calls = recorded_calls(log)
    assert calls[-1] == expected_upgrade("x").split()[1:]
    assert_no_secret(log.read_text())


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_lint_errors_stop_the_install_before_helm_runs(tmp_path, major):
    work = copy_values("gcr-prefix-with-scheme", tmp_path / "work")
    env = helm_env(tmp_path, major)
    wrapper, log = recording_helm(tmp_path, helm_binary(major))
    env["HELM_BIN"] = str(wrapper)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, env=env, cwd=work)
    assert result.returncode == 1
    assert "config.BinderHub.image_prefix" in result.stderr or "image_prefix" in result.stderr
    assert "stopped before running helm: 1 lint error" in result.stderr
    assert not log.exists(), "helm was run although the lint failed"
    assert result.stdout == ""


def test_values_missing_from_every_file_are_errors_for_install(tmp_path):
    """`lint` warns (another file may set it); install knows every file, so it is an error there."""
    work = copy_values("gcr", tmp_path / "work")
    config = work / "config.yaml"
    config.write_text(config.read_text().replace("    image_prefix: gcr.io/example-project-123/binder-\n", ""))
    env = helm_env(tmp_path, 3)
    wrapper, log = recording_helm(tmp_path, helm_binary(3))
    env["HELM_BIN"] = str(wrapper)
    lint = invoke("lint", "--format", "json", env=env, cwd=work)
    missing = [f for f in json.loads(lint.stdout)["findings"] if f["path"] == "config.BinderHub.image_prefix"]
    assert lint.returncode == 0 and missing and all(f["severity"] == "warning" for f in missing)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run",
                     env=env, cwd=work)
    assert result.returncode == 1
    error_lines = [line for line in result.stderr.splitlines() if ": error " in line]
    assert any("image_prefix" in line for line in error_lines)
    assert not log.exists()


def test_hub_url_missing_does_not_block_the_first_install(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    config = work / "config.yaml"
    config.write_text(config.read_text().replace("    hub_url: http://192.0.2.10\n", ""))
    env = helm_env(tmp_path, 4)
    env["KUBECONFIG"] = str(unreachable_kubeconfig(tmp_path))
    dry = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout == expected_upgrade(env["HELM_BIN"]) + "\n"
    assert "hub_url" in dry.stderr  # still shown, as a warning


def test_no_lint_skips_the_lint(tmp_path):
    work = copy_values("gcr-prefix-with-scheme", tmp_path / "work")
    env = helm_env(tmp_path, 3)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run", "--no-lint",
                     env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert "image_prefix" not in result.stderr
    assert result.stdout == expected_upgrade(env["HELM_BIN"]) + "\n"


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_missing_chart_repository_gives_the_exact_repo_add_command(tmp_path, major):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, major, repositories={})
    wrapper, log = recording_helm(tmp_path, helm_binary(major))
    env["HELM_BIN"] = str(wrapper)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, env=env, cwd=work)
    assert result.returncode == 1
    assert "\n    helm repo add jupyterhub https://hub.jupyter.org/helm-chart/\n" in result.stderr
    assert "--add-repo" in result.stderr
    assert all(call[0] != "upgrade" for call in recorded_calls(log))


def test_repository_under_another_name_is_used(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 4, repositories={"jh": "https://jupyterhub.github.io/helm-chart"})
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert " jh/binderhub " in result.stdout


def test_jupyterhub_repository_pointing_elsewhere_is_refused(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 3, repositories={"jupyterhub": "https://charts.example.org/"})
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert result.returncode == 2
    assert "points at https://charts.example.org/" in result.stderr
    assert result.stdout == ""


def test_dry_run_with_add_repo_prints_both_commands(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 4, repositories={})
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run", "--add-repo",
                     env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        shlex.join([env["HELM_BIN"], "repo", "add", "jupyterhub", "https://hub.jupyter.org/helm-chart/"]),
        expected_upgrade(env["HELM_BIN"]),
    ]


@pytest.mark.parametrize("major", HELM_MAJORS)
def test_add_repo_runs_helm_repo_add_then_the_upgrade(tmp_path, major):
    """The real `helm repo add` against a chart repository served on 127.0.0.1 (--repo-url stands
    for the internet's hub.jupyter.org, which this machine cannot reach)."""
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, major, repositories={})
    env["KUBECONFIG"] = str(unreachable_kubeconfig(tmp_path))
    with ChartRepository() as repository:
        result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--add-repo",
                         "--repo-url", repository.url, env=env, cwd=work)
        assert "/index.yaml" in repository.requests
    assert f"$ {shlex.join([env['HELM_BIN'], 'repo', 'add', 'jupyterhub', repository.url])}" in result.stderr
    assert "cluster unreachable" in result.stderr.lower()  # the upgrade ran after the repository was added
    assert result.returncode == 1
    repos = subprocess.run([env["HELM_BIN"], "repo", "list", "-o", "json"], env=env, capture_output=True,
                           text=True, timeout=60)
    assert json.loads(repos.stdout) == [{"name": "jupyterhub", "url": repository.url}]


def test_helm_2_is_refused(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 3)
    helm2 = tmp_path / "helm2"
    # What Helm 2's `helm version --short` prints without a Tiller to ask (Helm 2 cannot run here).
    helm2.write_text("#!/bin/sh\necho 'Client: v2.17.0+ga690bad'\n"
                     "echo 'Error: could not find tiller' >&2\nexit 1\n")
    helm2.chmod(0o755)
    env["HELM_BIN"] = str(helm2)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert result.returncode == 2
    assert "Helm 2 is not supported" in result.stderr
    assert "Helm 3 or 4" in result.stderr
    assert result.stdout == ""


def test_version_is_required_unless_devel(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 4)
    result = invoke("install", "binder", "-n", "binder", "--dry-run", env=env, cwd=work)
    assert result.returncode == 2
    assert "--version is required" in result.stderr and "--devel" in result.stderr
    devel = invoke("install", "binder", "-n", "binder", "--devel", "--dry-run", env=env, cwd=work)
    assert devel.returncode == 0, devel.stderr
    assert shlex.split(devel.stdout)[3:8] == ["binder", "jupyterhub/binderhub", "--devel", "--namespace", "binder"]
    bad = invoke("install", "binder", "-n", "binder", "--version", "latest", "--dry-run", env=env, cwd=work)
    assert bad.returncode == 2 and "--version" in bad.stderr


def test_namespace_default_needs_to_be_asked_for(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 3)
    none = invoke("install", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert none.returncode == 2 and "no namespace given" in none.stderr
    env["HELM_NAMESPACE"] = "default"  # what Helm passes when no -n was given
    default = invoke("install", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert default.returncode == 2 and "--allow-default-namespace" in default.stderr
    allowed = invoke("install", "binder", "--version", CHART_VERSION, "--dry-run", "--allow-default-namespace",
                      env=env, cwd=work)
    assert allowed.returncode == 0 and "--namespace default" in allowed.stdout
    env["HELM_NAMESPACE"] = "from-helm"
    from_helm = invoke("install", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert from_helm.returncode == 0 and "--namespace from-helm" in from_helm.stdout


def test_helm_settings_from_the_environment_reach_the_command(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 4)
    env.update(HELM_NAMESPACE="binder", HELM_KUBECONTEXT="prod-cluster", HELM_DEBUG="true")
    result = invoke("upgrade", "binder", "--version", CHART_VERSION, "--dry-run", "--", "--timeout", "10m",
                     env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    argv = shlex.split(result.stdout)
    assert argv[argv.index("--kube-context") + 1] == "prod-cluster"
    # HELM_DEBUG is honoured by saying why helm's --debug is not passed on (it prints the secrets)
    assert argv[-2:] == ["--timeout", "10m"] and "--debug" not in argv
    assert "helm's --debug is not passed on" in result.stderr
    env["HELM_DEBUG"] = "false"
    quiet = invoke("upgrade", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert "--debug" not in quiet.stdout + quiet.stderr
    env["HELM_DEBUG"] = "1"
    one = invoke("upgrade", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert "--debug" not in shlex.split(one.stdout) and "helm's --debug is not passed on" in one.stderr


def test_values_files_are_given_like_helms(tmp_path):
    work = tmp_path / "work"
    copy_values("gcr", work / "deploy")
    env = helm_env(tmp_path, 3)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run",
                     "-f", "deploy/secret.yaml", "--values", "deploy/config.yaml", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert "-f deploy/secret.yaml -f deploy/config.yaml" in result.stdout
    missing = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, env=env, cwd=work)
    assert missing.returncode == 2
    assert "secret.yaml and config.yaml not found" in missing.stderr


@pytest.mark.parametrize("args, message", [
    (["--", "--set", "registry.password=hunter2-canary"], "would put a secret on the command line"),
    (["--", "--set-string=config.GitHubRepoProvider.access_token=ghp_x"], "would put a secret on the command line"),
    (["--", "--set-json", 'registry={"password":"hunter2-canary"}'], "`--set-json` with a `password` field"),
    (["--", '--set-json={"registry": {"username": "u", "password": "hunter2-canary"}}'], "with a `password` field"),
    (["--", "--set-json", 'jupyterhub.hub.services.binder={"apiToken": "hunter2-canary"}'], "`apiToken` field"),
    (["--", "--set-file", "registry.password=hunter2-canary.txt"], "`--set-file registry.password=...`"),
    (["--", "--set-literal", "jupyterhub.proxy.secretToken=hunter2-canary"], "`--set-literal jupyterhub.proxy"),
    (["--", "--set", "config.Anything.value=ghp_hunter2-canary0000000"], "would put a secret on the command line"),
    (["--", "-f", "extra.yaml"], "give -f/--values before `--`"),
    (["--", "--namespace=other"], "give --namespace before `--`"),
])
def test_pass_through_arguments_that_would_bypass_the_checks_are_refused(tmp_path, args, message):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 4)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run", *args,
                     env=env, cwd=work)
    assert result.returncode == 2
    assert message in result.stderr
    assert "hunter2-canary" not in result.stderr + result.stdout


def test_plain_set_arguments_pass_through(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 3)
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run",
                     "--", "--set", "replicas=2", "--atomic", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected_upgrade(env["HELM_BIN"], extra=["--set", "replicas=2", "--atomic"]) + "\n"


def test_invalid_release_name_is_refused(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 3)
    result = invoke("install", "Binder_Prod", "-n", "binder", "--version", CHART_VERSION, env=env, cwd=work)
    assert result.returncode == 2
    assert "not a valid release name" in result.stderr


def test_helm_bin_wins_over_a_helm_on_path(tmp_path):
    work = copy_values("gcr", tmp_path / "work")
    env = helm_env(tmp_path, 4)
    decoy_dir = tmp_path / "decoy"
    decoy_dir.mkdir()
    marker = tmp_path / "decoy-ran"
    (decoy_dir / "helm").write_text(f"#!/bin/sh\ntouch '{marker}'\nexit 3\n")
    (decoy_dir / "helm").chmod(0o755)
    env["PATH"] = f"{decoy_dir}:{env['PATH']}"
    result = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(env["HELM_BIN"] + " ")
    assert not marker.exists()
    # Outside Helm (no HELM_BIN), `helm` from PATH is the one to use.
    del env["HELM_BIN"]
    outside = invoke("install", "binder", "-n", "binder", "--version", CHART_VERSION, "--dry-run", env=env, cwd=work)
    assert marker.exists()
    assert outside.returncode == 2 and "helm version --short" in outside.stderr

