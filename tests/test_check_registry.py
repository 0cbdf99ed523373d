"""`binderhub-doctor check-registry` end to end: the CLI (in the test process) against the real docker-registry
(distribution 2.8, Debian package) on 127.0.0.1, with htpasswd Basic auth, with token auth
behind a PyJWT token server, with TLS from a throw-away CA, and against misbehaving servers."""

from __future__ import annotations

import base64
import json
import os
import time
import uuid

import pytest

from support.registry_server import (
    REGISTRY_SERVICE,
    HttpServer,
    TokenServer,
    closed_port,
    docker_registry,
    htpasswd_file,
    make_ca,
    make_server_cert,
    make_signing_cert,
    silent_port,
)
from support.tools import NETWORK_SERVERS, invoke

pytestmark = [pytest.mark.registry, NETWORK_SERVERS]

USER = "alice"
BASIC_PASSWORD = f"Basic-canary-{uuid.uuid4().hex[:12]}"
TOKEN_PASSWORD = f"Token-canary-{uuid.uuid4().hex[:12]}"
PRIVATE_KEY_LINE = f"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC{uuid.uuid4().hex}"
GCP_KEY = json.dumps({
    "type": "service_account",
    "project_id": "canary-project",
    "private_key_id": f"keyid{uuid.uuid4().hex}",
    "private_key": f"-----BEGIN PRIVATE KEY-----\n{PRIVATE_KEY_LINE}\n-----END PRIVATE KEY-----\n",
    "client_email": "binder@canary-project.iam.gserviceaccount.com",
}, indent=2)
REPOSITORY = "binder/prefix-binderhub-doctor-check"


# --------------------------------------------------------------------------- servers (module-wide)

@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("registries")


@pytest.fixture(scope="module")
def signing(folder):
    return make_signing_cert(folder / "signing")


@pytest.fixture(scope="module")
def basic_registry(folder):
    htpasswd = htpasswd_file(folder / "htpasswd", USER, BASIC_PASSWORD)
    with docker_registry(folder / "basic", htpasswd=htpasswd) as registry:
        yield registry


@pytest.fixture(scope="module")
def tls_registry(folder):
    ca = make_ca(folder / "tls")
    cert = make_server_cert(folder / "tls", ca)
    htpasswd = htpasswd_file(folder / "htpasswd-tls", USER, BASIC_PASSWORD)
    with docker_registry(folder / "tls-registry", htpasswd=htpasswd, tls=cert) as registry:
        registry.ca = ca[0]
        yield registry


def _token_setup(folder, signing, name, **token_options):
    token = TokenServer(signing, **token_options)
    token.__enter__()
    try:
        registry_context = docker_registry(folder / name, token=token)
        registry = registry_context.__enter__()
    except BaseException:
        token.__exit__(None, None, None)
        raise
    # The token server cannot share the registry's port, and check-registry sends credentials only
    # to a realm on the registry's port (or the scheme's default): allow it, as a user would.
    registry.realm_options = ["--allow-realm-host", token.realm.split("/")[2]]
    return token, registry, registry_context


@pytest.fixture(scope="module")
def token_registry(folder, signing):
    token, registry, context = _token_setup(folder, signing, "token-all", username=USER, password=TOKEN_PASSWORD)
    yield token, registry
    context.__exit__(None, None, None)
    token.__exit__(None, None, None)


@pytest.fixture(scope="module")
def pull_only_registry(folder, signing):
    token, registry, context = _token_setup(folder, signing, "token-pull", username=USER, password=TOKEN_PASSWORD,
                                            grant="pull")
    yield token, registry
    context.__exit__(None, None, None)
    token.__exit__(None, None, None)


@pytest.fixture(scope="module")
def no_access_registry(folder, signing):
    token, registry, context = _token_setup(folder, signing, "token-none", username=USER, password=TOKEN_PASSWORD,
                                            grant="none")
    yield token, registry
    context.__exit__(None, None, None)
    token.__exit__(None, None, None)


@pytest.fixture(scope="module")
def anonymous_registry(folder):
    with docker_registry(folder / "anonymous") as registry:
        yield registry


@pytest.fixture(scope="module")
def foreign_realm_registry(folder, signing):
    """The registry is 127.0.0.1, its realm is advertised as `localhost`: another host."""
    token, registry, context = _token_setup(folder, signing, "token-foreign", username=USER,
                                            password=TOKEN_PASSWORD, realm_host="localhost")
    yield token, registry
    context.__exit__(None, None, None)
    token.__exit__(None, None, None)


@pytest.fixture(scope="module")
def gcr_key_registry(folder, signing):
    """A token registry whose credentials are `_json_key` and a Google JSON key."""
    token, registry, context = _token_setup(folder, signing, "token-gcr", username="_json_key", password=GCP_KEY)
    yield token, registry
    context.__exit__(None, None, None)
    token.__exit__(None, None, None)


# --------------------------------------------------------------------------- helpers

def write_values(tmp_path, url, *, username=USER, password=BASIC_PASSWORD, image_prefix=None,
                 docker_registry=None, use_registry=True):
    host = url.split("://", 1)[-1]
    image_prefix = image_prefix if image_prefix is not None else f"{host}/binder/prefix-"
    secret = tmp_path / "secret.yaml"
    config = tmp_path / "config.yaml"
    secret.write_text("registry:\n"
                      f"  url: {json.dumps(url)}\n"
                      f"  username: {json.dumps(username)}\n"
                      f"  password: {json.dumps(password)}\n")
    text = ("config:\n  BinderHub:\n"
            f"    use_registry: {'true' if use_registry else 'false'}\n"
            f"    image_prefix: {json.dumps(image_prefix)}\n")
    if docker_registry:
        text += "  DockerRegistry:\n" + "".join(f"    {k}: {json.dumps(v)}\n" for k, v in docker_registry.items())
    config.write_text(text)
    return [secret, config]


def check(tmp_path, files, *options, fmt="json"):
    started = time.monotonic()
    result = invoke("check-registry", *files, "--format", fmt, *options, cwd=tmp_path)
    result.seconds = time.monotonic() - started
    if fmt == "json":
        assert result.stdout, result.stderr
        result.report = json.loads(result.stdout)
        result.steps = {}
        for step in result.report["steps"]:
            result.steps.setdefault(step["name"], step)
    return result


def statuses(result) -> dict:
    return {name: step["status"] for name, step in result.steps.items()}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def secret_forms(username: str, password: str) -> list[str]:
    forms = [password, b64(password), b64(password).rstrip("="), b64(f"{username}:{password}").rstrip("="),
             json.dumps(password)[1:-1]]
    if password == GCP_KEY:
        key = json.loads(GCP_KEY)
        forms += [PRIVATE_KEY_LINE, key["private_key_id"], key["private_key"], json.dumps(key["private_key"])[1:-1]]
    return forms


def assert_no_secrets(result, forms, tokens=()):
    output = result.stdout + result.stderr
    for form in [*forms, *tokens]:
        assert form not in output, f"a secret leaked into the output: {form[:6]}…"
        for line in form.splitlines():
            if len(line) >= 12:
                assert line not in output


# --------------------------------------------------------------------------- Basic auth

def test_basic_everything_good(tmp_path, basic_registry):
    result = check(tmp_path, write_values(tmp_path, basic_registry.url))
    assert result.returncode == 0, result.stdout + result.stderr
    assert statuses(result) == {"settings": "ok", "connect": "ok", "challenge": "ok", "token url": "skip",
                                "authenticate": "ok", "pull": "ok", "push": "ok"}
    assert result.steps["challenge"]["detail"] == "Basic authentication"
    assert "404" in result.steps["pull"]["detail"]
    assert "started and cancelled" in result.steps["push"]["detail"]
    derived = result.report["derived"]
    assert derived["DockerRegistry.url"] == basic_registry.url
    assert derived["repository"] == REPOSITORY
    assert derived["password"] == f"…({len(BASIC_PASSWORD)} chars)"
    for step in result.report["steps"]:
        assert set(step) >= {"name", "ok", "seconds", "detail"} and step["ok"] is True
    assert result.stderr == ""


def test_basic_text_format(tmp_path, basic_registry):
    result = check(tmp_path, write_values(tmp_path, basic_registry.url), fmt="text")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Registry settings BinderHub would use (from ")
    assert f"  DockerRegistry.url: {basic_registry.url}" in lines
    assert any(line.startswith("✓ authenticate (") and "'alice' accepted" in line for line in lines)
    assert any(line.startswith("✓ push (") for line in lines)


def test_basic_wrong_password_fails_at_authentication(tmp_path, basic_registry):
    result = check(tmp_path, write_values(tmp_path, basic_registry.url, password="not-the-password"))
    assert result.returncode == 1
    assert statuses(result) == {"settings": "ok", "connect": "ok", "challenge": "ok", "token url": "skip",
                                "authenticate": "fail", "pull": "skip", "push": "skip"}
    step = result.steps["authenticate"]
    assert "rejected username 'alice'" in step["detail"] and "registry.password" in step["hint"]


def test_basic_wrong_password_text_names_the_fix(tmp_path, basic_registry):
    result = check(tmp_path, write_values(tmp_path, basic_registry.url, password="not-the-password"), fmt="text")
    assert result.returncode == 1
    assert "✗ authenticate" in result.stdout and "    fix: check the credentials" in result.stdout
    assert "- pull: not run: authentication failed" in result.stdout


# --------------------------------------------------------------------------- token auth

def test_token_everything_good(tmp_path, token_registry):
    token, registry = token_registry
    result = check(tmp_path, write_values(tmp_path, registry.url, password=TOKEN_PASSWORD), *registry.realm_options)
    assert result.returncode == 0, result.stdout
    assert statuses(result) == {"settings": "ok", "connect": "ok", "challenge": "ok", "token url": "ok",
                                "authenticate": "ok", "pull": "ok", "push": "ok"}
    assert result.steps["challenge"]["detail"] == f"Bearer realm={token.realm} service={REGISTRY_SERVICE}"
    assert f"grants pull,push on {REPOSITORY}" in result.steps["authenticate"]["detail"]
    scopes = [s.path for s in token.seen if s.path.startswith("/token")]
    assert any("scope=repository%3Abinder%2Fprefix-binderhub-doctor-check%3Apull%2Cpush" in p for p in scopes)


def test_token_wrong_password(tmp_path, token_registry):
    _token, registry = token_registry
    result = check(tmp_path, write_values(tmp_path, registry.url, password="wrong"), *registry.realm_options)
    assert result.returncode == 1
    assert result.steps["authenticate"]["status"] == "fail"
    assert "token server rejected username 'alice'" in result.steps["authenticate"]["detail"]


def test_token_pull_only_fails_push_and_passes_pull(tmp_path, pull_only_registry):
    _token, registry = pull_only_registry
    result = check(tmp_path, write_values(tmp_path, registry.url, password=TOKEN_PASSWORD), *registry.realm_options)
    assert result.returncode == 1
    assert statuses(result)["pull"] == "ok" and statuses(result)["push"] == "fail"
    assert f"grants pull on {REPOSITORY}" in result.steps["authenticate"]["detail"]
    push = result.steps["push"]
    assert "can pull but cannot push" in push["detail"] and "--skip-push" in push["hint"]


def test_token_pull_only_with_skip_push_passes(tmp_path, pull_only_registry):
    _token, registry = pull_only_registry
    result = check(tmp_path, write_values(tmp_path, registry.url, password=TOKEN_PASSWORD), "--skip-push", *registry.realm_options)
    assert result.returncode == 0
    assert result.steps["push"]["status"] == "skip" and result.steps["push"]["detail"] == "skipped (--skip-push)"


def test_no_pull_access_means_rebuild_on_every_launch(tmp_path, no_access_registry):
    _token, registry = no_access_registry
    result = check(tmp_path, write_values(tmp_path, registry.url, password=TOKEN_PASSWORD), *registry.realm_options)
    assert result.returncode == 1
    assert f"grants nothing on {REPOSITORY}" in result.steps["authenticate"]["detail"]
    pull = result.steps["pull"]
    assert pull["status"] == "fail"
    assert "answers 401 instead of 404" in pull["detail"] and "rebuild on every launch" in pull["detail"]
    assert result.steps["push"]["status"] == "fail"


def test_not_found_401_turns_the_pull_401_into_a_warning(tmp_path, no_access_registry):
    _token, registry = no_access_registry
    files = write_values(tmp_path, registry.url, password=TOKEN_PASSWORD, docker_registry={"not_found_401": True})
    result = check(tmp_path, files, "--skip-push", *registry.realm_options)
    assert result.returncode == 0
    assert result.steps["pull"]["status"] == "warn" and "not_found_401 is true" in result.steps["pull"]["detail"]


def test_anonymous_registry(tmp_path, anonymous_registry):
    result = check(tmp_path, write_values(tmp_path, anonymous_registry.url))
    assert result.returncode == 0, result.stdout
    assert "anonymous access" in result.steps["challenge"]["detail"]
    assert result.steps["authenticate"]["detail"].startswith("not needed")
    assert statuses(result)["pull"] == "ok" and statuses(result)["push"] == "ok"


def test_token_url_pointing_at_another_realm(tmp_path, token_registry):
    token, registry = token_registry
    wrong = token.realm.replace("/token", "/elsewhere") + f"?service={REGISTRY_SERVICE}"
    result = check(tmp_path, write_values(tmp_path, registry.url, password=TOKEN_PASSWORD,
                                          docker_registry={"token_url": wrong}), *registry.realm_options)
    assert result.returncode == 1
    step = result.steps["token url"]
    assert step["status"] == "fail"
    assert "points at" in step["detail"] and token.realm in step["detail"]
    assert step["hint"] == f"set config.DockerRegistry.token_url to {token.realm}?service={REGISTRY_SERVICE}"
    # Credentials went to the advertised realm only, never to the configured token_url.
    assert not [s for s in token.seen if s.path.startswith("/elsewhere")]
    assert statuses(result)["authenticate"] == "ok" and statuses(result)["push"] == "ok"


def test_token_url_without_service(tmp_path, token_registry):
    token, registry = token_registry
    result = check(tmp_path, write_values(tmp_path, registry.url, password=TOKEN_PASSWORD,
                                          docker_registry={"token_url": token.realm}), *registry.realm_options)
    assert result.returncode == 1
    step = result.steps["token url"]
    assert "service=container_registry" in step["detail"] and REGISTRY_SERVICE in step["detail"]


def test_realm_on_another_host_gets_no_credentials(tmp_path, foreign_realm_registry):
    token, registry = foreign_realm_registry
    files = write_values(tmp_path, registry.url, password=TOKEN_PASSWORD)
    result = check(tmp_path, files)
    assert result.returncode == 1
    step = result.steps["authenticate"]
    assert step["status"] == "fail" and "credentials were not sent there" in step["detail"]
    assert step["hint"].endswith("--allow-realm-host localhost")
    assert token.seen == []
    allowed = check(tmp_path, files, "--allow-realm-host", "localhost")
    assert allowed.returncode == 0, allowed.stdout
    assert token.seen and all(s.headers.get("Host", "").startswith("localhost:") for s in token.seen)


def test_realm_on_another_port_of_the_same_host_gets_no_credentials(tmp_path, token_registry):
    token, registry = token_registry
    seen_before = len(token.seen)
    result = check(tmp_path, write_values(tmp_path, registry.url, password=TOKEN_PASSWORD))
    assert result.returncode == 1
    step = result.steps["authenticate"]
    realm_host_port = token.realm.split("/")[2]
    assert step["status"] == "fail" and f"on another port than 127.0.0.1:{registry.port}" in step["detail"]
    assert step["hint"].endswith(f"--allow-realm-host {realm_host_port}")
    assert len(token.seen) == seen_before, "credentials went to the realm"


@pytest.mark.parametrize("realm, registry_url, allowed", [
    # the big registries keep working
    ("https://auth.docker.io/token", "https://registry-1.docker.io", True),
    ("https://gitlab.com/jwt/auth", "https://registry.gitlab.com", True),
    ("https://auth.example.co.uk/token", "https://registry.example.co.uk", True),
    ("https://auth.example.org/token", "https://registry.example.org:5000", True),  # the realm's default port
    # shared suffixes (Public Suffix List, private section, and tenants it does not list): one tenant each
    ("https://evil.fly.dev/token", "https://registry.fly.dev", False),
    ("https://evil.onrender.com/token", "https://registry.onrender.com", False),
    ("https://evil.ts.net/token", "https://registry.ts.net", False),
    ("https://evil.blob.core.windows.net/token", "https://registry.blob.core.windows.net", False),
    ("https://evil.jfrog.io/token", "https://acme.jfrog.io", False),
    ("https://evil.azurecr.io/oauth2/token", "https://acme.azurecr.io", False),
    ("https://evil.co.uk/token", "https://registry.example.co.uk", False),
    # the same site but another port
    ("https://auth.example.org:8443/token", "https://registry.example.org", False),
    ("http://127.0.0.1:5001/token", "http://127.0.0.1:5000", False),
    # unusable realms are never allowed
    ("http://[::1/token", "http://127.0.0.1:5000", False),
    ("http://127.0.0.1:99999/token", "http://127.0.0.1:5000", False),
])
def test_which_realms_may_get_the_credentials(realm, registry_url, allowed):
    from binderhub_doctor.probes.registry import realm_allowed

    assert realm_allowed(realm, registry_url) is allowed


def test_an_explicitly_allowed_realm_host_or_host_and_port():
    from binderhub_doctor.probes.registry import realm_allowed

    assert realm_allowed("https://evil.fly.dev/token", "https://registry.fly.dev", ["evil.fly.dev"])
    assert realm_allowed("http://127.0.0.1:5001/token", "http://127.0.0.1:5000", ["127.0.0.1:5001"])
    assert not realm_allowed("http://127.0.0.1:5002/token", "http://127.0.0.1:5000", ["127.0.0.1:5001"])


# --------------------------------------------------------------------------- network trouble

def test_registry_down_is_connection_refused_well_under_the_timeout(tmp_path):
    port = closed_port()
    result = check(tmp_path, write_values(tmp_path, f"http://127.0.0.1:{port}"), "--timeout", "30")
    assert result.returncode == 1
    step = result.steps["connect"]
    assert step["detail"].startswith(f"connection refused by 127.0.0.1:{port}")
    assert "start the registry" in step["hint"]
    assert step["seconds"] < 1
    assert result.seconds < 10  # CLI start-up on a busy machine included; the timeout is 30 s
    assert statuses(result)["authenticate"] == "skip"


def test_server_that_never_answers_respects_the_timeout(tmp_path):
    with silent_port() as port:
        result = check(tmp_path, write_values(tmp_path, f"http://127.0.0.1:{port}"), "--timeout", "1.5")
    assert result.returncode == 1
    assert "sent no answer within 1.5 s" in result.steps["connect"]["detail"]
    assert 1.45 <= result.steps["connect"]["seconds"] < 3
    assert result.seconds < 12  # one timeout, not one per step or per retry
    assert statuses(result)["pull"] == "skip"


def redirecting_authenticated_requests(other: HttpServer):
    """A Basic registry that sends every request with credentials on to `other` (as `localhost`,
    another origin)."""
    def front(request):
        if "Authorization" in request.headers:
            return 307, {"Location": other.url("/v2/", host="localhost")}, b""
        return 401, {"WWW-Authenticate": 'Basic realm="front"'}, b""
    return front


def test_redirect_to_another_host_gets_no_credentials(tmp_path):
    with HttpServer(lambda r: (401, {"WWW-Authenticate": 'Basic realm="elsewhere"'}, b"")) as other:
        with HttpServer(redirecting_authenticated_requests(other)) as registry:
            result = check(tmp_path, write_values(tmp_path, registry.url()))
    assert result.returncode == 1
    step = result.steps["authenticate"]
    assert f"redirected to http://localhost:{other.port}/v2/" in step["detail"]
    assert "credentials were not sent there" in step["detail"]
    assert other.seen and all("Authorization" not in s.headers for s in other.seen)
    assert any("Authorization" in s.headers for s in registry.seen)


def test_a_redirect_that_dropped_the_credentials_never_passes_authentication(tmp_path):
    """The authenticated /v2/ redirects to another origin that answers 200 to anyone: the
    credentials were rightly dropped, so that 200 says nothing about them."""
    with HttpServer(lambda r: (200, {"Content-Type": "application/json"}, b"{}")) as other:
        with HttpServer(redirecting_authenticated_requests(other)) as registry:
            result = check(tmp_path, write_values(tmp_path, registry.url()))
    assert result.returncode == 1, result.stdout
    step = result.steps["authenticate"]
    assert step["status"] == "fail", step
    assert f"redirected to http://localhost:{other.port}/v2/" in step["detail"]
    assert "HTTP 200" in step["detail"] and "not checked" in step["detail"]
    assert statuses(result)["pull"] == "skip" and statuses(result)["push"] == "skip"
    assert other.seen and all("Authorization" not in s.headers for s in other.seen)


def test_a_token_fetched_without_the_credentials_never_passes_authentication(tmp_path):
    """The realm redirects the token request to another origin, which hands out a token to
    anyone: that token proves nothing about the credentials."""
    with HttpServer(lambda r: (200, {"Content-Type": "application/json"}, b'{"token": "anonymous-token"}')) as other:
        def front(request):
            path = request.path.split("?")[0]
            if path == "/token":
                return 302, {"Location": other.url("/token", host="localhost")}, b""
            if path == "/v2/" and request.headers.get("Authorization", "").startswith("Bearer "):
                return 200, {"Content-Type": "application/json"}, b"{}"
            host = request.headers.get("Host")
            return 401, {"WWW-Authenticate": f'Bearer realm="http://{host}/token",service="reg"'}, b""

        with HttpServer(front) as registry:
            result = check(tmp_path, write_values(tmp_path, registry.url()))
    assert result.returncode == 1, result.stdout
    step = result.steps["authenticate"]
    assert step["status"] == "fail", step
    assert step["detail"].startswith("token request: the request was redirected to"), step
    assert "not checked" in step["detail"]
    assert other.seen and all("Authorization" not in s.headers for s in other.seen)


def test_plain_http_to_a_remote_registry_is_refused_without_connecting(tmp_path):
    result = check(tmp_path, write_values(tmp_path, "http://registry.example.com"))
    assert result.returncode == 1
    step = result.steps["connect"]
    assert step["detail"].startswith("refusing plain http to registry.example.com:80")
    assert "--insecure-registry" in step["hint"]


# --------------------------------------------------------------------------- TLS

def test_tls_with_ca_bundle(tmp_path, tls_registry):
    files = write_values(tmp_path, tls_registry.url)
    result = check(tmp_path, files, "--ca-bundle", str(tls_registry.ca))
    assert result.returncode == 0, result.stdout
    assert "TLS verified" in result.steps["connect"]["detail"]
    untrusted = check(tmp_path, files)
    assert untrusted.returncode == 1
    assert "could not be verified" in untrusted.steps["connect"]["detail"]
    assert "--ca-bundle" in untrusted.steps["connect"]["hint"]


# --------------------------------------------------------------------------- settings found offline

def test_image_prefix_on_another_registry_is_reported(tmp_path, basic_registry):
    other = closed_port()
    files = write_values(tmp_path, basic_registry.url, image_prefix=f"127.0.0.1:{other}/binder/prefix-")
    result = check(tmp_path, files)
    assert result.returncode == 1
    settings = [s for s in result.report["steps"] if s["name"] == "settings"]
    assert [s["status"] for s in settings] == ["fail", "fail"]
    assert f"build pods push to 127.0.0.1:{other}" in settings[0]["detail"]
    assert "every launch would rebuild" in settings[1]["detail"]
    assert statuses(result)["push"] == "ok"  # the registry BinderHub checks is still probed


def test_json_key_with_token_username_on_a_non_gcr_url(tmp_path, gcr_key_registry):
    token, registry = gcr_key_registry
    result = check(tmp_path, write_values(tmp_path, registry.url, username="", password=GCP_KEY), *registry.realm_options)
    assert result.returncode == 1
    assert "_json_key" in result.steps["settings"]["detail"]
    assert result.steps["settings"]["hint"] == "set registry.username: _json_key"
    assert result.report["derived"]["username"] == "<token>"


# --------------------------------------------------------------------------- unusable input

def test_unusable_input_exits_2(tmp_path, basic_registry):
    missing = invoke("check-registry", tmp_path / "nope.yaml", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.yaml: file not found" in missing.stderr
    files = write_values(tmp_path, basic_registry.url, use_registry=False)
    off = invoke("check-registry", *files, cwd=tmp_path)
    assert off.returncode == 2 and "use_registry is false" in off.stderr
    files = write_values(tmp_path, basic_registry.url)
    bad_ca = invoke("check-registry", *files, "--ca-bundle", files[1], cwd=tmp_path)
    assert bad_ca.returncode == 2 and "must be a PEM file" in bad_ca.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text(f"registry:\n  password: {BASIC_PASSWORD}\n  url: [unclosed\n")
    syntax = invoke("check-registry", broken, cwd=tmp_path)
    assert syntax.returncode == 2 and "Traceback" not in syntax.stderr
    assert len(syntax.stderr.strip().splitlines()) == 1 and BASIC_PASSWORD not in syntax.stderr
    for result in (missing, off, bad_ca, syntax):
        assert result.stdout == ""


# --------------------------------------------------------------------------- canaries

SCENARIOS = ["basic-ok", "basic-wrong-user", "token-ok", "token-pull-only", "token-url-mismatch",
             "foreign-realm", "gcr-key-ok", "gcr-key-wrong-user", "refused", "silent", "redirect", "tls-untrusted"]


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_secret_in_any_output(tmp_path, scenario, fmt, request):
    """Every scenario, success or failure, both formats: no password, key, Basic pair or token."""
    options: list[str] = []
    username, password, tokens = USER, BASIC_PASSWORD, []
    if scenario.startswith("basic"):
        registry = request.getfixturevalue("basic_registry")
        url = registry.url
        if scenario == "basic-wrong-user":
            username = "mallory"
    elif scenario in ("token-ok", "token-url-mismatch"):
        token, registry = request.getfixturevalue("token_registry")
        url, password, tokens, options = registry.url, TOKEN_PASSWORD, token.issued, registry.realm_options
    elif scenario == "token-pull-only":
        token, registry = request.getfixturevalue("pull_only_registry")
        url, password, tokens, options = registry.url, TOKEN_PASSWORD, token.issued, registry.realm_options
    elif scenario == "foreign-realm":
        token, registry = request.getfixturevalue("foreign_realm_registry")
        url, password, tokens = registry.url, TOKEN_PASSWORD, token.issued
    elif scenario.startswith("gcr-key"):
        token, registry = request.getfixturevalue("gcr_key_registry")
        url, password, tokens, options = registry.url, GCP_KEY, token.issued, registry.realm_options
        username = "_json_key" if scenario == "gcr-key-ok" else "someone"
    elif scenario == "tls-untrusted":
        url = request.getfixturevalue("tls_registry").url
    elif scenario == "refused":
        url = f"http://127.0.0.1:{closed_port()}"
    else:
        url = None
    docker_registry_traits = {"token_url": "http://127.0.0.1:1/wrong"} if scenario == "token-url-mismatch" else None

    def run(registry_url):
        files = write_values(tmp_path, registry_url, username=username, password=password,
                             docker_registry=docker_registry_traits)
        # A short timeout only where the server is meant to stay silent: a busy machine must not
        # turn a healthy registry into a timeout.
        timeout = "1" if scenario == "silent" else "20"
        return check(tmp_path, files, "--timeout", timeout, *options, fmt=fmt)

    if scenario == "silent":
        with silent_port() as port:
            result = run(f"http://127.0.0.1:{port}")
    elif scenario == "redirect":
        with HttpServer(lambda r: (401, {"WWW-Authenticate": 'Basic realm="x"'}, b"")) as other:
            with HttpServer(lambda r: (307, {"Location": other.url("/v2/", host="localhost")}, b"")
                            if "Authorization" in r.headers
                            else (401, {"WWW-Authenticate": 'Basic realm="x"'}, b"")) as front:
                result = run(front.url())
    else:
        result = run(url)

    expected_ok = scenario in ("basic-ok", "token-ok", "gcr-key-ok")
    assert result.returncode == (0 if expected_ok else 1), result.stdout + result.stderr
    assert_no_secrets(result, secret_forms(username, password), tokens)
    if fmt == "json":
        json.loads(result.stdout)


# --------------------------------------------------------------------------- proxies

PROXIED_HOST = "registry.example.test"  # not loopback, so the proxy environment applies; the proxy resolves it


def basic_registry_handler(request):
    expected = "Basic " + b64(f"{USER}:{BASIC_PASSWORD}")
    path = request.path.split("?")[0]
    if request.headers.get("Authorization") != expected:
        return 401, {"WWW-Authenticate": 'Basic realm="proxied"'}, b""
    if path == "/v2/":
        return 200, {"Content-Type": "application/json"}, b"{}"
    if request.command == "POST":
        return 202, {"Location": path + "upload-1"}, b""
    if request.command == "DELETE":
        return 204, {}, b""
    return 404, {"Content-Type": "application/json"}, b'{"errors": [{"code": "MANIFEST_UNKNOWN", "message": "no"}]}'


def proxy_env(proxy) -> dict:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy",
                                                                   "all_proxy")}
    env["HTTP_PROXY"] = env["HTTPS_PROXY"] = proxy.url
    return env


def test_plain_http_through_a_proxy_never_carries_the_credentials(tmp_path):
    from support.proxy_server import ForwardProxy

    with HttpServer(basic_registry_handler) as registry, ForwardProxy() as proxy:
        url = f"http://{PROXIED_HOST}:{registry.port}"
        files = write_values(tmp_path, url)
        result = invoke("check-registry", *files, "--format", "json", "--insecure-registry",
                         f"{PROXIED_HOST}:{registry.port}", env=proxy_env(proxy), cwd=tmp_path)
    report = json.loads(result.stdout)
    steps = {s["name"]: s for s in report["steps"]}
    assert result.returncode == 1, result.stdout
    assert steps["connect"]["status"] == "ok"  # the anonymous /v2/ may go through the proxy
    assert steps["authenticate"]["status"] == "fail"
    assert (f"refusing to send credentials over plain http through the proxy 127.0.0.1:{proxy.port}"
            in steps["authenticate"]["detail"])
    assert "NO_PROXY" in steps["authenticate"]["hint"]
    assert report["derived"]["proxy"].startswith(f"127.0.0.1:{proxy.port} (plain http")
    assert proxy.seen and all("Authorization" not in r.headers for r in proxy.seen), proxy.seen
    assert BASIC_PASSWORD not in result.stdout + result.stderr


def test_https_through_a_proxy_is_a_connect_tunnel(tmp_path):
    from support.proxy_server import ForwardProxy

    ca = make_ca(tmp_path / "proxied-ca")
    cert = make_server_cert(tmp_path / "proxied-ca", ca, dns_names=(PROXIED_HOST,))
    with HttpServer(basic_registry_handler, tls=cert) as registry, ForwardProxy() as proxy:
        url = f"https://{PROXIED_HOST}:{registry.port}"
        files = write_values(tmp_path, url)
        result = invoke("check-registry", *files, "--format", "json", "--ca-bundle", ca[0],
                         env=proxy_env(proxy), cwd=tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert {s["name"]: s["status"] for s in report["steps"]}["authenticate"] == "ok"
    assert report["derived"]["proxy"].startswith(f"127.0.0.1:{proxy.port} (https through a CONNECT tunnel")
    assert proxy.seen and {r.method for r in proxy.seen} == {"CONNECT"}, proxy.seen
    assert {r.target for r in proxy.seen} == {f"{PROXIED_HOST}:{registry.port}"}
    assert registry.seen and any("Authorization" in r.headers for r in registry.seen)


def test_the_report_says_when_no_proxy_applies(tmp_path, basic_registry):
    result = check(tmp_path, write_values(tmp_path, basic_registry.url))
    assert result.report["derived"]["proxy"].startswith("none (direct connection")
