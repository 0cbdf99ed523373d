"""No secret ever leaves through any command: canary values in every secret field, run through
every command and output format that `binderhub-doctor --help` lists, with the network steps
failing in every way we can stage on loopback (nothing listening; a server that echoes the
request's credentials back in bodies, headers, token answers and redirect URLs; a 500 that
repeats them) and with the YAML broken around the secret.

The canary must not appear — raw, JSON-escaped, URL-encoded or base64-encoded at any alignment —
in stdout, stderr, or any file the run writes anywhere under the test's folder (HOME, TMPDIR,
the helm homes and the working folder all live there). The secret file itself is the only file
allowed to hold it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from support.helm_setup import CHART_VERSION, helm_env
from support.kubernetes_api import FakeKubernetesAPI, write_kubeconfig
from support.registry_server import HttpServer, closed_port
from support.report_schemas import doctor_report, status_report
from support.tools import NETWORK_SERVERS, cli_path, kubectl_binary

pytestmark = [pytest.mark.helm, pytest.mark.registry, NETWORK_SERVERS]

CANARY = "CnRy7Qv2Zk"
USERNAME = "binder-push"  # not a secret: it may be shown
TIMEOUT = "2"

# dotted path -> value; every one contains the canary
SECRETS = {
    "jupyterhub.hub.services.binder.apiToken": f"{CANARY}0api0token",
    "jupyterhub.hub.cookieSecret": f"{CANARY}1cookie",
    "jupyterhub.hub.config.GitHubOAuthenticator.client_secret": f"{CANARY}2oauth",
    "jupyterhub.hub.db.password": f"{CANARY}3dbpass",
    "jupyterhub.proxy.secretToken": f"{CANARY}4proxy",
    "registry.password": f"{CANARY}5registry",
    "config.BinderHub.build_token_secret": f"{CANARY}6build",
    "config.GitHubRepoProvider.access_token": f"ghp_{CANARY}7github0000000000000000000",
    "config.GitHubRepoProvider.client_secret": f"{CANARY}8ghclient",
    "config.GitLabRepoProvider.private_token": f"glpat-{CANARY}9gl",
    "config.ExternalRegistryHelper.auth_token": f"{CANARY}Ahelper",
    "config.GistRepoProvider.access_token": f"{CANARY}Bgist",
}
KEY_FILE = json.dumps({
    "type": "service_account", "project_id": "demo", "private_key_id": f"{CANARY}Ckeyid",
    "private_key": f"-----BEGIN PRIVATE KEY-----\n{CANARY}Dprivatekeybody\n-----END PRIVATE KEY-----\n",
    "client_email": "push@demo.iam.gserviceaccount.com",
}, indent=2)


# --------------------------------------------------------------------------- leak detection

def _base64_fragments(secret: str) -> set[str]:
    """Base64 text that any encoding of a string containing ``secret`` must contain, whatever
    the bytes before it (three alignments), in standard and URL-safe alphabets."""
    raw = secret.encode()
    found = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw).decode()
        start = 4 if shift else 0
        end = 4 * ((shift + len(raw)) // 3)
        fragment = encoded[start:end]
        if len(fragment) >= 8:
            found.add(fragment)
            found.add(fragment.replace("+", "-").replace("/", "_"))
    return found


LEAK_FORMS = {CANARY, CANARY.lower(), quote(CANARY)} | _base64_fragments(CANARY)


def leaks(text: str) -> list[str]:
    return sorted(form for form in LEAK_FORMS if form in text)


def snapshot(root: Path) -> dict[Path, bytes]:
    files = {}
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            try:
                files[path] = path.read_bytes()
            except OSError:
                pass
    return files


def assert_no_leak(run, root: Path, before: dict[Path, bytes], allowed: set[Path] = frozenset()):
    found = leaks(run.stdout) + leaks(run.stderr)
    assert not found, f"canary {found} printed:\n--- stdout\n{run.stdout[-3000:]}\n--- stderr\n{run.stderr[-3000:]}"
    for path, data in snapshot(root).items():
        if path in allowed or before.get(path) == data:
            continue
        text = data.decode("utf-8", "replace")
        assert not leaks(text), f"canary {leaks(text)} written to {path}"


# --------------------------------------------------------------------------- values files

def nested(paths: dict[str, str]) -> dict:
    tree: dict = {}
    for dotted, value in paths.items():
        *parents, last = dotted.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return tree


def to_yaml(node, indent: int = 0) -> str:
    pad = "  " * indent
    out = ""
    for key, value in node.items():
        if isinstance(value, dict):
            out += f"{pad}{key}:\n" + to_yaml(value, indent + 1)
        elif "\n" in value:
            out += f"{pad}{key}: |\n" + "".join(f"{pad}  {line}\n" for line in value.splitlines())
        else:
            out += f"{pad}{key}: {json.dumps(value)}\n"
    return out


def secret_text(endpoint: str, key_file: bool = False) -> str:
    values = dict(SECRETS)
    values["registry.url"] = endpoint
    values["registry.username"] = "_json_key" if key_file else USERNAME
    if key_file:
        values["registry.password"] = KEY_FILE
    return to_yaml(nested(values))


def config_text(endpoint: str) -> str:
    host = urlsplit(endpoint).netloc
    return to_yaml(nested({
        "config.BinderHub.use_registry": "true", "config.BinderHub.image_prefix": f"{host}/binder/prod-",
        "config.BinderHub.hub_url": "http://192.0.2.1",
        "config.GitHubRepoProvider.api_base_path": f"{endpoint}/api/v3/",
        "config.GitHubRepoProvider.client_id": "Iv1.0123456789abcdef",
        "config.GitLabRepoProvider.hostname": host,
    })).replace('"true"', "true")


# Broken YAML around the secrets: what an operator's paste goes wrong with.
BREAKAGES = {
    "tab-before-token": lambda text: text.replace("  proxy:\n", "\tproxy:\n"),
    "block-ends-early": lambda text: text.replace('  "private_key_id"', '"private_key_id"', 1),
    "unclosed-quote": lambda text: text.replace(f'"ghp_{CANARY}7github0000000000000000000"\n',
                                                f'"ghp_{CANARY}7github0000000000000000000\n'),
    "duplicate-registry": lambda text: text + f"registry:\n  password: {CANARY}Eagain\n",
}


# --------------------------------------------------------------------------- staged network failures

# The 500s ask to be retried at once: the probe still retries each (the canary meets every
# attempt), without its backoff's seconds of sleeping.
RETRY_AT_ONCE = {"Retry-After": "0"}


def _echo(request) -> str:
    headers = "; ".join(f"{k}: {v}" for k, v in request.headers.items())
    body = request.request_body.decode("utf-8", "replace")
    return f"you sent {request.command} {request.path} with {headers} and {body}".replace("\r", " ").replace("\n", " ")


def hostile(request):
    """Answers every API in the worst way for secrets: each answer repeats the credentials."""
    echo = _echo(request)
    base = f"http://{request.headers.get('Host')}"
    path = urlsplit(request.path).path
    error_json = json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": echo, "detail": echo}],
                             "message": echo, "error_description": echo})
    if path.startswith("/v2/"):
        challenge = f'Bearer realm="{base}/token",service="echo",scope="{quote(echo)[:200]}"'
        return 401, {"WWW-Authenticate": challenge, "Content-Type": "application/json", "X-Echo": echo[:2000]}, \
            error_json.encode()
    if path == "/token":
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"token": base64.b64encode(echo.encode()).decode(), "access_token": echo, "expires_in": 60}).encode()
    if path.startswith("/api/v3/repos/"):
        return 302, {"Location": f"{base}/moved?echo={quote(echo)}"}, b""
    if path.startswith("/api/v3/"):
        return 500, {"Content-Type": "application/json", "X-Echo": echo[:2000], **RETRY_AT_ONCE}, json.dumps(
            {"message": echo, "documentation_url": "https://docs.github.com/rest"}).encode()
    if path.startswith("/api/v4/"):
        return 401, {"Content-Type": "application/json"}, json.dumps({"message": f"401 Unauthorized {echo}"}).encode()
    return 404, {"Content-Type": "text/plain"}, echo.encode()


def server_error(request):
    echo = _echo(request)
    return 500, {"Content-Type": "application/json", "X-Echo": echo[:2000], **RETRY_AT_ONCE}, json.dumps(
        {"message": echo, "errors": [{"code": "UNKNOWN", "message": echo}]}).encode()


@pytest.fixture
def endpoint(request):
    if request.param == "nothing-listening":
        yield f"http://127.0.0.1:{closed_port()}"
        return
    with HttpServer(hostile if request.param == "echoes-credentials" else server_error) as server:
        yield server.url("")


@pytest.fixture
def world(tmp_path):
    """HOME, TMPDIR and the helm homes inside tmp_path, so every file a run writes is scanned."""
    env = helm_env(tmp_path, 4)
    for name in ("tmp", "xdg-cache", "xdg-config", "xdg-data"):
        (tmp_path / name).mkdir()
    env.update(TMPDIR=str(tmp_path / "tmp"), XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
               XDG_CONFIG_HOME=str(tmp_path / "xdg-config"), XDG_DATA_HOME=str(tmp_path / "xdg-data"),
               NO_COLOR="1")
    env.pop("GITHUB_ACTIONS", None)
    work = tmp_path / "work"
    work.mkdir()
    return env, work


def run(env, cwd, *args, timeout=120):
    return subprocess.run([str(cli_path()), *map(str, args)], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, check=False)


def write_values(work: Path, endpoint: str, key_file: bool = False, breakage: str | None = None):
    secret = secret_text(endpoint, key_file)
    if breakage:
        broken = BREAKAGES[breakage](secret)
        assert broken != secret, f"breakage {breakage} changed nothing"
        secret = broken
    (work / "secret.yaml").write_text(secret)
    (work / "config.yaml").write_text(config_text(endpoint))
    return work / "secret.yaml", work / "config.yaml"


PROBES = {
    "check-registry": ["--timeout", TIMEOUT],
    "check-github": ["--timeout", TIMEOUT, "--insecure-http", "--repo", "octo-org/private-notebooks"],
    "check-gitlab": ["--timeout", TIMEOUT, "--insecure-http", "--repo", "research/private-analysis"],
    "doctor": ["--timeout", TIMEOUT, "--insecure-http", "--github-repo", "octo-org/private-notebooks",
               "--gitlab-repo", "research/private-analysis"],
}

# Commands that read no values file and take no secret: nothing to canary.
NO_VALUES_COMMANDS = {"rules", "explain"}
COVERED = {"lint", *PROBES, "install", "upgrade", "init", "connect", "values", "status"}


def test_every_command_in_help_is_covered_here():
    listed = run(os.environ.copy(), None, "--help").stdout
    commands = set(re.findall(r"^  ([a-z][a-z-]+)\s", listed.split("Commands:")[1], re.MULTILINE))
    assert commands, listed
    assert commands - NO_VALUES_COMMANDS <= COVERED, f"new command(s) without a canary test: {commands - COVERED}"
    assert COVERED <= commands, f"gone: {COVERED - commands}"


# --------------------------------------------------------------------------- lint

@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_lint_every_format_to_stdout_and_to_a_file(tmp_path, world, fmt):
    env, work = world
    files = write_values(work, "https://registry.example.org", key_file=(fmt == "sarif"))
    before = snapshot(tmp_path)
    result = run(env, work, "lint", "--format", fmt, *files)
    assert result.returncode in (0, 1) and result.stdout, result.stderr
    assert_no_leak(result, tmp_path, before)
    result = run(env, work, "lint", "--format", fmt, "--output", work / "report.out", *files)
    assert (work / "report.out").stat().st_size > 0
    assert_no_leak(result, tmp_path, before)


@pytest.mark.parametrize("misaligned", [False, True])
@pytest.mark.parametrize("mode", ["--diff", "--fix"])
def test_lint_fix_and_diff_show_no_secret(tmp_path, world, mode, misaligned):
    """registry.url without its scheme (a fix inside the secret file) and, misaligned, a line of
    the key file out of line so that YAML stops (the fix rewrites the whole key): the diff and
    the fix report show neither the key nor any other secret; only the secret file holds them."""
    env, work = world
    files = write_values(work, "registry.example.org", key_file=True)
    if misaligned:
        text = files[0].read_text()
        assert text.count('      "private_key_id"') == 1
        files[0].write_text(text.replace('      "private_key_id"', '  "private_key_id"'))
    before = snapshot(tmp_path)
    result = run(env, work, "lint", mode, *files)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    if mode == "--fix":
        assert "fixed BHD211" in result.stdout and ("fixed BHD001" in result.stdout) == misaligned
    else:
        assert '+  url: "https://registry.example.org"' in result.stdout
        assert ("-  <redacted>" in result.stdout) == misaligned  # the line that moves, its content hidden
    assert_no_leak(result, tmp_path, before, allowed={files[0]})


# --------------------------------------------------------------------------- values

@pytest.mark.parametrize("extra", [[], ["--show-origin"], ["--output", "merged.out"]])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_values_every_format_redacts_every_secret(tmp_path, world, fmt, extra):
    env, work = world
    files = write_values(work, "https://registry.example.org", key_file=True)
    before = snapshot(tmp_path)
    result = run(env, work, "values", "--format", fmt, *extra, *files)
    assert result.returncode == 0, result.stderr
    shown = (work / "merged.out").read_text() if extra[:1] == ["--output"] else result.stdout
    assert "registry.example.org" in shown and "chars)" in shown  # the values are there, the secrets redacted
    assert_no_leak(result, tmp_path, before)


@pytest.mark.parametrize("breakage", ["tab-before-token", "block-ends-early", "unclosed-quote"])
def test_values_of_a_malformed_secret_file_is_one_line_without_the_secret(tmp_path, world, breakage):
    """Helm refuses some of these files (one error line, exit 2) and reads others (block-ends-early
    is still YAML, just not the intended one): either way no secret shows."""
    env, work = world
    files = write_values(work, "https://registry.example.org", key_file=True, breakage=breakage)
    before = snapshot(tmp_path)
    result = run(env, work, "values", *files)
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr, result.stderr
    if result.returncode == 2:
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1, result.stderr
    assert_no_leak(result, tmp_path, before)


# --------------------------------------------------------------------------- the probes, failing

NETWORK_CASES = [(world, fmt) for world in ("nothing-listening", "echoes-credentials", "server-error-echo")
                 for fmt in ("text", "json")]


@pytest.mark.parametrize("endpoint, fmt", NETWORK_CASES, indirect=["endpoint"])
@pytest.mark.parametrize("command", sorted(PROBES))
def test_probe_commands_with_failing_network(tmp_path, world, endpoint, command, fmt):
    env, work = world
    files = write_values(work, endpoint)
    before = snapshot(tmp_path)
    result = run(env, work, command, *files, "--format", fmt, *PROBES[command], timeout=60)
    assert result.returncode in (1, 2), f"{command} passed against a failing endpoint:\n{result.stdout}{result.stderr}"
    if command == "doctor" and fmt == "json" and result.returncode == 1:
        doctor_report(result.stdout)  # masking a secret leaves the document whole
    assert "Traceback" not in result.stderr
    assert_no_leak(result, tmp_path, before)


def test_registry_probe_with_a_json_key_against_the_echoing_server(tmp_path, world):
    env, work = world
    with HttpServer(hostile) as server:
        files = write_values(work, server.url(""), key_file=True)
        before = snapshot(tmp_path)
        result = run(env, work, "check-registry", *files, "--timeout", TIMEOUT)
        assert server.seen, "the probe never reached the server, so this proved nothing"
        assert any("Authorization" in s.headers or "authorization" in s.headers for s in server.seen), \
            "no credential was ever sent, so the echo proved nothing"
    assert result.returncode == 1
    assert_no_leak(result, tmp_path, before)


def test_the_echoing_server_really_receives_the_secrets(tmp_path, world):
    """The echo tests only prove something if the credentials reach the server to be echoed."""
    env, work = world
    with HttpServer(hostile) as server:
        files = write_values(work, server.url(""))
        run(env, work, "doctor", *files, *PROBES["doctor"], timeout=60)
    sent = " ".join(f"{s.path} {s.headers}" for s in server.seen)
    assert SECRETS["config.GitHubRepoProvider.access_token"] in sent
    assert SECRETS["config.GitLabRepoProvider.private_token"] in sent
    registry_basic = base64.b64encode(f"{USERNAME}:{SECRETS['registry.password']}".encode()).decode()
    assert registry_basic in sent


@pytest.mark.parametrize("breakage", ["tab-before-token", "block-ends-early", "unclosed-quote"])
@pytest.mark.parametrize("command", ["lint", *sorted(PROBES)])
def test_malformed_yaml_around_the_secret(tmp_path, world, command, breakage):
    env, work = world
    with HttpServer(hostile) as server:
        files = write_values(work, server.url(""), key_file=True, breakage=breakage)
        before = snapshot(tmp_path)
        args = PROBES.get(command, [])
        result = run(env, work, command, *files, *args, timeout=60)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
    assert_no_leak(result, tmp_path, before)


def test_offline_doctor(tmp_path, world):
    env, work = world
    files = write_values(work, "https://registry.example.org", key_file=True)
    before = snapshot(tmp_path)
    for fmt in ("text", "json"):
        result = run(env, work, "doctor", *files, "--offline", "--format", fmt)
        assert result.returncode in (0, 1), result.stderr
        if fmt == "json":
            doctor_report(result.stdout)
        assert_no_leak(result, tmp_path, before)


# --------------------------------------------------------------------------- install / upgrade

@pytest.mark.parametrize("command", ["install", "upgrade"])
def test_install_and_upgrade_dry_run(tmp_path, world, command):
    env, work = world
    files = write_values(work, "https://registry.example.org", key_file=True)
    before = snapshot(tmp_path)
    for extra in ([], ["--no-lint"]):
        result = run(env, work, command, "binder", "--dry-run", "--version", CHART_VERSION, "-n", "binder",
                     "-f", files[0], "-f", files[1], *extra)
        assert result.returncode in (0, 1), result.stderr
        assert_no_leak(result, tmp_path, before)
    assert "helm upgrade --install binder" in result.stdout + result.stderr, "the dry run printed no command"


@pytest.mark.parametrize("breakage", ["tab-before-token", "unclosed-quote"])
def test_install_with_malformed_secret_file(tmp_path, world, breakage):
    env, work = world
    files = write_values(work, "https://registry.example.org", key_file=True, breakage=breakage)
    before = snapshot(tmp_path)
    result = run(env, work, "install", "binder", "--dry-run", "--version", CHART_VERSION, "-n", "binder",
                 "-f", files[0], "-f", files[1])
    assert result.returncode in (1, 2)
    assert_no_leak(result, tmp_path, before)


# --------------------------------------------------------------------------- init

def test_init_never_prints_the_tokens_it_makes(tmp_path, world):
    env, work = world
    before = snapshot(tmp_path)
    result = run(env, work, "init", "--registry", "dockerhub", "--dir", work / "new")
    assert result.returncode == 0, result.stderr
    secret = (work / "new" / "secret.yaml").read_text()
    tokens = re.findall(r'"([0-9a-f]{64})"', secret)
    assert len(tokens) == 2
    shown = result.stdout + result.stderr
    for token in tokens:
        assert token not in shown and token[:16] not in shown
        assert token not in (work / "new" / "config.yaml").read_text()
    assert_no_leak(result, tmp_path, before, allowed={work / "new" / "secret.yaml"})


def test_init_force_over_a_canary_secret_file_prints_nothing_of_it(tmp_path, world):
    env, work = world
    write_values(work, "https://registry.example.org", key_file=True)
    before = snapshot(tmp_path)
    result = run(env, work, "init", "--registry", "gcr", "--force")
    assert result.returncode == 0, result.stderr
    assert CANARY not in (work / "secret.yaml").read_text(), "the old secret file should be replaced"
    assert_no_leak(result, tmp_path, before)
    refused = run(env, work, "init", "--registry", "gcr")  # files exist: refused, nothing printed of them
    assert refused.returncode == 2
    assert_no_leak(refused, tmp_path, before)


# --------------------------------------------------------------------------- connect

def _connect_env(env, tmp_path, api):
    env = dict(env)
    env["KUBECONFIG"] = str(write_kubeconfig(tmp_path / "kubeconfig", {"lab": api.url}, current="lab"))
    env["KUBECTL"] = str(kubectl_binary())
    return env


@pytest.mark.parametrize("upgrade", [False, True], ids=["no-upgrade", "upgrade-fails"])
def test_connect_writes_no_secret_and_prints_none(tmp_path, world, upgrade):
    env, work = world
    files = write_values(work, "https://registry.example.org", key_file=True)
    secret_before = files[0].read_bytes()
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        env = _connect_env(env, tmp_path, api)
        before = snapshot(tmp_path)
        args = ["--no-upgrade"] if not upgrade else ["--version", CHART_VERSION, "--no-lint"]
        result = run(env, work, "connect", "binder", "-n", "binder", "-f", files[0], "-f", files[1], *args)
    assert "hub_url" in result.stderr, result.stderr
    assert "http://34.120.10.20" in files[1].read_text()
    assert files[0].read_bytes() == secret_before
    assert_no_leak(result, tmp_path, before)


@pytest.mark.parametrize("breakage", ["tab-before-token", "duplicate-registry"])
def test_connect_with_malformed_secret_file(tmp_path, world, breakage):
    env, work = world
    files = write_values(work, "https://registry.example.org", key_file=True, breakage=breakage)
    with FakeKubernetesAPI(states=[{"ip": "34.120.10.20"}]) as api:
        env = _connect_env(env, tmp_path, api)
        before = snapshot(tmp_path)
        result = run(env, work, "connect", "binder", "-n", "binder", "-f", files[0], "-f", files[1], "--no-upgrade")
    assert "Traceback" not in result.stderr
    assert_no_leak(result, tmp_path, before)


# --------------------------------------------------------------------------- status

@pytest.mark.parametrize("fmt", ["text", "json"])
def test_status_prints_no_secret_from_the_release_values_pod_logs_or_health(tmp_path, world, fmt):
    """The release's values hold every canary (helm status hands them over); the crashed hub's
    log and BinderHub's /health echo each one back."""
    from support.fake_binderhub import FakeBinderHub
    from support.fake_cluster import FakeCluster, pod, release_secret, service

    env, work = world
    secrets = dict(SECRETS, **{"registry.password": KEY_FILE})
    echoed = list(secrets.values())
    health = (503, {"ok": False, "checks": [{"service": value, "ok": False} for value in echoed]})
    with FakeBinderHub({"/health": health}) as hub:
        values = nested(secrets)
        values["config"]["BinderHub"]["hub_url"] = f"http://127.0.0.1:{hub.port}/"
        cluster = FakeCluster(
            services={name: service(name, ip="127.0.0.1", port=hub.port) for name in ("proxy-public", "binder")},
            pods=[pod("binder-1", "binder"), pod("proxy-1", "proxy"),
                  pod("hub-1", "hub", ready=False, waiting=("CrashLoopBackOff", "back-off"), restarts=2)],
            logs={("hub-1", True): "\n".join(f"config value: {value}" for value in echoed)},
            secrets=[release_secret("binder", config=values)])
        with FakeKubernetesAPI(cluster=cluster) as api:
            env = _connect_env(env, tmp_path, api)
            before = snapshot(tmp_path)
            result = run(env, work, "status", "binder", "-n", "binder", "--format", fmt, "--timeout", TIMEOUT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "config value:" in result.stdout  # the log was shown
    if fmt == "json":
        status_report(result.stdout)  # masking a secret leaves the document whole
    assert_no_leak(result, tmp_path, before)


def test_the_leak_detector_sees_every_encoding():
    secret = SECRETS["registry.password"]
    for prefix in ("", "u", "us", "use"):
        assert leaks(base64.b64encode(f"{prefix}:{secret}".encode()).decode())
        assert leaks(base64.urlsafe_b64encode(f"{prefix}{secret}!".encode()).decode())
    assert leaks(json.dumps({"p": secret})) and leaks(quote(f"a b {secret}")) and leaks(secret.lower())
    assert not leaks(f"…({len(secret)} chars)") and not leaks(base64.b64encode(b"binder-push:other").decode())


# --------------------------------------------------------------------------- short and word secrets

# Too short, or words: the output sink leaves them alone (masking them would mangle ordinary
# text), so every command must redact them where it renders a value. None occurs otherwise.
WEAK_SECRETS = ["Zq9x", "quokkas", "wombatkangaroo"]


def write_word_values(work: Path, word: str) -> list[Path]:
    """Every secret set to ``word``; the registry at a closed port."""
    endpoint = f"http://127.0.0.1:{closed_port()}"
    values = {path: word for path in SECRETS}
    values.update({"registry.url": endpoint, "registry.username": USERNAME})
    (work / "secret.yaml").write_text(to_yaml(nested(values)))
    (work / "config.yaml").write_text(config_text(endpoint))
    return [work / "secret.yaml", work / "config.yaml"]


@pytest.mark.parametrize("word", WEAK_SECRETS)
def test_short_and_word_secrets_in_every_command(tmp_path, world, word):
    env, work = world
    files = write_word_values(work, word)
    runs = [run(env, work, "doctor", *files, "--offline", "--format", fmt) for fmt in ("text", "json")]
    for command in sorted(PROBES):
        runs += [run(env, work, command, *files, "--format", fmt, *PROBES[command], timeout=60)
                 for fmt in ("text", "json")]
    runs.append(run(env, work, "install", "binder", "--dry-run", "--version", CHART_VERSION, "-n", "binder",
                    "-f", files[0], "-f", files[1], "--no-lint"))
    for result in runs:
        assert "Traceback" not in result.stderr and result.stdout + result.stderr, result.args
        shown = (result.stdout + result.stderr).lower()
        assert word.lower() not in shown, f"{result.args[1]} showed the secret:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("word", ["binder", "password", "jupyterhub"])
def test_common_word_secrets_keep_the_json_keys_and_words(tmp_path, world, word):
    """A password that is a common word is redacted where rendered and masks nothing else: the
    JSON keys (`"password"`) and the words of the report stay as they are."""
    env, work = world
    files = write_word_values(work, word)
    registry = run(env, work, "check-registry", *files, "--format", "json", "--timeout", TIMEOUT)
    derived = json.loads(registry.stdout)["derived"]
    assert derived["password"] == f"…({len(word)} chars)" and derived["username"] == USERNAME, derived
    doctor = run(env, work, "doctor", *files, "--offline", "--format", "json")
    doctor_report(doctor.stdout)  # the keys a common-word password equals are still there
    for result in (registry, doctor):
        assert not re.search(r"[A-Za-z0-9]…\(|…\(\d+ chars\)[A-Za-z0-9_]", result.stdout), result.stdout
