"""probes/http.py against real servers on loopback: time, size, redirects, credentials, TLS."""

from __future__ import annotations

import itertools
import socket
import time
import tracemalloc

import pytest
import requests

from binderhub_doctor.probes.http import HttpClient, HttpError, _classify, is_loopback, safe_url
from support.registry_server import HttpServer, closed_port, make_ca, make_server_cert, silent_port
from support.tools import NETWORK_SERVERS

pytestmark = NETWORK_SERVERS

CANARY = "canary-Secret-7f3a9c"


def ok(body=b"ok", **headers):
    return 200, headers, body


def elapsed(function):
    started = time.monotonic()
    try:
        result = function()
    except HttpError as error:
        return error, time.monotonic() - started
    return result, time.monotonic() - started


# --------------------------------------------------------------------------- time

def test_server_that_never_answers_hits_the_read_timeout():
    with silent_port() as port, HttpClient(timeout=1, deadline=20) as http:
        error, seconds = elapsed(lambda: http.get(f"http://127.0.0.1:{port}/v2/", authorization=f"Bearer {CANARY}"))
    assert isinstance(error, HttpError) and error.kind == "timeout"
    assert 0.9 <= seconds < 3
    assert f"127.0.0.1:{port}" in str(error) and "no answer within 1 s" in str(error)
    assert CANARY not in str(error)


def test_body_dripping_one_byte_at_a_time_stops_at_the_deadline():
    def drip(_request):
        def body():
            while True:
                yield b"x"
                time.sleep(0.05)
        return 200, {"Content-Length": "100000"}, body()

    with HttpServer(drip) as server, HttpClient(timeout=1, deadline=1.5) as http:
        error, seconds = elapsed(lambda: http.get(server.url("/")))
    assert isinstance(error, HttpError) and error.kind == "deadline"
    assert 1.4 <= seconds < 3


def test_headers_dripping_one_byte_at_a_time_stop_at_the_deadline():
    def drip_headers(request):
        for byte in itertools.islice(itertools.cycle(b"HTTP/1.1 200 OK\r\nX-Slow: yes"), 400):
            request.wfile.write(bytes([byte]))
            request.wfile.flush()
            time.sleep(0.02)
        return None

    with HttpServer(drip_headers) as server, HttpClient(timeout=1, deadline=1.5) as http:
        error, seconds = elapsed(lambda: http.get(server.url("/")))
    assert isinstance(error, HttpError) and error.kind == "deadline"
    assert 1.4 <= seconds < 3


def test_connection_refused_is_fast_and_clear():
    port = closed_port()
    with HttpClient(timeout=5) as http:
        error, seconds = elapsed(lambda: http.get(f"http://127.0.0.1:{port}/v2/?token={CANARY}"))
    assert isinstance(error, HttpError) and error.kind == "refused"
    assert seconds < 1
    assert str(error).startswith(f"connection refused by 127.0.0.1:{port}")
    assert CANARY not in str(error) and CANARY not in repr(error)
    assert error.__cause__ is None and error.__suppress_context__


# --------------------------------------------------------------------------- size

def test_declared_huge_body_is_not_read():
    with HttpServer(lambda r: (200, {"Content-Length": str(1 << 30)}, iter([b"\0" * 65536] * 4))) as server, \
            HttpClient(timeout=5) as http:
        response, seconds = elapsed(lambda: http.get(server.url("/")))
    assert response.status == 200 and response.truncated and response.body == b""
    assert seconds < 2
    with pytest.raises(HttpError) as caught:
        response.json()
    assert caught.value.kind == "too_large"


def test_undeclared_1_gib_body_is_capped_in_memory():
    chunk = b"\0" * 65536

    def endless(_request):
        return 200, {}, itertools.repeat(chunk, (1 << 30) // len(chunk))  # 1 GiB, no Content-Length

    with HttpServer(endless) as server, HttpClient(timeout=5, max_body=1 << 20) as http:
        tracemalloc.start()
        try:
            response, seconds = elapsed(lambda: http.get(server.url("/")))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert response.truncated and len(response.body) == 1 << 20
    assert peak < 8 << 20
    assert seconds < 5


# --------------------------------------------------------------------------- redirects

def test_redirect_loop_is_detected():
    def loop(request):
        return 302, {"Location": "/b" if request.path == "/a" else "/a"}, b""

    with HttpServer(loop) as server, HttpClient(timeout=5) as http:
        with pytest.raises(HttpError) as caught:
            http.get(server.url("/a"))
    assert caught.value.kind == "redirect_loop"
    assert len(server.seen) == 2


def test_redirect_chain_is_bounded():
    def onwards(request):
        return 302, {"Location": f"/{int(request.path[1:]) + 1}"}, b""

    with HttpServer(onwards) as server, HttpClient(timeout=5, max_redirects=3) as http:
        with pytest.raises(HttpError) as caught:
            http.get(server.url("/0"))
    assert caught.value.kind == "too_many_redirects"
    assert len(server.seen) == 4


def test_redirect_to_another_host_drops_every_credential_for_good():
    with HttpServer(lambda r: ok()) as other:
        def bounce(request):
            if request.path == "/start":
                return 307, {"Location": other.url("/landing", host="localhost")}, b""
            return ok()

        with HttpServer(bounce) as first:
            def other_answer(request):
                if request.path == "/landing":
                    return 302, {"Location": first.url("/back")}, b""
                return ok()
            other._handle = other_answer
            with HttpClient(timeout=5) as http:
                response = http.get(first.url("/start"), authorization=f"Bearer {CANARY}",
                                    headers={"PRIVATE-TOKEN": CANARY, "X-Harmless": "kept"})
    assert response.status == 200
    assert response.credentials_dropped
    assert response.redirects == [f"http://localhost:{other.port}/landing", f"http://127.0.0.1:{first.port}/back"]
    landing = other.seen[0].headers
    assert "Authorization" not in landing and "Private-Token" not in landing and "PRIVATE-TOKEN" not in landing
    assert landing["X-Harmless"] == "kept"
    back = [s for s in first.seen if s.path == "/back"][0].headers
    assert "Authorization" not in back  # coming back to the first host does not restore them
    assert first.seen[0].headers["Authorization"] == f"Bearer {CANARY}"


def test_redirect_on_the_same_host_keeps_credentials():
    def same(request):
        return (302, {"Location": "/two"}, b"") if request.path == "/one" else ok()

    with HttpServer(same) as server, HttpClient(timeout=5) as http:
        response = http.get(server.url("/one"), basic=("alice", CANARY))
    assert response.status == 200 and not response.credentials_dropped
    assert server.seen[1].path == "/two" and server.seen[1].headers["Authorization"].startswith("Basic ")


def test_redirect_to_plain_http_elsewhere_is_refused_before_connecting():
    with HttpServer(lambda r: (302, {"Location": "http://registry.example.com/v2/"}, b"")) as server, \
            HttpClient(timeout=5) as http:
        with pytest.raises(HttpError) as caught:
            http.get(server.url("/"))
    assert caught.value.kind == "insecure" and "registry.example.com:80" in str(caught.value)


def test_post_303_becomes_get_without_body():
    def see_other(request):
        return (303, {"Location": "/done"}, b"") if request.path == "/form" else ok()

    with HttpServer(see_other) as server, HttpClient(timeout=5) as http:
        http.post(server.url("/form"), data=b"payload")
    assert [(s.method, s.path) for s in server.seen] == [("POST", "/form"), ("GET", "/done")]


# --------------------------------------------------------------------------- transport policy

def test_plain_http_only_for_loopback_or_allowed_hosts():
    with HttpClient() as http:
        for url in ("http://registry.example.com/v2/", "http://10.0.0.5:5000/v2/"):
            with pytest.raises(HttpError) as caught:
                http.get(url)
            assert caught.value.kind == "insecure"
        assert http.allows_plain_http("http://127.0.0.1:5000/") and http.allows_plain_http("http://localhost/")
        assert http.allows_plain_http("http://[::1]:80/")
    with HttpClient(insecure_hosts=["registry.lan", "other.lan:5000"]) as http:
        assert http.allows_plain_http("http://registry.lan:1234/")
        assert http.allows_plain_http("http://other.lan:5000/")
        assert not http.allows_plain_http("http://other.lan:6000/")


def test_urls_with_userinfo_are_refused():
    with HttpClient() as http, pytest.raises(HttpError) as caught:
        http.get(f"https://alice:{CANARY}@127.0.0.1:1/")
    assert caught.value.kind == "invalid_url" and CANARY not in str(caught.value)


def test_tls_verification_with_and_without_ca_bundle(tmp_path):
    ca = make_ca(tmp_path)
    cert = make_server_cert(tmp_path, ca)
    with HttpServer(lambda r: ok(), tls=cert) as server:
        with HttpClient(timeout=5) as http, pytest.raises(HttpError) as caught:
            http.get(server.url("/"))
        assert caught.value.kind == "tls"
        assert "could not be verified" in str(caught.value) and "--ca-bundle" in str(caught.value)
        with HttpClient(timeout=5, ca_bundle=str(ca[0])) as http:
            assert http.get(server.url("/")).status == 200
            assert http.get(server.url("/", host="localhost")).status == 200


def test_https_to_a_plain_http_server_says_so():
    with HttpServer(lambda r: ok()) as server, HttpClient(timeout=5) as http:
        with pytest.raises(HttpError) as caught:
            http.get(f"https://127.0.0.1:{server.port}/")
    assert caught.value.kind == "tls" and "does not speak TLS" in str(caught.value)


def test_dns_failure_is_classified_from_the_real_exception_chain():
    # No test may resolve names on the network, so the chain urllib3 builds is rebuilt here
    # from a real socket.gaierror.
    try:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    except socket.gaierror as cause:
        try:
            raise requests.exceptions.ConnectionError(cause) from cause
        except requests.exceptions.ConnectionError as wrapped:
            error = _classify(wrapped, f"https://registry.invalid/v2/?t={CANARY}", 5)
    assert error.kind == "dns" and "registry.invalid" in str(error) and CANARY not in str(error)


# --------------------------------------------------------------------------- retries

def test_retries_503_honouring_retry_after():
    answers = iter([(503, {"Retry-After": "0"}, b""), (503, {"Retry-After": "0"}, b""), ok(b"{}")])
    with HttpServer(lambda r: next(answers)) as server, HttpClient(timeout=5, retries=2) as http:
        response = http.get(server.url("/"))
    assert response.status == 200 and len(server.seen) == 3


def test_retry_after_beyond_the_deadline_returns_at_once():
    with HttpServer(lambda r: (429, {"Retry-After": "30"}, b"slow down")) as server, \
            HttpClient(timeout=1, deadline=3) as http:
        response, seconds = elapsed(lambda: http.get(server.url("/")))
    assert response.status == 429 and seconds < 1 and len(server.seen) == 1


def test_post_is_not_retried_on_500_but_backoff_applies_to_get():
    with HttpServer(lambda r: (500, {}, b"")) as server, HttpClient(timeout=5, retries=2, backoff=0.1) as http:
        assert http.post(server.url("/")).status == 500
        assert len(server.seen) == 1
        response, seconds = elapsed(lambda: http.get(server.url("/")))
    assert response.status == 500 and len(server.seen) == 4
    assert seconds >= 0.3  # 0.1 + 0.2 backoff


# --------------------------------------------------------------------------- small things

def test_uncompressed_bodies_and_json():
    with HttpServer(lambda r: ok(b'{"a": 1}', **{"Content-Type": "application/json"})) as server, \
            HttpClient(timeout=5) as http:
        response = http.get(server.url("/"), params={"scope": "repository:x:pull"})
    assert response.json() == {"a": 1}
    assert server.seen[0].headers["Accept-Encoding"] == "identity"
    assert server.seen[0].path == "/?scope=repository%3Ax%3Apull"


def test_safe_url_and_loopback():
    assert safe_url(f"https://u:{CANARY}@host:8443/v2/x?token={CANARY}#f") == "https://host:8443/v2/x"
    assert is_loopback("127.0.0.2") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("10.0.0.1") and not is_loopback("example.com") and not is_loopback(None)
