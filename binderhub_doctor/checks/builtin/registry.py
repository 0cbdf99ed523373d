"""`registry.*` and `config.DockerRegistry.*`: the credentials the chart renders, and the urls
BinderHub derives from them (see models/registry.py, which replays BinderHub's derivation)."""

from __future__ import annotations

import re

from ... import chart_versions
from ...models.registry import derive, looks_like_json_key, token_url_service
from ...urls import split_url
from ..base import Hit, unchecked
from ..kinds import builtin
from ..placeholder import find as find_placeholder

URL = ("registry", "url")
USERNAME = ("registry", "username")
PASSWORD = ("registry", "password")
DOCKER_REGISTRY = ("config", "DockerRegistry")
TOKEN_URL = DOCKER_REGISTRY + ("token_url",)
AUTH_CONFIG_URL = DOCKER_REGISTRY + ("auth_config_url",)
USE_REGISTRY = ("config", "BinderHub", "use_registry")
# Since binderhub PR #1586 (3de27f2d, 2022-12-15) DockerRegistry without a token_url follows the
# registry's 401 `WWW-Authenticate: Bearer` challenge (binderhub/registry.py@3de27f2d).
BEARER_CHALLENGE_SINCE = "1.0.0-0.dev.git.2927"
# GitLab's token endpoint, whose registry service is the `container_registry` that BinderHub asks
# for when token_url names none (binderhub/registry.py@b9fad995, `get_image_manifest`).
GITLAB_TOKEN_PATH = "/jwt/auth"
_NONE_WORDS = {"none", "null", "nil", "~", "false"}


def _text(values, path) -> str | None:
    value = values.get(path)
    if isinstance(value, str) and value and not find_placeholder(value):
        return value
    return None


def _host(url: str) -> str:
    return (split_url(url if "://" in url else "https://" + url).hostname or "").lower()


_HOST_AND_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]+)?(/[^\s]*)?$")
_DOCKER_HUB_V1 = re.compile(r"https?://index\.docker\.io/v1")


def canonical_url(url: str) -> str | None:
    """The one registry.url a fix may write for ``url``, or None when there is no single answer:
    `https://` added to a bare host (what BinderHub assumes), the trailing slash of Docker Hub's
    v1 key."""
    if not isinstance(url, str) or not url or find_placeholder(url):
        return None
    if not re.match(r"^https?://", url):
        if not _HOST_AND_PATH.match(url):
            return None
        url = "https://" + url
    return url + "/" if _DOCKER_HUB_V1.fullmatch(url) else url


@builtin
def url_form(values, spec, context):
    url = _text(values, URL)
    if url is None:
        return
    if not re.match(r"^https?://", url):
        yield Hit(URL, f"registry.url {values.show(URL)} has no scheme. The chart uses it verbatim as the "
                       "docker config.json key, and BinderHub has to guess the https:// part",
                  fix=f"Write `url: {canonical_url(url)}`." if canonical_url(url) else "Write the URL with https://.")
    elif _DOCKER_HUB_V1.fullmatch(url):
        yield Hit(URL, "registry.url is `https://index.docker.io/v1` without the trailing slash; docker "
                       "clients look credentials up under `https://index.docker.io/v1/`, so pushes fail",
                  severity="error", fix="Write `url: https://index.docker.io/v1/` (or leave url out for Docker Hub).")


@builtin
def json_key_username(values, spec, context):
    password = values.get(PASSWORD)
    if not looks_like_json_key(password):
        return
    url = values.get(URL)
    username = values.get(USERNAME)
    if username in (None, "") and url != "https://gcr.io":
        shown = url if isinstance(url, str) else "the Docker Hub default"
        hit = Hit(USERNAME if values.has(USERNAME) else URL,
                  f"registry.password is a Google JSON key, but registry.username is not set and registry.url is "
                  f"{shown}: the chart fills in `_json_key` only for exactly https://gcr.io, so it sends "
                  "`<token>` as the user name and every push is refused",
                  fix="Add `username: _json_key` under `registry:`.")
    elif isinstance(username, str) and username not in ("_json_key", "_json_key_base64", "") and \
            not find_placeholder(username):
        hit = Hit(USERNAME, f"registry.username is `{username}`, but a JSON key file is used with the user name "
                            "`_json_key` (or `_json_key_base64` for the key in base64)",
                  fix="Set `username: _json_key`.")
    else:
        return
    yield unchecked(values, "the user name for the JSON key", PASSWORD, (URL, USERNAME)) or hit


@builtin
def token_url_form(values, spec, context):
    token_url = values.get(TOKEN_URL)
    if not isinstance(token_url, str) or token_url == "" or find_placeholder(token_url):
        return
    if token_url.strip().lower() in _NONE_WORDS:
        yield Hit(TOKEN_URL, f"token_url is the text {values.show(TOKEN_URL)}, not an empty value: BinderHub "
                             "tries to fetch a token from the URL \"None\" before every image check, fails, and "
                             "rebuilds", fix='Write `token_url: ""` for a registry without a token server.')
        return
    if not re.match(r"^https?://[^/\s]+", token_url):
        yield Hit(TOKEN_URL, f"token_url {values.show(TOKEN_URL)} is not an http(s) URL",
                  fix="Write it as https://<host>/<path>?service=<service>.")
    elif token_url_service(token_url) is None and not split_url(token_url).path.rstrip("/").endswith(GITLAB_TOKEN_PATH):
        yield Hit(TOKEN_URL, "token_url has no `?service=` parameter; BinderHub then asks for "
                             "service=container_registry, which is GitLab's registry service but not other "
                             "registries' (they refuse the token, and every launch rebuilds)",
                  severity="warning", fix="Append `?service=<the service your registry advertises>`.")


@builtin
def acr_token_url(values, spec, context):
    url = _text(values, URL)
    if url is None or not _host(url).endswith(".azurecr.io"):
        return
    acr = _host(url)
    token_url = values.get(TOKEN_URL)
    if not values.has(TOKEN_URL) or token_url == "":
        if context.chart_key >= chart_versions.parse(BEARER_CHALLENGE_SINCE):
            return  # BinderHub asks ACR for a token the way its 401 answer says
        yield Hit(TOKEN_URL, f"registry.url is the Azure Container Registry {acr}, but "
                             "config.DockerRegistry.token_url is not set; BinderHub cannot get a token to check "
                             "for existing images and rebuilds them",
                  severity="warning",
                  fix=f"Set `config.DockerRegistry.token_url: https://{acr}/oauth2/token?service={acr}`.")
        return
    if not isinstance(token_url, str) or token_url.strip().lower() in _NONE_WORDS or find_placeholder(token_url):
        return
    service = token_url_service(token_url)
    if _host(token_url) != acr or (service is not None and service.lower() != acr):
        yield unchecked(values, f"the token_url for {acr}", TOKEN_URL, (URL, TOKEN_URL)) or Hit(TOKEN_URL, f"token_url {values.show(TOKEN_URL)} does not match the registry {acr}: both its "
                             "host and its `service=` must be the ACR host",
                  fix=f"Use `https://{acr}/oauth2/token?service={acr}`.")


@builtin
def auth_config(values, spec, context):
    """DockerRegistry must find credentials under a key of the config.json the chart renders."""
    if values.get(USE_REGISTRY) is False:
        return
    configured = values.get(DOCKER_REGISTRY)
    if not isinstance(configured, dict) or not ({"url", "auth_config_url"} & set(configured)):
        return  # the defaults always agree with the chart
    if any(not isinstance(configured.get(k), str) for k in ("url", "auth_config_url") if k in configured):
        return  # a type error, reported by the trait rules
    settings = derive(values)
    if settings.auth_config_url in settings.auths_keys:
        return
    if "username" in configured and "password" in configured:
        return
    path = AUTH_CONFIG_URL if values.has(AUTH_CONFIG_URL) else DOCKER_REGISTRY + ("url",)
    unknown = unchecked(values, "whether BinderHub finds its registry credentials", path,
                        (URL, DOCKER_REGISTRY + ("url",), AUTH_CONFIG_URL))
    if unknown:
        yield unknown
        return
    keys = ", ".join(f"`{k}`" for k in settings.auths_keys) or "none"
    yield Hit(path, f"BinderHub looks its registry credentials up under `{settings.auth_config_url}`, but the "
                    f"docker config the chart writes only has {keys} (from registry.url); it talks to the "
                    "registry without credentials, gets 401 and rebuilds every image",
              fix=f"Set `config.DockerRegistry.auth_config_url` to the exact registry.url value "
                  f"({settings.chart_registry_url}), or make registry.url match DockerRegistry.url.")


@builtin
def unused_credentials(values, spec, context):
    if values.get(USE_REGISTRY) is not False:
        return
    given = [p for p in (USERNAME, PASSWORD, URL) if values.get(p) not in (None, "")]
    if given:
        yield Hit(USE_REGISTRY, "use_registry is false although registry settings ("
                                + ", ".join(".".join(p) for p in given) + ") are given: BinderHub pushes "
                                "nothing and looks images up only in the docker daemon it reaches, which works "
                                "on a single node; the credentials only let build pods pull private base images",
                  fix="Set `use_registry: true` to push to the registry, or remove the unused registry settings.")


@builtin
def credentials_missing(values, spec, context):
    if values.get(USE_REGISTRY) is False:
        return
    if values.get(("config", "BinderHub", "registry_class")) not in (None, ""):
        return  # GoogleArtifactRegistry / ExternalRegistryHelper get credentials their own way
    if values.get(PASSWORD) in (None, "") and not values.has(PASSWORD):
        yield Hit(PASSWORD, "registry.password is not set, so build pods cannot push; keep it in secret.yaml "
                            "(or pass the secret file too when linting)")
