"""Every probe command against servers on 127.0.0.1 that misbehave on purpose: accept and never
answer, drip the headers or the body one byte at a time, send a 1 GiB body (generated on the fly,
declared or not), redirect in a loop or without end. Each run is the real CLI under a 1 GiB
address-space limit (RLIMIT_AS); it must exit 1 with a step that says what went wrong, within
the time budget its --timeout sets, with a small peak memory (ru_maxrss), and no traceback.

tests/test_probe_http.py covers the HTTP client itself and tests/test_check_registry.py the
registry's own /v2/ endpoint not answering or refusing; here the same failures hit check-github,
check-gitlab and doctor end to end, and check-registry's later requests (the token realm and
the manifest), which are not covered there.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.registry_server import HttpServer, silent_port
from support.report_schemas import doctor_report
from support.tools import NETWORK_SERVERS, cli_path

# each test waits for a deadline to expire on purpose
pytestmark = [pytest.mark.slow, NETWORK_SERVERS]

TIMEOUT = 1.0
MEMORY_LIMIT = 1 << 30
PEAK_RSS_LIMIT = 250 << 20  # bytes; a materialised 1 GiB body could not stay under it
STARTUP_SLACK = 12.0  # seconds for starting Python and the CLI on a busy 2-core machine
DRIP_DELAY = 0.05
ONE_GIB = 1 << 30
CHUNK = b" " * 65536

# Overall budget of one command, from its --timeout (check-registry's --help: "the whole check
# stops after 5 x this"; the provider probes allow 3 tries plus 3 s: provider_api.probe_deadline).
REGISTRY_BUDGET = 5 * TIMEOUT
PROVIDER_BUDGET = 3 * TIMEOUT + 3
BUDGET = {"check-registry": REGISTRY_BUDGET, "check-github": PROVIDER_BUDGET, "check-gitlab": PROVIDER_BUDGET,
          "doctor": REGISTRY_BUDGET + 2 * PROVIDER_BUDGET}


# --------------------------------------------------------------------------- misbehaving answers

def never_answers(request):
    time.sleep(60)  # the handler thread is a daemon; the client gives up long before
    return None


def drip_headers(request):
    for byte in itertools.cycle(b"HTTP/1.1 200 OK\r\nX-Slow: yes\r\n"):
        request.wfile.write(bytes([byte]))
        request.wfile.flush()
        time.sleep(DRIP_DELAY)


def drip_body(request):
    def body():
        while True:
            yield b" "
            time.sleep(DRIP_DELAY)
    return 200, {"Content-Type": "application/json"}, body()


def huge_undeclared(request):
    return 200, {"Content-Type": "application/json"}, itertools.chain(
        [b'{"resources": "'], itertools.repeat(CHUNK, ONE_GIB // len(CHUNK)))


def huge_declared(request):
    return 200, {"Content-Type": "application/json", "Content-Length": str(ONE_GIB)}, itertools.repeat(
        CHUNK, ONE_GIB // len(CHUNK))


def redirect_loop(request):
    return 302, {"Location": "/loop/b" if request.path.endswith("/a") else "/loop/a"}, b""


def redirect_chain(request):
    last = request.path.rsplit("/", 1)[-1]
    return 302, {"Location": f"/hop/{int(last) + 1 if last.isdigit() else 0}"}, b""


# kind -> (handler, what the failing step must say)
KINDS = {
    "never-answers": (never_answers, "sent no answer within 1 s"),
    "drips-headers": (drip_headers, "before the overall deadline"),
    "drips-body": (drip_body, "before the overall deadline"),
    "1-GiB-undeclared": (huge_undeclared, "too large"),
    "1-GiB-declared": (huge_declared, "too large"),
    "redirect-loop": (redirect_loop, "redirects in a loop"),
    "redirect-chain": (redirect_chain, "redirected more than"),
}


# --------------------------------------------------------------------------- running the CLI

def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(args, cwd) -> tuple[int, str, str, float, int]:
    """(exit code, stdout, stderr, seconds, peak RSS in bytes) of the CLI under RLIMIT_AS."""
    out_path, err_path = Path(cwd) / "stdout.txt", Path(cwd) / "stderr.txt"
    started = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen([str(cli_path()), *map(str, args)], cwd=cwd, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, preexec_fn=_limit_memory)
        deadline = started + 120
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                pytest.fail(f"{args[0]} still running after 120 s")
            time.sleep(0.02)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return (process.returncode, out_path.read_text(), err_path.read_text(), seconds, usage.ru_maxrss * 1024)


def values(folder: Path, endpoint: str) -> list[Path]:
    host = endpoint.split("://", 1)[1]
    secret, config = folder / "secret.yaml", folder / "config.yaml"
    secret.write_text(f"registry:\n  url: {endpoint}\n  username: binder\n  password: hostile-test-pw-0001\n"
                      "config:\n  GitHubRepoProvider:\n    access_token: ghp_0123456789abcdef0123456789abcdef0123\n"
                      "  GitLabRepoProvider:\n    private_token: glpat-0123456789abcdefghij\n")
    config.write_text(f"config:\n  BinderHub:\n    use_registry: true\n    image_prefix: {host}/binder/prod-\n"
                      f"    hub_url: http://192.0.2.1\n  GitHubRepoProvider:\n    api_base_path: {endpoint}/api/v3/\n"
                      f"  GitLabRepoProvider:\n    hostname: {host}\n")
    return [secret, config]


ARGS = {
    "check-registry": [],
    "check-github": ["--insecure-http", "--repo", "octo/repo"],
    "check-gitlab": ["--insecure-http", "--repo", "group/project"],
    "doctor": ["--insecure-http", "--github-repo", "octo/repo", "--gitlab-repo", "group/project"],
}


def probe(command: str, folder: Path, endpoint: str):
    files = values(folder, endpoint)
    code, out, err, seconds, peak = run_limited(
        [command, *files, "--timeout", TIMEOUT, "--format", "json", *ARGS[command]], folder)
    assert code == 1, f"exit {code}\n{out}\n{err}"
    assert err == "", err
    assert seconds <= BUDGET[command] + STARTUP_SLACK, f"{command} took {seconds:.1f} s"
    assert peak < PEAK_RSS_LIMIT, f"{command} peaked at {peak >> 20} MiB"
    return parsed(command, out)


def parsed(command: str, out: str) -> dict:
    """The JSON report; doctor's checked against its public schema, whatever the servers sent."""
    return doctor_report(out) if command == "doctor" else json.loads(out)


def failed_details(report: dict, sections=("github", "gitlab")) -> list[str]:
    """The details of failed steps (of the given doctor sections, or of a single probe)."""
    reports = [s["report"] for s in report["sections"] if s["name"] in sections and "report" in s] \
        if "sections" in report else [report]
    return [step["detail"] for r in reports for step in r["steps"] if step["status"] == "fail"]


@pytest.fixture
def hostile(request):
    handler = KINDS[request.param][0]
    with HttpServer(handler) as server:
        yield request.param, server


# --------------------------------------------------------------------------- the provider probes and doctor

@pytest.mark.parametrize("hostile", sorted(KINDS), indirect=True)
@pytest.mark.parametrize("command", ["check-github", "check-gitlab"])
def test_provider_probes_end_in_time_with_a_clear_failure(tmp_path, command, hostile):
    kind, server = hostile
    report = probe(command, tmp_path, server.url(""))
    assert server.seen, "the probe never reached the server"
    details = failed_details(report)
    assert details and KINDS[kind][1] in details[0], details


def test_provider_probes_against_a_port_that_accepts_and_never_answers(tmp_path):
    with silent_port() as port:
        for command in ("check-github", "check-gitlab"):
            details = failed_details(probe(command, tmp_path, f"http://127.0.0.1:{port}"))
            assert details and "sent no answer within 1 s" in details[0], details


@pytest.mark.parametrize("hostile", ["never-answers", "drips-headers", "1-GiB-undeclared", "redirect-loop"],
                         indirect=True)
def test_doctor_ends_in_time_with_every_network_section_failing_clearly(tmp_path, hostile):
    kind, server = hostile
    report = probe("doctor", tmp_path, server.url(""))
    statuses = {s["name"]: s["status"] for s in report["sections"]}
    assert statuses["github"] == "fail" and statuses["gitlab"] == "fail", statuses
    details = failed_details(report)
    assert len(details) >= 2 and all(KINDS[kind][1] in d for d in details), details


# --------------------------------------------------------------------------- check-registry's later requests

def registry_misbehaving_at(where: str, handler):
    """A registry whose /v2/ asks for a Bearer token properly; the token realm or the manifest
    request then gets ``handler``'s answer."""
    def handle(request):
        path = request.path.split("?")[0]
        host = request.headers.get("Host")
        if path == "/token":
            if where == "token realm":
                return handler(request)
            return 200, {"Content-Type": "application/json"}, json.dumps({"token": "opaque", "expires_in": 60}).encode()
        if path == "/v2/":
            if "Authorization" not in request.headers:
                return 401, {"WWW-Authenticate": f'Bearer realm="http://{host}/token",service="reg"'}, b""
            return 200, {"Content-Type": "application/json"}, b"{}"
        if where == "manifest" and "/manifests/" in path:
            return handler(request)
        return 404, {"Content-Type": "application/json"}, b'{"errors": [{"code": "NAME_UNKNOWN", "message": "no"}]}'
    return handle


REGISTRY_CASES = [
    ("token realm", "never-answers", "authenticate", "token request: 127.0.0.1"),
    ("token realm", "drips-headers", "authenticate", "before the overall deadline"),
    ("token realm", "1-GiB-undeclared", "authenticate", "token server"),
    ("token realm", "1-GiB-declared", "authenticate", "token server"),
    ("manifest", "never-answers", "pull", "sent no answer within 1 s"),
    ("manifest", "drips-headers", "pull", "before the overall deadline"),
]


@pytest.mark.parametrize("where, kind, step, phrase", REGISTRY_CASES)
def test_check_registry_later_requests_end_in_time(tmp_path, where, kind, step, phrase):
    with HttpServer(registry_misbehaving_at(where, KINDS[kind][0])) as server:
        report = probe("check-registry", tmp_path, server.url(""))
    steps = {s["name"]: s for s in report["steps"]}
    assert steps[step]["status"] == "fail", steps[step]
    assert phrase in steps[step]["detail"], steps[step]
    assert all(s["status"] in ("skip", "fail") for name, s in steps.items() if name in ("pull", "push")
               and step == "authenticate")


def test_the_memory_limit_would_catch_a_materialised_body(tmp_path):
    """The RLIMIT_AS and peak-RSS checks are only worth something if a process that does read a
    1 GiB body into memory fails them."""
    script = "import sys; data = b' ' * (1 << 30); print(len(data))"
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               preexec_fn=_limit_memory, check=False)
    assert completed.returncode != 0 and "MemoryError" in completed.stderr


# --------------------------------------------------------------------------- hostile answers

DEEP_JSON = b"[" * 200_000 + b"]" * 200_000  # 400 kB: under the 1 MiB cap, far over Python's stack
JSON_TYPE = {"Content-Type": "application/json"}


def deep_json_everywhere(request):
    """Every API answers 200 (the registry 401 with a same-host realm) with JSON nested 200,000 deep."""
    if request.path.split("?")[0] == "/v2/":
        host = request.headers.get("Host")
        return 401, {"WWW-Authenticate": f'Bearer realm="http://{host}/token",service="reg"', **JSON_TYPE}, DEEP_JSON
    return 200, JSON_TYPE, DEEP_JSON


def bearer_realm(realm: str):
    def handle(request):
        return 401, {"WWW-Authenticate": f'Bearer realm="{realm}",service="reg"'}, b""
    return handle


def push_location(location: str):
    """An anonymous registry whose blob upload answers 202 with ``location``."""
    def handle(request):
        path = request.path.split("?")[0]
        if path == "/v2/":
            return 200, JSON_TYPE, b"{}"
        if path.endswith("/blobs/uploads/") and request.command == "POST":
            return 202, {"Location": location, "Content-Length": "0"}, b""
        return 404, JSON_TYPE, b'{"errors": [{"code": "MANIFEST_UNKNOWN", "message": "no"}]}'
    return handle


def github_answering(status: int, headers: dict, body: dict):
    def handle(request):
        return status, {**JSON_TYPE, **headers}, json.dumps(body).encode()
    return handle


GITHUB_RATE = {"resources": {"core": {"limit": 5000, "remaining": 4990, "used": 10, "reset": 1_900_000_000}}}
EXHAUSTED = {"x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000"}


def run_hostile(command: str, folder: Path, endpoint: str, *extra) -> tuple[int, dict]:
    files = values(folder, endpoint)
    code, out, err, seconds, _peak = run_limited(
        [command, *files, "--timeout", TIMEOUT, "--format", "json", *ARGS[command], *extra], folder)
    assert err == "", err
    assert "internal error" not in out and code in (0, 1), (code, out)
    return code, parsed(command, out)


def steps_of(report: dict) -> dict:
    found = {}
    for step in report["steps"]:
        found.setdefault(step["name"], step)
    return found


@pytest.mark.parametrize("command", ["check-registry", "check-github", "check-gitlab"])
def test_json_nested_200000_deep_is_a_failed_step(tmp_path, command):
    with HttpServer(deep_json_everywhere) as server:
        code, report = run_hostile(command, tmp_path, server.url(""))
    assert code == 1
    failed = [s for s in report["steps"] if s["status"] == "fail"]
    assert failed, report["steps"]
    if command == "check-registry":
        assert steps_of(report)["authenticate"]["detail"].endswith("answered without a token")
    elif command == "check-github":
        assert "did not answer with GitHub's rate-limit JSON" in failed[0]["detail"]


def test_doctor_keeps_its_lint_section_when_every_server_sends_deep_json(tmp_path):
    with HttpServer(deep_json_everywhere) as server:
        code, report = run_hostile("doctor", tmp_path, server.url(""))
    assert code == 1
    sections = {s["name"]: s for s in report["sections"]}
    assert set(sections) == {"lint", "registry", "github", "gitlab"}
    assert all(sections[name]["status"] == "fail" for name in ("registry", "github", "gitlab")), sections


@pytest.mark.parametrize("realm", ["http://[::1/token", "http://127.0.0.1:99999/token", "ftp://127.0.0.1/token"])
def test_an_unusable_realm_fails_the_challenge_step(tmp_path, realm):
    with HttpServer(bearer_realm(realm)) as server:
        code, report = run_hostile("check-registry", tmp_path, server.url(""))
    assert code == 1
    step = steps_of(report)["challenge"]
    assert step["status"] == "fail" and "realm that is not a usable http(s) URL" in step["detail"], step
    assert steps_of(report)["authenticate"]["status"] == "skip"


@pytest.mark.parametrize("location", ["http://127.0.0.1:99999/upload/1", "http://[::1/upload/1"])
def test_a_push_location_with_a_bad_port_fails_the_push_step(tmp_path, location):
    with HttpServer(push_location(location)) as server:
        code, report = run_hostile("check-registry", tmp_path, server.url(""))
    assert code == 1
    step = steps_of(report)["push"]
    assert step["status"] == "fail" and "is not a usable URL" in step["detail"], step


@pytest.mark.parametrize("reset", ["99999999999999", "Infinity", "-99999999999999", "nan"])
def test_a_github_rate_limit_reset_out_of_range_is_an_unknown_time(tmp_path, reset):
    with HttpServer(github_answering(403, {**EXHAUSTED, "x-ratelimit-reset": reset},
                                     {"message": "API rate limit exceeded"})) as server:
        code, report = run_hostile("check-github", tmp_path, server.url(""))
    assert code == 1
    step = steps_of(report)["rate limit (access_token)"]
    assert step["status"] == "fail" and "resets at an unknown time" in step["detail"], step


def test_a_github_rate_limit_body_with_infinity_is_a_failed_step(tmp_path):
    body = {"resources": {"core": {"limit": 5000, "remaining": 0, "used": 5000, "reset": float("inf")}}}
    with HttpServer(github_answering(200, {}, body)) as server:
        code, report = run_hostile("check-github", tmp_path, server.url(""))
    assert code == 1
    step = steps_of(report)["rate limit (access_token)"]
    assert step["status"] == "fail" and "did not answer with GitHub's rate-limit JSON" in step["detail"], step


def test_a_github_token_expiring_in_the_year_9999_west_of_utc(tmp_path):
    """`9999-12-31 23:59:59 -1200` is 10000-01-01 in UTC: past what Python's datetime holds."""
    expiry = {"github-authentication-token-expiration": "9999-12-31 23:59:59 -1200"}
    with HttpServer(github_answering(200, expiry, GITHUB_RATE)) as server:
        code, report = run_hostile("check-github", tmp_path, server.url(""))
    step = steps_of(report)["token expiry"]
    assert step["status"] == "ok" and step["detail"].startswith("expires on 9999-12-31 23:59 -1200"), step


def test_a_gitlab_token_expiring_in_the_year_9999(tmp_path):
    record = {"id": 1, "name": "binder", "active": True, "revoked": False, "scopes": ["read_api"],
              "expires_at": "9999-12-31 23:59:59 -1200", "user_id": 1}

    def handle(request):
        if request.path.startswith("/api/v4/personal_access_tokens/self"):
            return 200, JSON_TYPE, json.dumps(record).encode()
        return 404, JSON_TYPE, b'{"message": "404 Project Not Found"}'

    with HttpServer(handle) as server:
        code, report = run_hostile("check-gitlab", tmp_path, server.url(""))
    step = steps_of(report)["token expiry"]
    assert step["status"] == "ok" and "9999-12-31" in step["detail"], step


@pytest.mark.parametrize("location", ["http://[::1/v2/", "http://127.0.0.1:99999/v2/"])
def test_a_redirect_to_an_unusable_location_fails_the_step(tmp_path, location):
    with HttpServer(lambda request: (302, {"Location": location}, b"")) as server:
        code, report = run_hostile("check-registry", tmp_path, server.url(""))
    assert code == 1
    step = steps_of(report)["connect"]
    assert step["status"] == "fail" and "redirects to a location that is not a usable URL" in step["detail"], step
