"""`config.BinderHub.image_prefix`: where BinderHub pushes images and where it looks them up.

BinderHub names an image `<image_prefix><repo slug>:<ref>`, lower-cased. To look it up it splits
the name: a name that fully matches `[a-z0-9]{4,40}/[a-z0-9._-]{2,255}` is a Docker Hub
`namespace/name`; otherwise the first component is dropped as the registry host.
"""

from __future__ import annotations

import json
import re

from ...models.registry import DOCKER_HUB_HOSTS
from ...urls import split_url
from ..base import Hit, unchecked
from ..kinds import builtin
from ..placeholder import find as find_placeholder

PREFIX = ("config", "BinderHub", "image_prefix")
REGISTRY_URL = ("registry", "url")
DOCKER_REGISTRY_URL = ("config", "DockerRegistry", "url")
_DOCKER_HUB_NAME = re.compile(r"[a-z0-9]{4,40}/[a-z0-9._-]{2,255}")
_ALLOWED = re.compile(r"^[A-Za-z0-9._/:-]+$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def split(prefix: str) -> tuple[str | None, list[str]]:
    """(registry host or None for Docker Hub, repository path components)."""
    parts = prefix.split("/")
    first = parts[0]
    if len(parts) > 1 and ("." in first or ":" in first or first == "localhost"):
        return first.lower(), parts[1:]
    return None, parts


def url_host(url: str) -> str:
    text = url if "://" in url else "https://" + url
    try:
        return (split_url(text).netloc or "").lower()
    except ValueError:
        return ""


def canonical(prefix: str) -> str | None:
    """The one prefix a fix may write for ``prefix``: no scheme, lower case (BinderHub lower-cases
    image names anyway), ending in `-` or `/`; None when there is no single right answer (an
    empty prefix, characters an image name cannot hold, no `/`, levels its registry lacks)."""
    if not isinstance(prefix, str) or not prefix or find_placeholder(prefix):
        return None
    bare = _SCHEME.sub("", prefix).lower()
    if not _ALLOWED.match(bare) or "//" in bare or "/" not in bare or level_problem(bare):
        return None  # the levels it needs are the user's to choose
    return bare if bare.endswith(("-", "/")) else bare + "-"


def _prefix(values) -> str | None:
    prefix = values.get(PREFIX)
    if not isinstance(prefix, str) or not prefix or find_placeholder(prefix):
        return None
    return prefix


@builtin
def form(values, spec, context):
    """Scheme, characters and an empty prefix: what makes every push fail."""
    prefix = values.get(PREFIX)
    if prefix == "":
        yield Hit(PREFIX, "image_prefix is empty, so images are named after the repository alone "
                          "and pushed to docker.io/library, where pushing is denied")
        return
    prefix = _prefix(values)
    if prefix is None:
        return
    if _SCHEME.match(prefix):
        yield Hit(PREFIX, f"image_prefix {values.show(PREFIX)} starts with a URL scheme; image names have "
                          "no scheme, so docker cannot push to it",
                  fix=_write(prefix, "Write it without the scheme", values))
        return
    if not _ALLOWED.match(prefix) or "//" in prefix:
        bad = sorted({c for c in prefix if not re.match(r"[A-Za-z0-9._/:-]", c)}) or ["//"]
        yield Hit(PREFIX, f"image_prefix contains {', '.join(repr(c) for c in bad)}, which an image name may not hold")
        return
    host, path = split(prefix)
    if any(c.isupper() for c in "/".join(path)):
        yield Hit(PREFIX, "image_prefix has upper-case letters; BinderHub lower-cases image names, so images "
                          "are pushed to a lower-case repository that differs from the one written here",
                  severity="warning", fix=_write(prefix, "Write it in lower case"))
    if "/" not in prefix:
        yield Hit(PREFIX, f"image_prefix {values.show(PREFIX)} has no `/`: images go to docker.io/library/…, "
                          "where nobody may push",
                  fix="Use `<registry host>/<project>/<prefix>-`, or `<docker-id>/<prefix>-` for Docker Hub.")


@builtin
def trailing_separator(values, spec, context):
    prefix = _prefix(values)
    if prefix is None or _SCHEME.match(prefix) or "/" not in prefix:
        return
    if not prefix.endswith(("-", "/")):
        yield Hit(PREFIX, f"image_prefix {values.show(PREFIX)} does not end with `-` or `/`, so the repository "
                          "name runs into it (e.g. `binder-devbinder-2dexamples-…`)",
                  fix=_write(prefix, "End it with a dash"))


def _write(prefix: str, advice: str, values=None) -> str:
    """A hint that leads to a prefix no other image_prefix rule reports, or that says what the
    rule comparing it with the credentials would then say (``values``: for a prefix with a
    scheme, which those rules cannot read until it is gone)."""
    fixed = canonical(prefix)
    if fixed and values is not None:
        host, path = split(fixed)
        registry_url = values.get(REGISTRY_URL)
        registry_host = url_host(registry_url) if isinstance(registry_url, str) and not find_placeholder(registry_url) else ""
        project = _key_project(values, host)
        if registry_host and not _same_registry(host or "docker.io", registry_host):
            return (f"{advice}: `{fixed}`; it then pushes to `{host or 'docker.io'}`, but registry.url (the "
                    f"registry the credentials are for) is `{registry_host}`: make the two agree.")
        if project and len(path) > 1 and path[0] != project:
            return (f"{advice}: `{fixed}`; the key in registry.password belongs to project `{project}`, so use "
                    f"that project unless its service account may push to `{path[0]}`.")
    if fixed:
        return f"{advice}: `{fixed}`."
    return f"{advice}, with the levels its registry needs (`<host>/<project>/<prefix>-`; Docker Hub: `<docker-id>/<prefix>-`)."


def level_problem(prefix: str) -> str | None:
    """The level rule a prefix (without scheme, with a `/`) breaks, or None: `docker-hub-levels`,
    `docker-hub-namespace`, `artifact-registry` or `project`."""
    host, path = split(prefix)
    if host is None:
        if len(path) > 2:
            return "docker-hub-levels"
        return None if _DOCKER_HUB_NAME.fullmatch(f"{path[0].lower()}/xx") else "docker-hub-namespace"
    if host.endswith("-docker.pkg.dev"):
        return "artifact-registry" if len(path) < 3 else None
    return "project" if len(path) < 2 else None


@builtin
def levels(values, spec, context):
    """The extra project level, Docker Hub's two levels, Artifact Registry's three."""
    prefix = _prefix(values)
    if prefix is None or _SCHEME.match(prefix) or "/" not in prefix:
        return
    host, path = split(prefix)
    problem = level_problem(prefix)
    if problem == "docker-hub-levels":
        yield Hit(PREFIX, f"image_prefix {values.show(PREFIX)} has {len(path)} levels, but Docker Hub "
                          "repositories are exactly `<namespace>/<name>`; pushes are denied",
                  severity="error", fix="Use `<docker-id>/<prefix>-`, e.g. `binderbot/binder-dev-`.")
    elif problem == "docker-hub-namespace":
        yield Hit(PREFIX, f"the Docker Hub namespace `{path[0]}` is shorter than 4 characters or holds "
                          "`-`, `_` or `.`; BinderHub then mistakes it for a registry host, looks images up "
                          "under the wrong name, and rebuilds them on every launch",
                  severity="warning")
    elif problem == "artifact-registry":
        yield Hit(PREFIX, "Artifact Registry image names need `<host>/<project>/<repository>/<name>`; "
                          f"image_prefix {values.show(PREFIX)} has too few levels, so pushes fail",
                  severity="error", fix="Use `<region>-docker.pkg.dev/<project>/<repository>/<prefix>-`.")
    elif problem == "project":
        name = path[-1] if path[-1].endswith(("-", "/")) else path[-1] + "-"
        yield Hit(PREFIX, f"image_prefix {values.show(PREFIX)} has no project level (`{host}/<project>/<prefix>-`). "
                          "Charts built before July 2021 (0.2.0-n… before PR #1283) then look every image up "
                          "under the wrong name and rebuild it on every launch, and registries such as Harbor "
                          "and GitLab require the level",
                  severity="warning", fix=f"Add a project level, e.g. `{host}/binder/{name}`.")


@builtin
def registry_match(values, spec, context):
    """The prefix's host must be the registry the credentials are for, and the one BinderHub asks."""
    prefix = _prefix(values)
    if prefix is None or _SCHEME.match(prefix):
        return
    host, _ = split(prefix)
    prefix_host = host or "docker.io"
    registry_url = values.get(REGISTRY_URL)
    if values.encrypted(REGISTRY_URL):
        yield unchecked(values, "whether image_prefix is on the registry of registry.url", PREFIX, (REGISTRY_URL,))
    elif isinstance(registry_url, str) and registry_url and not find_placeholder(registry_url):
        registry_host = url_host(registry_url)
        if not _same_registry(prefix_host, registry_host):
            # Without the secret file, registry.url may still be overridden there: only a warning.
            settled = values.has_secret_file()
            unknown = unchecked(values, "whether image_prefix is on the registry of registry.url", PREFIX,
                                (REGISTRY_URL, PREFIX))
            yield unknown or Hit(PREFIX, f"image_prefix pushes to `{prefix_host}`, but registry.url (the registry the "
                              f"credentials are for) is `{registry_host}`; pushes are denied or images are "
                              "looked up in the wrong registry, so every launch rebuilds"
                              + ("" if settled else " (unless the secret file, not linted here, sets registry.url)"),
                      severity=None if settled else "warning",
                      fix="Make image_prefix start with the registry's host, or point registry.url at the "
                          "prefix's registry (e.g. https://eu.gcr.io for eu.gcr.io/<project>/…).")
            return
    elif registry_url in (None, "") and host is not None and not values.has(REGISTRY_URL):
        pass  # registry.url may come from another values file; the registry rules report it missing
    lookup_url = values.get(DOCKER_REGISTRY_URL)
    if isinstance(lookup_url, str) and lookup_url and not find_placeholder(lookup_url):
        lookup_host = url_host(lookup_url)
        if not _same_registry(prefix_host, lookup_host):
            unknown = unchecked(values, "whether image_prefix is on the registry DockerRegistry.url asks",
                                DOCKER_REGISTRY_URL, (DOCKER_REGISTRY_URL, PREFIX))
            yield unknown or Hit(DOCKER_REGISTRY_URL, f"DockerRegistry.url asks `{lookup_host}` whether an image exists, but "
                                           f"image_prefix pushes to `{prefix_host}`; every launch rebuilds")


def _key_project(values, host: str | None) -> str | None:
    """The project_id of the service-account key in registry.password, for a gcr.io or Artifact
    Registry ``host``; None for other registries or when there is no readable key."""
    password = values.get(("registry", "password"))
    if not isinstance(password, str) or not password.lstrip().startswith("{"):
        return None
    if host is None or not (host == "gcr.io" or host.endswith(".gcr.io") or host.endswith("-docker.pkg.dev")):
        return None
    try:
        project = json.loads(password).get("project_id")
    except (ValueError, AttributeError):
        return None
    return project if isinstance(project, str) and project and not find_placeholder(project) else None


@builtin
def gcr_project(values, spec, context):
    prefix = _prefix(values)
    if prefix is None:
        return
    host, path = split(prefix)
    project = _key_project(values, host)
    if project and len(path) > 1 and path[0] != project:
        yield unchecked(values, "whether image_prefix is in the key's project", PREFIX, (PREFIX, ("registry", "password"))) or Hit(PREFIX, f"image_prefix pushes to project `{path[0]}`, but the service-account key in "
                          f"registry.password belongs to project `{project}`; pushes fail unless that account "
                          "was granted access to the other project")


def _same_registry(a: str, b: str) -> bool:
    if a == b:
        return True
    return a in DOCKER_HUB_HOSTS and b in DOCKER_HUB_HOSTS
