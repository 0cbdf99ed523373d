"""models/registry.py: what BinderHub derives from the values (chart helper + registry.py + builder.py).

Expected values are worked out from binderhub @ b9fad995 (shared/reference/binderhub.md §3):
`_helpers.tpl` buildDockerConfig, `binderhub/registry.py` DockerRegistry defaults and
`binderhub/builder.py` _get_image_basename_and_tag (whose own tests are replayed below).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import textwrap

import pytest

from binderhub_doctor.documents import Document, parse_text
from binderhub_doctor.models.registry import (
    ERROR,
    WARNING,
    derive,
    go_float,
    go_sprint,
    image_basename_and_tag,
    token_url_endpoint,
    token_url_service,
)
from binderhub_doctor.values import build_values

GCP_KEY = json.dumps({
    "type": "service_account", "project_id": "proj", "private_key_id": "0123456789abcdef0123",
    "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
    "client_email": "binder@proj.iam.gserviceaccount.com",
}, indent=2)


def values(registry=None, binderhub=None, **config_sections):
    root = {"registry": registry or {}, "config": {"BinderHub": {"use_registry": True, **(binderhub or {})}}}
    root["config"].update(config_sections)
    return root


def messages(settings, level=None):
    return [n.message for n in settings.notes if level is None or n.level == level]


def auth_of(settings, key):
    return base64.b64decode(settings.docker_config["auths"][key]["auth"]).decode()


# --------------------------------------------------------------------------- registry kinds

def test_gcr_io_gets_json_key_username_and_gcr_token_url():
    s = derive(values({"url": "https://gcr.io", "password": GCP_KEY}, {"image_prefix": "gcr.io/proj/binder-"}))
    assert s.chart_registry_url == "https://gcr.io"
    assert s.auths_keys == ("https://gcr.io",)
    assert s.url == "https://gcr.io"
    assert s.auth_config_url == "https://gcr.io"
    assert s.username == "_json_key"
    assert s.password == GCP_KEY
    assert auth_of(s, "https://gcr.io") == f"_json_key:{GCP_KEY}"
    assert s.token_url == "https://gcr.io/v2/token?service=gcr.io"
    assert s.not_found_401 is False
    assert s.repository == "proj/binder-binderhub-doctor-check"
    assert messages(s) == []


def test_eu_gcr_io_gets_token_username_and_a_finding_for_the_json_key():
    s = derive(values({"url": "https://eu.gcr.io", "password": GCP_KEY}, {"image_prefix": "eu.gcr.io/proj/b-"}))
    assert s.username == "<token>"  # the chart's exact-match special case (binderhub #1345)
    assert s.token_url == "https://eu.gcr.io/v2/token?service=eu.gcr.io"
    assert s.repository == "proj/b-binderhub-doctor-check"
    errors = messages(s, ERROR)
    assert len(errors) == 1 and "_json_key" in errors[0] and "<token>" in errors[0]
    assert [n.fix for n in s.notes] == ["set registry.username: _json_key"]
    # The finding must not quote the key itself.
    assert "PRIVATE KEY" not in errors[0] and "0123456789abcdef0123" not in errors[0]


def test_eu_gcr_io_with_json_key_username_is_clean():
    s = derive(values({"url": "https://eu.gcr.io", "username": "_json_key", "password": GCP_KEY},
                      {"image_prefix": "eu.gcr.io/proj/b-"}))
    assert s.username == "_json_key" and messages(s) == []


def test_docker_hub_default_maps_v1_key_to_registry_1():
    s = derive(values({"username": "me", "password": "pw"}, {"image_prefix": "myorg/binder-"}))
    assert s.chart_registry_url == "https://index.docker.io/v1/"
    assert s.url == "https://registry-1.docker.io"
    assert s.auth_config_url == "https://index.docker.io/v1/"
    assert (s.username, s.password) == ("me", "pw")
    assert s.token_url == "https://auth.docker.io/token?service=registry.docker.io"
    assert s.not_found_401 is True
    assert s.repository == "myorg/binder-binderhub-doctor-check"  # Docker Hub namespace/name kept whole
    assert s.host == "registry-1.docker.io"


def test_docker_hub_explicit_key_without_trailing_slash_is_not_the_v1_key():
    # Since PR #1945 only the exact key with the slash maps to registry-1; without it the key
    # itself becomes the url, which answers the v1 API and `not_found_401`/token_url follow suit.
    s = derive(values({"url": "https://index.docker.io/v1", "username": "me", "password": "pw"},
                      {"image_prefix": "myorg/binder-"}))
    assert s.url == "https://index.docker.io/v1"
    assert s.auth_config_url == "https://index.docker.io/v1"
    assert (s.username, s.password) == ("me", "pw")
    assert s.token_url == ""  # the url ends in /v1, not .docker.io
    assert s.not_found_401 is False
    assert any("index.docker.io/v1/v2/" in m for m in messages(s, ERROR))


def test_docker_hub_explicit_key_with_trailing_slash_is_the_default():
    s = derive(values({"url": "https://index.docker.io/v1/", "username": "me", "password": "pw"},
                      {"image_prefix": "docker.io/myorg/binder-"}))
    assert s.url == "https://registry-1.docker.io"
    assert s.auth_config_url == "https://index.docker.io/v1/"
    assert s.repository == "myorg/binder-binderhub-doctor-check"  # docker.io dropped as the host


def test_acr_needs_its_own_token_url():
    s = derive(values({"url": "https://myacr.azurecr.io", "username": "app-id", "password": "pw"},
                      {"image_prefix": "myacr.azurecr.io/binder/prefix-"}))
    assert s.url == "https://myacr.azurecr.io"
    assert s.token_url == ""
    assert s.not_found_401 is False
    assert s.repository == "binder/prefix-binderhub-doctor-check"


def test_acr_token_url_with_service_is_clean_and_without_service_warns():
    good = derive(values({"url": "https://myacr.azurecr.io", "username": "u", "password": "pw"},
                         {"image_prefix": "myacr.azurecr.io/b/p-"},
                         DockerRegistry={"token_url": "https://myacr.azurecr.io/oauth2/token?service=myacr.azurecr.io"}))
    assert good.token_url.endswith("service=myacr.azurecr.io")
    assert good.sources["token_url"] == "config.DockerRegistry.token_url"
    assert messages(good) == []
    bare = derive(values({"url": "https://myacr.azurecr.io", "username": "u", "password": "pw"},
                         {"image_prefix": "myacr.azurecr.io/b/p-"},
                         DockerRegistry={"token_url": "https://myacr.azurecr.io/oauth2/token"}))
    assert any("container_registry" in m for m in messages(bare, WARNING))


def test_custom_registry_with_port_and_bare_host_key():
    s = derive(values({"url": "registry.example.org:5000", "username": "u", "password": "pw"},
                      {"image_prefix": "registry.example.org:5000/binder/"}))
    assert s.chart_registry_url == "registry.example.org:5000"
    assert s.url == "https://registry.example.org:5000"  # https:// added to a bare key
    # registry.py looks up url, then url.hostname (without the port!), then falls back to url.
    assert s.auth_config_url == "https://registry.example.org:5000"
    assert (s.username, s.password) == ("", "")
    assert any("not a key of the config.json" in m for m in messages(s, ERROR))


def test_custom_registry_bare_host_key_without_port_matches_hostname():
    s = derive(values({"url": "registry.example.org", "username": "u", "password": "pw"},
                      {"image_prefix": "registry.example.org/binder/"}))
    assert s.url == "https://registry.example.org"
    assert s.auth_config_url == "registry.example.org"
    assert (s.username, s.password) == ("u", "pw")
    assert s.repository == "binder/binderhub-doctor-check"


def test_artifact_registry():
    s = derive(values({"url": "https://us-central1-docker.pkg.dev", "username": "_json_key", "password": GCP_KEY},
                      {"image_prefix": "us-central1-docker.pkg.dev/proj/repo/binder-"}))
    assert s.url == "https://us-central1-docker.pkg.dev"
    assert s.token_url == ""  # not a *.gcr.io host
    assert s.username == "_json_key"
    assert s.repository == "proj/repo/binder-binderhub-doctor-check"
    assert messages(s) == []


def test_artifact_registry_class_uses_metadata_token_url_and_warns():
    s = derive(values({"url": "https://europe-docker.pkg.dev", "username": "_json_key", "password": GCP_KEY},
                      {"image_prefix": "europe-docker.pkg.dev/p/r/b-",
                       "registry_class": "binderhub.registry.GoogleArtifactRegistry"}))
    assert s.token_url.startswith("http://metadata.google.internal/")
    assert any("GoogleArtifactRegistry" in m for m in messages(s, WARNING))


def test_explicit_dockerregistry_url_on_another_host():
    s = derive(values({"url": "https://index.docker.io/v1/", "username": "me", "password": "pw"},
                      {"image_prefix": "myorg/binder-"},
                      DockerRegistry={"url": "https://registry.hub.docker.com"}))
    assert s.url == "https://registry.hub.docker.com"
    assert s.sources["url"] == "config.DockerRegistry.url"
    # Not a key, hostname not a key, host ends in .docker.com: the v1 key, so credentials are found.
    assert s.auth_config_url == "https://index.docker.io/v1/"
    assert (s.username, s.password) == ("me", "pw")
    assert s.token_url == ""  # registry.hub.docker.com gets no token_url (inferred in the reference)
    assert s.not_found_401 is False


def test_explicit_url_on_an_unrelated_host_finds_no_credentials():
    s = derive(values({"url": "https://gcr.io", "password": GCP_KEY}, {"image_prefix": "gcr.io/p/b-"},
                      DockerRegistry={"url": "https://other.example.com"}))
    assert s.auth_config_url == "https://other.example.com"
    assert (s.username, s.password) == ("", "")
    assert any("not a key of the config.json" in m for m in messages(s, ERROR))


def test_nested_binderhub_dockerregistry_wins_over_top_level():
    s = derive(values({"url": "https://r.example.com", "username": "u", "password": "pw"},
                      {"image_prefix": "r.example.com/p/", "DockerRegistry": {"token_url": "https://b/t?service=b"}},
                      DockerRegistry={"token_url": "https://a/t?service=a", "not_found_401": True}))
    assert s.token_url == "https://b/t?service=b"
    assert s.sources["token_url"] == "config.BinderHub.DockerRegistry.token_url"
    assert s.not_found_401 is True


def test_explicit_username_and_password_traits_override_config_json():
    s = derive(values({"url": "https://r.example.com", "username": "u", "password": "pw"},
                      {"image_prefix": "r.example.com/p/"},
                      DockerRegistry={"username": "robot", "password": "other"}))
    assert (s.username, s.password) == ("robot", "other")


def test_build_docker_config_auths_are_merged_and_sorted():
    extra = {"auths": {"https://aaa.example.com": {"auth": base64.b64encode(b"x:y").decode()},
                       "https://zzz.example.com": {"auth": "eg=="}}}
    s = derive(values({"url": "https://mid.example.com", "username": "u", "password": "pw"},
                      {"image_prefix": "mid.example.com/p/", "buildDockerConfig": extra}))
    # Go's JSON encoder sorts keys, and BinderHub takes the first one as its url.
    assert s.auths_keys == ("https://aaa.example.com", "https://mid.example.com", "https://zzz.example.com")
    assert s.url == "https://aaa.example.com"
    assert (s.username, s.password) == ("x", "y")
    assert s.sources["password"] == "config.BinderHub.buildDockerConfig auths"


def test_build_docker_config_cannot_override_the_chart_entry():
    extra = {"auths": {"https://r.example.com": {"auth": base64.b64encode(b"evil:override").decode(),
                                                 "email": "a@b"}}}
    s = derive(values({"url": "https://r.example.com", "username": "u", "password": "pw"},
                      {"image_prefix": "r.example.com/p/", "buildDockerConfig": extra}))
    assert (s.username, s.password) == ("u", "pw")  # sprig merge keeps the destination's value
    assert s.docker_config["auths"]["https://r.example.com"]["email"] == "a@b"


# --------------------------------------------------------------------------- values edge cases

def test_missing_password_is_gos_nil_text():
    s = derive(values({"url": "https://r.example.com", "username": "u"}, {"image_prefix": "r.example.com/p/"}))
    assert s.password == "%!s(<nil>)"
    assert any("%!s(<nil>)" in m for m in messages(s, ERROR))


def test_numeric_password_is_gos_float_text():
    s = derive(values({"url": "https://r.example.com", "username": "u", "password": 12345678},
                      {"image_prefix": "r.example.com/p/"}))
    assert s.password == "%!s(float64=1.2345678e+07)"
    assert any("not a string" in m for m in messages(s, ERROR))


@pytest.mark.parametrize("number, text", [
    (1234, "1234"), (123456, "123456"), (1234567, "1.234567e+06"), (1e6, "1e+06"), (0.0001, "0.0001"),
    (0.00001, "1e-05"), (1.5, "1.5"), (-2.25, "-2.25"), (0, "0"), (1e21, "1e+21"),
])
def test_go_float_matches_gos_v_verb(number, text):
    assert go_float(float(number)) == text


def test_go_sprint_of_other_kinds():
    assert go_sprint(True) == "%!s(bool=true)"
    assert go_sprint(None) == "%!s(<nil>)"
    assert go_sprint("x") == "x"


def test_url_without_scheme_in_dockerregistry_url_is_an_error():
    s = derive(values({"url": "https://r.example.com", "username": "u", "password": "p"},
                      {"image_prefix": "r.example.com/p/"}, DockerRegistry={"url": "r.example.com"}))
    assert any("has no scheme" in m for m in messages(s, ERROR))


def test_null_trait_is_a_traiterror():
    s = derive(values({"url": "https://r.example.com", "username": "u", "password": "p"},
                      {"image_prefix": "r.example.com/p/"}, DockerRegistry={"token_url": None}))
    assert any("TraitError" in m for m in messages(s, ERROR))
    assert s.token_url == ""


def test_use_registry_false():
    assert derive({"config": {"BinderHub": {"use_registry": False}}}).use_registry is False
    assert derive({}).use_registry is True


def test_empty_and_hostless_image_prefix():
    empty = derive(values({"url": "https://r.example.com", "username": "u", "password": "p"}, {}))
    assert any("image_prefix is empty" in m for m in messages(empty, ERROR))
    hostless = derive(values({"url": "https://r.example.com", "username": "u", "password": "p"},
                             {"image_prefix": "binder-"}))
    assert hostless.repository == ""
    assert any("empty repository name" in m for m in messages(hostless, ERROR))


def test_image_prefix_is_lowercased_and_underscores_replaced():
    s = derive(values({"url": "https://gcr.io", "password": "x"}, {"image_prefix": "gcr.io/My_Project/Binder_"}))
    assert s.probe_image == "gcr.io/my-project/binder-binderhub-doctor-check:binderhub-doctor-no-such-tag"
    assert s.repository == "my-project/binder-binderhub-doctor-check"


@pytest.mark.parametrize("full, expected", [
    # binderhub/tests/test_builder.py
    ("gcr.io/project/image:tag", ("project/image", "tag")),
    ("weirdregistry.com/image:tag", ("image", "tag")),
    ("gitlab-registry.example.com/group/project/my/image:rc1", ("group/project/my/image", "rc1")),
    # No tag: rsplit(":") takes the port and path as the tag, exactly as BinderHub does.
    ("localhost:5000/image", ("", "5000/image")),
    ("gcr.io/project/image", ("project/image", "latest")),
    ("myorg/image:tag", ("myorg/image", "tag")),
    ("org/image:tag", ("image", "tag")),  # a 3-letter namespace fails the Docker Hub regex
])
def test_image_basename_and_tag(full, expected):
    assert image_basename_and_tag(full) == expected


def test_token_url_helpers():
    assert token_url_service("https://a/t?scope=x&service=one&service=two") == "one"
    assert token_url_service("https://a/t") is None
    assert token_url_endpoint("https://a:1/t?service=x") == "https://a:1/t"


# --------------------------------------------------------------------------- Values, describe, purity

def test_describe_redacts_the_password_and_never_holds_it():
    s = derive(values({"url": "https://gcr.io", "password": GCP_KEY}, {"image_prefix": "gcr.io/p/b-"}))
    described = json.dumps(s.describe())
    assert "PRIVATE KEY" not in described and "0123456789abcdef0123" not in described
    assert base64.b64encode(f"_json_key:{GCP_KEY}".encode()).decode()[:20] not in described
    assert "PRIVATE KEY" not in repr(s)
    assert s.describe()["password"].endswith("chars)")


def test_derive_accepts_values_objects_with_a_meta_chart_key():
    text = textwrap.dedent("""\
        binderhub:
          registry:
            url: https://gcr.io
            password: secret-pw
          config:
            BinderHub:
              image_prefix: gcr.io/p/b-
        """)
    doc = parse_text(text, Document(file="secret.yaml"))
    loaded = build_values([doc])
    s = derive(loaded)
    assert (s.url, s.username, s.password) == ("https://gcr.io", "_json_key", "secret-pw")


def test_module_is_pure_and_fast_to_import():
    code = ("import sys, time; t = time.perf_counter(); import binderhub_doctor.models.registry; "
            "print(time.perf_counter() - t); "
            "print(sorted(m for m in ('requests', 'docker', 'urllib3', 'socket') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert float(out[0]) < 0.5
    assert out[1] == "[]"


# --------------------------------------------------------------------------- malformed URLs

MALFORMED_URLS = ["https://[x", "https://registry.example.org:99999", "https://registry.example.org:port",
                  "http://[::1/token"]


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_a_url_urlsplit_cannot_take_apart_never_stops_the_derivation(url):
    settings = derive(values({"url": url}))
    assert settings.url == url
    settings = derive(values({"url": "https://registry.example.org"}, binderhub=None,
                             DockerRegistry={"token_url": url, "auth_config_url": url}))
    assert settings.token_url == url


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_lint_and_check_registry_report_a_malformed_registry_url_without_crashing(tmp_path, url):
    from support.tools import invoke

    (tmp_path / "secret.yaml").write_text(f'registry:\n  url: "{url}"\n  username: u\n  password: p4ssw0rd-canary\n')
    (tmp_path / "config.yaml").write_text("config:\n  BinderHub:\n    use_registry: true\n"
                                          "    image_prefix: registry.example.org/org/binder-\n")
    for command in ("lint", "check-registry"):
        run = invoke(command, str(tmp_path / "secret.yaml"), str(tmp_path / "config.yaml"))
        assert "internal error" not in run.stdout + run.stderr, (command, run.stdout, run.stderr)
        assert run.returncode in (0, 1), (command, run.returncode, run.stderr)
