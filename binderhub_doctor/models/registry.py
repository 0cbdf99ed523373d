"""What BinderHub would use to talk to its registry, worked out from the values alone.

Pure and fast: no network, no `requests`, no `docker`; lint rules import this too. It replays
three pieces of BinderHub (facts in shared/reference/binderhub.md §3):

- the chart's `buildDockerConfig` helper, which writes the docker config.json that is mounted in
  the binder pod (`auths` keyed by `registry.url`, default `https://index.docker.io/v1/`; username
  `_json_key` only for exactly `https://gcr.io`, else `<token>`; merged with
  `config.BinderHub.buildDockerConfig`; Go's JSON encoder sorts the keys);
- `binderhub/registry.py` `DockerRegistry`, which reads that config.json back: `url`,
  `auth_config_url`, `username`, `password`, `token_url`, `not_found_401`, each overridable under
  `config.DockerRegistry` or `config.BinderHub.DockerRegistry` (the nested one wins, as traitlets
  merges a parent's section last);
- `binderhub/builder.py` `_get_image_basename_and_tag`, which turns `image_prefix` + build slug
  into the repository name that is looked up and pushed.

`derive(values)` accepts a `Values` or the chart root as a plain dict.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from ..secrets import redacted
from ..urls import split_url

CHART_DEFAULT_REGISTRY_URL = "https://index.docker.io/v1/"  # _helpers.tpl `default`
DOCKER_HUB_V2_URL = "https://registry-1.docker.io"  # registry.py DEFAULT_DOCKER_REGISTRY_URL
DOCKER_HUB_AUTH_URL = "https://index.docker.io/v1/"  # registry.py DEFAULT_DOCKER_AUTH_URL
DOCKER_HUB_TOKEN_URL = "https://auth.docker.io/token?service=registry.docker.io"
# Host names that all mean Docker Hub (docker's own resolve_index_name knows the first two).
DOCKER_HUB_HOSTS = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
GCE_METADATA_TOKEN_URL = (
    "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"
)
# BinderHub appends this to token_url (registry.py get_image_manifest), after any service
# already in token_url.
BINDERHUB_TOKEN_SERVICE = "container_registry"
DEFAULT_REGISTRY_CLASS = "binderhub.registry.DockerRegistry"

# The slug a probe appends to image_prefix; BinderHub's own /health uses "some-image-name".
PROBE_IMAGE_SLUG = "binderhub-doctor-check"
PROBE_MISSING_TAG = "binderhub-doctor-no-such-tag"

_DOCKER_HUB_NAME = re.compile(r"[a-z0-9]{4,40}/[a-z0-9._-]{2,255}")  # builder.py, verbatim
_TRAITS = ("url", "auth_config_url", "token_url", "username", "password", "not_found_401")

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class SettingsNote:
    """Something about the derivation worth telling the user; never holds a secret."""

    level: str  # error | warning | info
    message: str
    fix: str | None = None
    path: tuple = ()  # the values path it is about, when there is one


@dataclass(frozen=True)
class RegistrySettings:
    use_registry: bool
    registry_class: str
    chart_registry_url: str  # registry.url after the chart's default: the config.json auths key
    auths_keys: tuple[str, ...]  # every auths key in the rendered config.json, in file order
    url: str  # DockerRegistry.url: where BinderHub sends /v2/ requests
    auth_config_url: str
    token_url: str
    not_found_401: bool
    username: str
    password: str = field(repr=False)
    image_prefix: str = ""
    probe_image: str = ""  # image_prefix + PROBE_IMAGE_SLUG, as BinderHub would spell it
    repository: str = ""  # what BinderHub looks up / pushes for probe_image
    sources: dict = field(default_factory=dict)  # trait -> where its value came from
    notes: tuple[SettingsNote, ...] = ()
    docker_config: dict = field(default_factory=dict, repr=False)  # holds base64 credentials

    @property
    def host(self) -> str:
        """host[:port] of `url`, as docker names registries."""
        return split_url(self.url).netloc.rpartition("@")[2] if "://" in self.url else ""

    def describe(self) -> dict:
        """The derivation as a report may print it: the password redacted, nothing else secret."""
        return {
            "registry.url (config.json auths key)": self.chart_registry_url,
            "DockerRegistry.url": self.url,
            "DockerRegistry.auth_config_url": self.auth_config_url,
            "DockerRegistry.token_url": self.token_url or "(none: BinderHub reads the registry's challenge)",
            "DockerRegistry.not_found_401": self.not_found_401,
            "username": self.username,
            "password": redacted(self.password) if self.password else "(empty)",
            "image_prefix": self.image_prefix,
            "repository": self.repository or "(none)",
            "registry_class": self.registry_class,
        }


# ----------------------------------------------------------------------------- derivation

def derive(values) -> RegistrySettings:
    """RegistrySettings for a `Values` (anything with `.data`) or a chart-root dict."""
    root = values.data if hasattr(values, "data") else (values or {})
    notes: list[SettingsNote] = []
    config = _mapping(root.get("config"))
    binderhub = _mapping(config.get("BinderHub"))
    use_registry = _use_registry(binderhub, notes)
    registry_class = _registry_class(binderhub)
    class_name = registry_class.rpartition(".")[2]

    # --- the chart: registry.* -> config.json
    chart = _chart_docker_config(_mapping(root.get("registry")), binderhub, notes)

    # --- BinderHub: config.json -> DockerRegistry traits
    configured = _configured_traits(config, binderhub, class_name, notes)
    url = configured.setting("url", _default_url(chart.auths),
                             "first auths key of config.json" if chart.auths else "BinderHub default")
    hostname = split_url(url).hostname if "://" in url else None
    _note_url(notes, url, hostname)
    auth_config_url = configured.setting("auth_config_url", _default_auth_config_url(url, hostname, chart.auths),
                                         "derived from DockerRegistry.url")
    username, password = _credentials(configured, auth_config_url, chart, notes)
    token_url = _token_url(configured, class_name, url, hostname, notes)
    not_found_401 = configured.setting("not_found_401", url.endswith(".docker.io"), "derived from DockerRegistry.url")
    _note_registry_class(notes, registry_class, class_name)

    # --- builder.py: image_prefix -> repository
    image_prefix = _image_prefix(binderhub, notes)
    probe_image = binderhub_image_name(image_prefix, PROBE_IMAGE_SLUG, PROBE_MISSING_TAG)
    repository, _tag = image_basename_and_tag(probe_image)
    _note_repository(notes, image_prefix, repository, use_registry)

    return RegistrySettings(
        use_registry=use_registry, registry_class=registry_class, chart_registry_url=chart.url,
        auths_keys=tuple(chart.auths), url=url, auth_config_url=auth_config_url, token_url=token_url,
        not_found_401=not_found_401, username=username, password=password, image_prefix=image_prefix,
        probe_image=probe_image, repository=repository, sources=configured.sources, notes=tuple(notes),
        docker_config=chart.docker_config,
    )


# The steps of derive: each works out one setting and appends to `notes` what the user should hear.

def _use_registry(binderhub: dict, notes: list) -> bool:
    use_registry = binderhub.get("use_registry", True)
    if use_registry is not True and use_registry is not False:
        notes.append(SettingsNote(
            ERROR, "config.BinderHub.use_registry must be true or false; BinderHub stops with a TraitError",
            "write `use_registry: true` without quotes", ("config", "BinderHub", "use_registry")))
    return use_registry is not False


def _registry_class(binderhub: dict) -> str:
    registry_class = binderhub.get("registry_class") or DEFAULT_REGISTRY_CLASS
    return registry_class if isinstance(registry_class, str) else str(registry_class)


@dataclass(frozen=True)
class _ChartDockerConfig:
    """The config.json the chart's `buildDockerConfig` helper writes, and what it wrote for registry.*."""

    url: str  # registry.url after the chart's default: the auths key it writes
    username: str
    username_source: str
    docker_config: dict

    @property
    def auths(self) -> dict:
        return self.docker_config["auths"]


def _chart_docker_config(registry: dict, binderhub: dict, notes: list) -> _ChartDockerConfig:
    raw_url = registry.get("url")
    chart_url = CHART_DEFAULT_REGISTRY_URL if _go_empty(raw_url) else go_sprint(raw_url)
    if not _go_empty(raw_url) and not isinstance(raw_url, str):
        notes.append(SettingsNote(ERROR, "registry.url is not a string", "quote it", ("registry", "url")))
    raw_username = registry.get("username")
    if _go_empty(raw_username):
        username = "_json_key" if chart_url == "https://gcr.io" else "<token>"
        username_source = f"chart default for registry.url {chart_url}"
    else:
        username = go_sprint(raw_username)
        username_source = "registry.username"
    raw_password = registry.get("password")
    _note_password(notes, raw_password, username, chart_url)

    pair = f"{username}:{go_sprint(raw_password)}"
    docker_config = {"auths": {chart_url: {"auth": base64.b64encode(pair.encode()).decode()}}}
    extra = binderhub.get("buildDockerConfig")
    if isinstance(extra, dict) and extra:
        _sprig_merge(docker_config, extra)
    auths = docker_config.get("auths") if isinstance(docker_config.get("auths"), dict) else {}
    docker_config["auths"] = {str(k): auths[k] for k in sorted(auths, key=str)}  # Go's encoder sorts map keys
    return _ChartDockerConfig(chart_url, username, username_source, docker_config)


def _note_url(notes: list, url: str, hostname: str | None) -> None:
    if hostname is None:
        notes.append(SettingsNote(
            ERROR, f"DockerRegistry.url {url!r} has no scheme; BinderHub cannot parse its host and fails",
            "write it as https://<host>", ("config", "DockerRegistry", "url")))
    elif split_url(url).path not in ("", "/"):
        shown = url.rstrip("/")
        notes.append(SettingsNote(
            ERROR if hostname == "index.docker.io" else WARNING,
            f"DockerRegistry.url {url!r} has a path; BinderHub sends its requests to {shown}/v2/…",
            "for Docker Hub leave registry.url unset (or write https://index.docker.io/v1/ with the slash); "
            "otherwise use the registry's root URL", ("registry", "url")))


def _credentials(configured: _Configured, auth_config_url: str, chart: _ChartDockerConfig,
                 notes: list) -> tuple[str, str]:
    """(username, password): set in the values, else read back from config.json's auth_config_url entry."""
    auths = chart.auths
    stored_user, stored_password = _decode_auth(auths.get(auth_config_url))
    from_chart = auth_config_url == chart.url
    stored_source = "config.BinderHub.buildDockerConfig auths" if auth_config_url in auths else None
    missing = "none: auth_config_url is not an auths key"
    username = configured.setting("username", stored_user,
                                  (chart.username_source if from_chart else stored_source) or missing)
    password = configured.setting("password", stored_password,
                                  ("registry.password" if from_chart else stored_source) or missing)
    if auth_config_url not in auths and not ("username" in configured and "password" in configured):
        notes.append(SettingsNote(
            ERROR,
            f"DockerRegistry.auth_config_url {auth_config_url!r} is not a key of the config.json the chart "
            f"writes ({', '.join(auths) or 'none'}); BinderHub talks to the registry without credentials",
            "make registry.url the same string as DockerRegistry.url, or set DockerRegistry.auth_config_url "
            "to the registry.url value", ("config", "DockerRegistry", "auth_config_url")))
    return username, password


def _token_url(configured: _Configured, class_name: str, url: str, hostname: str | None, notes: list) -> str:
    if class_name == "GoogleArtifactRegistry":
        token_url = configured.setting("token_url", GCE_METADATA_TOKEN_URL,
                                       "GoogleArtifactRegistry default (GCE metadata server)")
    else:
        token_url = configured.setting("token_url", _default_token_url(url, hostname),
                                       "derived from DockerRegistry.url")
        if token_url:
            _note_token_url(notes, token_url)
    return token_url


def _note_registry_class(notes: list, registry_class: str, class_name: str) -> None:
    if class_name == "DockerRegistry":
        return
    how = {
        "FakeRegistry": "it never looks images up, so every launch builds",
        "GoogleArtifactRegistry": "it gets tokens from the GCE metadata server, not with these credentials",
        "ExternalRegistryHelper": "it creates repositories and push tokens through the registry helper service",
    }.get(class_name, "it may talk to the registry its own way")
    notes.append(SettingsNote(
        WARNING, f"config.BinderHub.registry_class is {registry_class}: {how}; the checks here use the "
        "configured credentials", None, ("config", "BinderHub", "registry_class")))


def _image_prefix(binderhub: dict, notes: list) -> str:
    image_prefix = binderhub.get("image_prefix", "")
    if isinstance(image_prefix, str):
        return image_prefix
    notes.append(SettingsNote(ERROR, "config.BinderHub.image_prefix is not a string",
                              "quote it", ("config", "BinderHub", "image_prefix")))
    return go_sprint(image_prefix) if image_prefix is not None else ""


def _note_repository(notes: list, image_prefix: str, repository: str, use_registry: bool) -> None:
    if use_registry and not image_prefix:
        notes.append(SettingsNote(
            ERROR, "config.BinderHub.image_prefix is empty, so BinderHub has no repository to push to",
            "set it to <registry host>/<project>/<prefix>-, e.g. gcr.io/my-project/binder-",
            ("config", "BinderHub", "image_prefix")))
    elif use_registry and not repository:
        notes.append(SettingsNote(
            ERROR, f"image_prefix {image_prefix!r} has no part after the registry host; BinderHub drops the "
            "first component as the host and is left with an empty repository name",
            "add a project level, e.g. <host>/<project>/binder-", ("config", "BinderHub", "image_prefix")))


def binderhub_image_name(image_prefix: str, slug: str, tag: str) -> str:
    """builder.py: f"{prefix}{slug}:{ref}" with `_` -> `-`, lower-cased."""
    return f"{image_prefix}{slug}:{tag}".replace("_", "-").lower()


def image_basename_and_tag(full_name: str) -> tuple[str, str]:
    """builder.py `_get_image_basename_and_tag`: Docker Hub `namespace/name` kept whole, anything
    else loses its first component as the registry host."""
    name, sep, tag = full_name.rpartition(":")
    if not sep:
        name, tag = full_name, "latest"
    if _DOCKER_HUB_NAME.fullmatch(name):
        return name, tag
    return "/".join(name.split("/")[1:]), tag


def token_url_service(token_url: str) -> str | None:
    """The first `service` query parameter of a token url (what Go token servers read)."""
    for key, value in parse_qsl(split_url(token_url).query, keep_blank_values=True):
        if key == "service":
            return value
    return None


def token_url_endpoint(token_url: str) -> str:
    """The token url without its query: what a challenge's realm should equal."""
    parts = split_url(token_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def looks_like_json_key(value) -> bool:
    """A Google service-account key pasted as the password."""
    return isinstance(value, str) and value.lstrip().startswith("{") and '"private_key"' in value


# ----------------------------------------------------------------------------- helpers

class _Configured(dict):
    """The DockerRegistry traits set in the values, and where each setting derive settles on came from."""

    def __init__(self):
        super().__init__()
        self.paths: dict[str, str] = {}  # trait -> the values path that set it
        self.sources: dict[str, str] = {}  # trait -> where derive's value came from

    def setting(self, trait: str, default, default_source: str):
        """The value set in the values, else ``default``; remembers which in `sources`."""
        if trait in self:
            self.sources[trait] = self.paths[trait]
            return self[trait]
        self.sources[trait] = default_source
        return default


def _configured_traits(config: dict, binderhub: dict, class_name: str, notes: list) -> _Configured:
    """Traits set in the values, in the order traitlets merges them (later wins)."""
    found = _Configured()
    sections = ["DockerRegistry"] + ([class_name] if class_name != "DockerRegistry" else [])
    places = [(("config",), config)] + [(("config", "BinderHub"), binderhub)]
    for base_path, parent in places:
        for section in sections:
            block = parent.get(section)
            if not isinstance(block, dict):
                continue
            for trait in _TRAITS:
                if trait not in block:
                    continue
                path = base_path + (section, trait)
                value = block[trait]
                expected_bool = trait == "not_found_401"
                if value is None or (expected_bool and not isinstance(value, bool)) or (
                        not expected_bool and not isinstance(value, str)):
                    shown = "null" if value is None else type(value).__name__
                    notes.append(SettingsNote(
                        ERROR, f"{'.'.join(path)} is {shown}; BinderHub stops with a TraitError",
                        "write a boolean" if expected_bool else "write a quoted string", path))
                    continue
                found[trait] = value
                found.paths[trait] = ".".join(path)
    return found


def _default_url(auths: dict) -> str:
    if not auths:
        return DOCKER_HUB_V2_URL
    key = next(iter(auths))
    if "://" not in key:
        key = "https://" + key
    if key == DOCKER_HUB_AUTH_URL:
        return DOCKER_HUB_V2_URL
    return key


def _default_auth_config_url(url: str, hostname: str | None, auths: dict) -> str:
    if url in auths:
        return url
    if hostname in auths:
        return hostname
    if hostname is not None and ("." + hostname).endswith((".docker.io", ".docker.com")):
        return DOCKER_HUB_AUTH_URL
    return url


def _default_token_url(url: str, hostname: str | None) -> str:
    if hostname is None:
        return ""
    if ("." + hostname).endswith(".gcr.io"):
        return f"https://{hostname}/v2/token?service={hostname}"
    if url.endswith(".docker.io"):
        return DOCKER_HUB_TOKEN_URL
    return ""


def _decode_auth(entry) -> tuple[str, str]:
    if not isinstance(entry, dict) or not isinstance(entry.get("auth"), str) or not entry["auth"]:
        return "", ""
    try:
        text = base64.b64decode(entry["auth"].encode()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return "", ""
    user, _, password = text.partition(":")
    return user, password


def _note_password(notes: list, raw_password, username: str, chart_url: str) -> None:
    path = ("registry", "password")
    if raw_password is None:
        notes.append(SettingsNote(
            ERROR, "registry.password is not set; the chart writes the literal text %!s(<nil>) as the password",
            "set registry.password in secret.yaml", path))
    elif not isinstance(raw_password, str):
        notes.append(SettingsNote(
            ERROR, f"registry.password is a {type(raw_password).__name__}, not a string; the chart writes "
            "Go's %!s(...) error text as the password", "quote the password", path))
    elif raw_password == "":
        notes.append(SettingsNote(WARNING, "registry.password is empty", "set registry.password", path))
    if looks_like_json_key(raw_password) and username != "_json_key":
        notes.append(SettingsNote(
            ERROR, f"registry.password is a Google JSON key but the username is {username!r}: the chart uses "
            f"_json_key only for registry.url exactly https://gcr.io (this is {chart_url})",
            "set registry.username: _json_key", ("registry", "username")))


def _note_token_url(notes: list, token_url: str) -> None:
    path = ("config", "DockerRegistry", "token_url")
    parts = split_url(token_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        notes.append(SettingsNote(ERROR, f"token_url {token_url!r} is not an http(s) URL",
                                  "write it as https://<host>/<path>?service=<service>", path))
        return
    if token_url_service(token_url) is None:
        notes.append(SettingsNote(
            WARNING, f"token_url has no ?service=…; BinderHub then asks for service={BINDERHUB_TOKEN_SERVICE}, "
            "which most token servers reject",
            "append ?service=<the service the registry advertises>", path))


def _mapping(node) -> dict:
    return node if isinstance(node, dict) else {}


def _go_empty(value) -> bool:
    """Sprig `default`/`not`: nil, false, 0, "" and empty collections are empty."""
    return value is None or value is False or value == "" or (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0) or (
        isinstance(value, (dict, list)) and not value)


def _sprig_merge(dst: dict, src: dict) -> None:
    """sprig `merge` (mergo without override): keys missing from dst are copied, maps recurse."""
    for key, value in src.items():
        if key not in dst or _go_empty(dst[key]):
            dst[key] = _copy(value)
        elif isinstance(dst[key], dict) and isinstance(value, dict):
            _sprig_merge(dst[key], value)


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def go_sprint(value) -> str:
    """What Go's `printf "%s"` makes of a Helm value (Helm keeps every number as a float64)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "%!s(<nil>)"
    if isinstance(value, bool):
        return f"%!s(bool={'true' if value else 'false'})"
    if isinstance(value, (int, float)):
        return f"%!s(float64={go_float(float(value))})"
    if isinstance(value, list):
        return "[" + " ".join(go_sprint(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(value[k])}" for k in sorted(value, key=str)) + "]"
    return str(value)


def go_float(number: float) -> str:
    """Go's %v for a float64 (strconv 'g', shortest): 1234, 1.234567e+06, 1e-05."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    if number == 0:
        return "0"
    from decimal import Decimal  # only for non-string registry values; keeps lint's start-up small

    sign, digits, exponent = Decimal(repr(number)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + exponent  # digits before the decimal point
    exp = point - 1
    prefix = "-" if sign else ""
    if exp < -4 or exp >= 6:  # strconv 'g' with shortest precision uses 6 for this decision
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{text}"
    if point >= len(text):
        return prefix + text + "0" * (point - len(text))
    return f"{prefix}{text[:point]}.{text[point:]}"
