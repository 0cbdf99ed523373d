"""No secret leaves through helm: `install`/`upgrade` run the real helm 3 and 4 on a chart this
test writes, whose template renders the registry credentials the way the BinderHub chart does
(a Secret whose `config.json` is base64 of JSON holding base64 of `user:password`, and the
`config` values as plain text), served from a chart repository on 127.0.0.1, against a fake
Kubernetes API on 127.0.0.1 that answers helm's release-history query.

helm prints the rendered manifest and the values for `--dry-run`, `--debug` (HELM_DEBUG, or
`helm --debug binder ...`) and `-o json|yaml`: those are refused or not passed on, and the output
is searched for the canary in every encoding, base64 within JSON within base64 included.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import subprocess
from pathlib import Path

import pytest

from support.helm_setup import CHART_VERSION, helm_env, recorded_calls, recording_helm
from support.kubernetes_api import FakeKubernetesAPI, write_kubeconfig
from support.registry_server import HttpServer
from support.tools import NETWORK_SERVERS, helm_binary, run_cli

pytestmark = [pytest.mark.helm, NETWORK_SERVERS]

CANARY = "Hq4wCanary7Zp"
PASSWORD = f"{CANARY}registry"
TOKEN = f"{CANARY}hubtoken"
GITHUB = f"ghp_{CANARY}000000000000000000000000"

CHART = {
    "Chart.yaml": f"apiVersion: v2\nname: binderhub\nversion: {CHART_VERSION}\n",
    "values.yaml": "registry:\n  url: https://index.docker.io/v1\n  username: ''\n  password: ''\nconfig: {}\n"
                   "jupyterhub: {}\n",
    # Our own minimal template with the shape of the BinderHub chart's secret.yaml and _helpers.tpl.
    "templates/_helpers.tpl": (
        '{{- define "test.dockerConfig" -}}\n'
        '{{- $auth := printf "%s:%s" .Values.registry.username .Values.registry.password | b64enc -}}\n'
        '{{- dict "auths" (dict .Values.registry.url (dict "auth" $auth)) | toPrettyJson -}}\n'
        '{{- end -}}\n'),
    "templates/secret.yaml": (
        "kind: Secret\napiVersion: v1\nmetadata:\n  name: binder-secret\ntype: Opaque\nstringData:\n"
        "  values.yaml: |\n    {{- pick .Values \"config\" | toYaml | nindent 4 }}\n"
        "---\n"
        "kind: Secret\napiVersion: v1\nmetadata:\n  name: binder-build-docker-config\ntype: Opaque\ndata:\n"
        "  config.json: {{ include \"test.dockerConfig\" . | b64enc | quote }}\n"),
}
SECRET_YAML = f"""\
registry:
  url: https://registry.example.org
  username: binder-push
  password: "{PASSWORD}"
jupyterhub:
  hub:
    services:
      binder:
        apiToken: "{TOKEN}"
config:
  GitHubRepoProvider:
    access_token: "{GITHUB}"
"""
CONFIG_YAML = """\
config:
  BinderHub:
    use_registry: true
    image_prefix: registry.example.org/binder/prod-
    hub_url: http://192.0.2.1
"""
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{12,}={0,2}")


def decoded_forms(text: str, depth: int = 3) -> list[str]:
    """``text`` and whatever its base64 runs decode to, recursively: config.json is base64 of
    JSON that holds base64 of user:password."""
    forms = [text]
    if depth == 0:
        return forms
    for run in _BASE64.findall(text):
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                inner = decode(run + "=" * (-len(run) % 4)).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                continue
            forms.extend(decoded_forms(inner, depth - 1))
    return forms


def leaked(*texts: str) -> bool:
    return any(CANARY in form or CANARY.lower() in form for text in texts for form in decoded_forms(text))


def test_the_leak_detector_sees_the_nested_docker_config():
    auth = base64.b64encode(f"binder-push:{PASSWORD}".encode()).decode()
    config = base64.b64encode(json.dumps({"auths": {"r": {"auth": auth}}}, indent=2).encode()).decode()
    assert leaked(f'  config.json: "{config}"') and not leaked("config.json: \"e30=\"")


def chart_files(folder: Path):
    """A chart repository's answers: the packaged chart and the index helm made for it."""

    def answer(request):
        path = folder / request.path.lstrip("/").split("?")[0]
        if path.parent != folder or not path.is_file():
            return 404, {}, b""
        return 200, {"Content-Type": "application/octet-stream"}, path.read_bytes()

    return answer


@pytest.fixture(params=[3, 4], ids=["helm3", "helm4"])
def cluster(request, tmp_path):
    """(env, work folder, repository url, fake API): helm has the chart repository `jupyterhub`
    pointing at 127.0.0.1, and its kubeconfig points at the fake API."""
    major = request.param
    helm = str(helm_binary(major))
    chart = tmp_path / "chart"
    for name, text in CHART.items():
        (chart / name).parent.mkdir(parents=True, exist_ok=True)
        (chart / name).write_text(text)
    repo = tmp_path / "repo"
    repo.mkdir()
    env = helm_env(tmp_path, major, repositories={})
    subprocess.run([helm, "package", str(chart), "-d", str(repo)], env=env, check=True, capture_output=True)
    work = tmp_path / "work"
    work.mkdir()
    (work / "secret.yaml").write_text(SECRET_YAML)
    (work / "config.yaml").write_text(CONFIG_YAML)
    with HttpServer(chart_files(repo)) as server, FakeKubernetesAPI(release_storage=True) as api:
        url = server.url("/")
        subprocess.run([helm, "repo", "index", str(repo), "--url", url], env=env, check=True, capture_output=True)
        subprocess.run([helm, "repo", "add", "jupyterhub", url], env=env, check=True, capture_output=True)
        env["KUBECONFIG"] = str(write_kubeconfig(tmp_path / "kubeconfig", {"fake": api.url}, current="fake"))
        yield env, work, url, api


def install(env, work, repo_url, *extra, command="install"):
    return run_cli(command, "binder", "-n", "binder", "--version", CHART_VERSION, "--repo-url", repo_url,
                   "-f", "secret.yaml", "-f", "config.yaml", *extra, env=env, cwd=work)


def test_helm_renders_the_secrets_when_asked_directly(cluster):
    """The world is real: helm itself, asked for a dry run, prints the canary (nested in base64)."""
    env, work, _url, _api = cluster
    helm = env["HELM_BIN"]
    shown = subprocess.run([helm, "upgrade", "--install", "binder", "jupyterhub/binderhub", "--version",
                            CHART_VERSION, "-n", "binder", "-f", "secret.yaml", "-f", "config.yaml", "--dry-run", "--disable-openapi-validation"],
                           env=env, cwd=work, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "binder-build-docker-config" in shown.stdout and CANARY not in shown.stdout.split("config.json")[1][:400]
    assert leaked(shown.stdout)


@pytest.mark.parametrize("extra", [["--dry-run"], ["--dry-run=client"], ["--dry-run", "server"], ["--debug"],
                                   ["-o", "json"], ["--output=yaml"], ["-oyaml"]])
@pytest.mark.parametrize("command", ["install", "upgrade"])
def test_pass_through_options_that_print_the_manifest_are_refused(cluster, command, extra):
    env, work, url, api = cluster
    env["HELM_DEBUG"] = "true"  # as `helm --debug binder install` sets it
    result = install(env, work, url, "--no-lint", "--", *extra, command=command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "prints the rendered" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not leaked(result.stdout, result.stderr)
    assert not any(path.endswith("/secrets") for _method, path in api.requests), "helm ran"


def test_helm_debug_is_not_passed_on_and_the_install_runs(cluster, tmp_path):
    """HELM_DEBUG=true (`helm --debug binder install`): the install runs, without helm's --debug and
    without HELM_DEBUG in helm's environment, and says so."""
    env, work, url, api = cluster
    wrapper, log = recording_helm(tmp_path, Path(env["HELM_BIN"]))
    debug_log = tmp_path / "helm-debug-seen"
    wrapper.write_text(wrapper.read_text().replace(
        "exec ", f"printf '%s:%s\\n' \"$1\" \"${{HELM_DEBUG:-unset}}\" >> '{debug_log}'\nexec ", 1))
    env["HELM_BIN"] = str(wrapper)
    env["HELM_DEBUG"] = "true"
    result = install(env, work, url, "--no-lint")
    upgrade = [call for call in recorded_calls(log) if call[:1] == ["upgrade"]]
    assert upgrade and "--debug" not in upgrade[0], recorded_calls(log)
    assert "upgrade:unset" in debug_log.read_text().split() and "upgrade:true" not in debug_log.read_text()
    assert "helm's --debug is not passed on" in result.stderr
    # helm really went to the cluster: it read the release history, rendered the chart, and failed
    # validating the rendered objects (this API serves no OpenAPI schemas)
    assert ("GET", "/api/v1/namespaces/binder/secrets") in api.requests
    assert result.returncode == 1 and "helm upgrade failed" in result.stderr and "openapi" in result.stderr
    assert not leaked(result.stdout, result.stderr)


@pytest.mark.parametrize("extra", [
    ["--set-json", f'registry={{"password": "{PASSWORD}"}}'],
    [f'--set-json={{"config": {{"GitHubRepoProvider": {{"access_token": "{GITHUB}"}}}}}}'],
    ["--set-file", "registry.password=password.txt"],
    ["--set-string", f"jupyterhub.hub.services.binder.apiToken={TOKEN}"],
    ["--set", f"config.GitHubRepoProvider.access_token={GITHUB}"],
])
def test_set_options_carrying_a_secret_are_refused_before_helm_runs(cluster, tmp_path, extra):
    env, work, url, api = cluster
    (work / "password.txt").write_text(PASSWORD)
    wrapper, log = recording_helm(tmp_path, Path(env["HELM_BIN"]))
    env["HELM_BIN"] = str(wrapper)
    result = install(env, work, url, "--", *extra)
    assert result.returncode == 2 and "would put a secret on the command line" in result.stderr, result.stderr
    assert not leaked(result.stdout, result.stderr)
    assert recorded_calls(log) == [] and api.requests == [], "helm ran with the secret in its argv"
