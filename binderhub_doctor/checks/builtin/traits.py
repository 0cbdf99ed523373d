"""The rules over BinderHub's traitlets configuration, `config.<Class>.<trait>` (unknown classes
and traits, types, deprecations, nesting, a few values), asked of the trait catalogue and its
types (models/traits.py).

How values reach BinderHub decides what is an error. The chart renders `config:` with Helm's
`toYaml` (a float64 with a whole value, such as `40e9` or `5.0`, arrives as an int) and
`binderhub_config.py` runs `c[section].update(sub_cfg)` for every key. traitlets then ignores
unknown classes silently, only logs unknown traits, and raises TraitError for a wrong type, which
stops BinderHub at start-up (CrashLoopBackOff).
"""

from __future__ import annotations

import binascii
import ipaddress
import re
from dataclasses import dataclass

from ...models.registry import CHART_DEFAULT_REGISTRY_URL
from ...models.traits import APP, CONFIG, STOPS, Catalog, Change, as_yaml, catalog, describe_kind, trait_type_problem
from ...paths import closest
from ...urls import split_url
from ..base import Hit, unchecked
from ..kinds import builtin

# --- walking config: ------------------------------------------------------------------------------

@dataclass
class Section:
    """One `config.<Class>` mapping (or `config.BinderHub.<Class>`, which traitlets also reads)."""

    path: tuple
    cls: str
    body: dict
    nested: bool = False


def _build(context) -> float:
    return catalog().build_number(context.chart_key)


def _config(values) -> dict:
    config = values.get(CONFIG)
    return config if isinstance(config, dict) else {}


def _app_sections(cat: Catalog) -> set[str]:
    """Sections the app reads its own config from: nesting under these reaches its children."""
    return set(cat.lineage(APP))


def sections(values, build: float) -> list[Section]:
    """Class sections traitlets reads: known, existing at this chart version, configurable, plus
    the ones nested under BinderHub for classes BinderHub creates with itself as parent."""
    cat = catalog()
    found: list[Section] = []
    for name, body in _config(values).items():
        if not isinstance(body, dict) or not cat.exists(name, build):
            continue
        found.append(Section(CONFIG + (name,), name, body))
        if name in _app_sections(cat):
            for inner, inner_body in body.items():
                if isinstance(inner_body, dict) and cat.exists(inner, build) and cat.parented(inner):
                    found.append(Section(CONFIG + (name, inner), inner, inner_body, nested=True))
    return found


def custom_classes(values) -> set[str]:
    """Class names the deployment brings itself: defined in extraConfig, or named by a `*_class`
    setting (`registry_class: mypackage.MyRegistry`). Their traits are not ours to know."""
    names: set[str] = set()
    extra = values.get(("extraConfig",))
    if isinstance(extra, dict):
        for snippet in extra.values():
            if isinstance(snippet, str):
                names.update(_CLASS_STATEMENT.findall(snippet))
                names.update(_CONFIG_SECTION.findall(snippet))
    for body in _config(values).values():
        if isinstance(body, dict):
            for value in body.values():
                if isinstance(value, str) and _is_class_path(value):
                    names.add(value.rsplit(".", 1)[1])
    return names


# `^[ \t]*`, not `^\s*`: with re.M, `\s*` runs across newlines from every line start (quadratic).
_CLASS_STATEMENT = re.compile(r"^[ \t]*class[ \t]+([A-Za-z_]\w*)", re.M)
_CONFIG_SECTION = re.compile(r"\bc\.([A-Z]\w*)\.")
_DOTTED_NAME = re.compile(r"[A-Za-z_][\w.]*")
_CLASS_NAME = re.compile(r"[A-Z]\w*")


def _is_class_path(text: str) -> bool:
    r"""`package.module.ClassName`. Checked in two steps: one pattern `[\w.]*\.[A-Z]\w*` would
    try every dot as the last one (quadratic on `a.A.A.A…!`)."""
    head, dot, last = text.rpartition(".")
    return bool(dot) and _DOTTED_NAME.fullmatch(head) is not None and _CLASS_NAME.fullmatch(last) is not None


def _describe_since(cat: Catalog, change: Change) -> str:
    return f"{change.describe()}, first in chart {change.first_chart(cat.counts)}"


def _chart_note(context) -> str:
    return f"chart {context.chart_version}"


# --- BHD301 unknown class -------------------------------------------------------------------------

@builtin
def unknown_class(values, spec, context):
    cat = catalog()
    build = _build(context)
    custom = custom_classes(values)
    for name in _config(values):
        if not isinstance(name, str) or cat.exists(name, build) or name in custom:
            continue
        path = CONFIG + (name,)
        shown = values.display_path(path)
        if cat.known(name):
            change = cat.since(name)
            yield Hit(path, f"{shown}: {name} was added in {_describe_since(cat, change)}; "
                            f"{_chart_note(context)} does not have it, so BinderHub ignores these settings",
                      fix="Upgrade the chart, or configure what this chart version offers instead.")
        elif name in cat.jupyterhub_classes:
            yield Hit(path, f"{shown}: {name} is a JupyterHub class; BinderHub never reads it from here",
                      fix=f"Move it to `jupyterhub.hub.config.{name}`.")
        elif not name[:1].isupper() or name.startswith("_"):
            owners = cat.owners_of(name, build)
            if owners:
                target = APP if APP in owners else owners[0]
                yield Hit(path, f"{shown}: `{name}` is a setting of {target}, not a class, so it has no effect here",
                          fix=f"Move it one level down, to `config.{target}.{name}`.")
            else:
                guess = closest(name, cat.class_names(build))
                yield Hit(path, f"{shown}: `{name}` is not a class name (class names start with a capital "
                                f"letter), so BinderHub ignores it" + (f"; did you mean `{guess}`?" if guess else ""),
                          fix="Put settings under their class, e.g. `config.BinderHub.hub_url`.")
        else:
            guess = closest(name, cat.class_names(build))
            hint = f" (did you mean `{guess}`?)" if guess else ""
            yield Hit(path, f"{shown}: BinderHub has no class `{name}`{hint}; traitlets ignores unknown classes "
                            "without any message, so these settings have no effect",
                      fix=(f"Rename it to `{guess}`." if guess else "Check the class name against BinderHub's documentation.")
                      + " If extraConfig defines this class, add `# binderhub-doctor: disable=BHD301` on the line.")


# --- BHD302 unknown trait -------------------------------------------------------------------------

@builtin
def unknown_trait(values, spec, context):
    cat = catalog()
    build = _build(context)
    for section in sections(values, build):
        known = cat.traits_at(section.cls, build)
        chart_only = cat.chart_only.get(section.cls) or {}
        for key in section.body:
            if not isinstance(key, str) or key in known or key in chart_only:
                continue
            if key[:1].isupper() and not key.startswith("_"):
                continue  # a nested class section: BHD307
            path = section.path + (key,)
            yield _unknown_trait_hit(values, cat, build, section, key, path, context)


def _unknown_trait_hit(values, cat: Catalog, build: float, section: Section, key: str, path: tuple, context) -> Hit:
    cls = section.cls
    shown = values.display_path(path)
    prefix = f"{shown}: {cls} has no setting `{key}`"
    tail = "; BinderHub only logs \"Config option not recognized\" and ignores it"
    if not cat.configurable(cls):
        note = cat.classes[cls].get("note") or "it reads no configuration"
        return Hit(path, f"{shown}: {cls} is not configurable ({note}), so `{key}` has no effect",
                   fix="Remove it.")
    gone = cat.gone(cls, key)
    if gone:
        change = cat.change(gone.get("change"))
        when = f" in {change.describe()}" if change else ""
        return Hit(path, f"{prefix}: it was removed{when}; its replacement is `{gone['use']}`{tail}",
                   fix=f"Use `config.{gone['use']}` instead.")
    hint = cat.hint(cls, key)
    if hint:
        return Hit(path, f"{prefix} that can be configured: {hint}{tail}", fix="Remove it.")
    declared = cat.traits(cls).get(key)
    if declared is not None:  # exists, but only in newer charts
        change = cat.trait_since(declared)
        return Hit(path, f"{shown}: `{key}` was added to {cls} in {_describe_since(cat, change)}; "
                         f"{_chart_note(context)} ignores it",
                   fix="Upgrade the chart, or remove the setting.")
    names = list(cat.traits_at(cls, build))
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()
    guess = snake if snake in names else closest(key, names)
    if guess:
        return Hit(path, f"{prefix} (did you mean `{guess}`?){tail}", fix=f"Rename it to `{guess}`.")
    owners = [o for o in cat.owners_of(key, build, exclude=cls) if not cat.is_subclass(cls, o)]
    if owners:
        owner = owners[0]
        return Hit(path, f"{prefix}: `{key}` is a setting of {owner}{tail}",
                   fix=f"Move it to `config.{owner}.{key}`.")
    return Hit(path, f"{prefix}{tail}", fix="Remove it, or correct its name.")


# --- BHD303 wrong type ----------------------------------------------------------------------------


def _deleted_by_helm(cat: Catalog, section: Section, key: str) -> bool:
    """A null for a key the chart's values.yaml sets makes Helm delete the key."""
    if section.nested:
        return False
    defaults = cat.chart_defaults.get(section.cls)
    return isinstance(defaults, dict) and key in defaults


@builtin
def wrong_type(values, spec, context):
    cat = catalog()
    build = _build(context)
    for section in sections(values, build):
        known = cat.traits_at(section.cls, build)
        for key, value in section.body.items():
            trait = known.get(key)
            if trait is None:
                continue
            if value is None and _deleted_by_helm(cat, section, key):
                continue
            problem = trait_type_problem(trait, value, cat)
            if problem is None:
                continue
            path = section.path + (key,)
            message, severity = problem.message, problem.severity
            elsewhere = _when_wrong(cat, section.cls, values)
            if elsewhere and STOPS in message:
                message, severity = message.replace(STOPS, elsewhere[0]), elsewhere[1] or severity
            yield Hit(path, f"{values.display_path(path)} ({trait.type if trait.type != 'Union' else 'Unicode'}) "
                            f"{message}", severity=severity, fix=problem.fix)


def _when_wrong(cat: Catalog, cls: str, values) -> tuple[str, str | None] | None:
    """(what a TraitError in `cls`'s settings does, severity) where that is not BinderHub stopping
    at start-up: the object is created later, or not at all (binderhub/app.py, `initialize` and
    `watch_builders`, and binderhub/base.py, `get_provider`, jupyterhub/binderhub@b9fad995)."""
    if cat.known(cls) and cat.is_subclass(cls, "RepoProvider"):
        return ("every launch from this provider fails with a TraitError (BinderHub creates repository "
                "providers for each request)", None)
    if cat.known(cls) and cat.is_subclass(cls, "KubernetesCleaner"):
        return ("the build cleaner's background task stops with a TraitError, and finished builds are no "
                "longer cleaned up while BinderHub runs on", "warning")
    if cat.known(cls) and cat.is_subclass(cls, "DockerRegistry") and values.get(CONFIG + (APP, "use_registry")) is False:
        return ("it is never read while use_registry is false, because BinderHub creates no registry then",
                "warning")
    return None


# --- BHD304 config section not a mapping ----------------------------------------------------------

@builtin
def section_not_mapping(values, spec, context):
    cat = catalog()
    for name, body in _config(values).items():
        if isinstance(body, dict) or not isinstance(name, str):
            continue
        if body is None and name in cat.chart_defaults:
            continue  # Helm deletes a chart default the user sets to null
        failure = _update_failure(name, body)
        if failure is None:
            continue
        path = CONFIG + (name,)
        shown = values.display_path(path)
        what = "empty (null)" if body is None else describe_kind(body)
        fix = (f"Remove the line, or write `{name}: {{}}`." if body is None or name[:1].isupper()
               else f"Put it under its class, e.g. `config.BinderHub.{name}`.")
        yield Hit(path, f"{shown} is {what}, not a mapping of settings: the chart's binderhub_config.py runs "
                        f"`c[\"{name}\"].update(...)` with it, which raises {failure}; traitlets logs \"Exception "
                        "while loading config file\" and BinderHub starts without any of the chart's settings "
                        "(no hub_url, no registry), so launches fail", fix=fix)


def _update_failure(name: str, body) -> str | None:
    """What `c[name].update(body)` raises in binderhub_config.py, or None. traitlets makes a
    capitalised key a Config section (a dict) and any other key a lazy value whose update() takes
    a dict or, failing that, fills a set."""
    if name.startswith("_"):
        return "KeyError"  # traitlets' Config refuses private keys
    try:
        if name[:1].isupper():
            {}.update(body)
        elif not isinstance(body, dict):
            set().update(body)
    except (TypeError, ValueError) as exc:
        return type(exc).__name__
    return None


# --- BHD305 deprecated / BHD306 removed -----------------------------------------------------------

def _changed_traits(values, context, kind: str):
    """(catalogue, build, section, key, value, trait, info, change) for every setting whose trait
    was `deprecated` or `removed` (kind) by the chart version linted against."""
    cat = catalog()
    build = _build(context)
    for section in sections(values, build):
        known = cat.traits_at(section.cls, build)
        for key, value in section.body.items():
            trait = known.get(key)
            info = trait.spec.get(kind) if trait else None
            if not info:
                continue
            change = cat.changes[info["change"]]
            if change.n <= build:
                yield cat, build, section, key, value, trait, info, change


@builtin
def deprecated(values, spec, context):
    for cat, build, section, key, value, trait, info, change in _changed_traits(values, context, "deprecated"):
        defaults = cat.chart_defaults.get(section.cls) if not section.nested else None
        if isinstance(defaults, dict) and key in defaults and defaults[key] == value:
            continue  # the chart's own default: nothing the user wrote
        if value is None and _deleted_by_helm(cat, section, key):
            continue
        path = section.path + (key,)
        yield _deprecation_hit(values, cat, build, section, trait, info, change, path)


def _deprecation_hit(values, cat, build, section, trait, info, change, path) -> Hit:
    shown = values.display_path(path)
    use = info.get("use")
    message = f"{shown} is deprecated since {change.describe()}"
    if use:
        message += f"; its new home is `config.{use}`"
        chained = _deprecation_of(cat, build, use)
        if chained:
            message += f" (itself deprecated: use `config.{chained}`)" if chained != "-" else " (itself deprecated)"
        shadowed_by = _ignored_default(values, cat, build, use)
        if shadowed_by:  # copied to a setting that is itself ignored once its replacement is set
            return Hit(path, message + f". BinderHub copies the value to `config.{use}`, which only fills in the "
                                       f"default of `config.{shadowed_by}`; that is set, so this line has no "
                                       "effect and no log line says so",
                       fix=f"Remove the line; set what you need in `config.{shadowed_by}`.")
        if not info.get("default_of"):
            message += ". BinderHub still copies the value over at start-up and logs a deprecation warning"
    else:
        message += " and has no replacement"
    fix = info.get("fix") or (f"Move the value to `config.{use}`." if use else "Remove it.")
    default_of = info.get("default_of")
    if default_of:  # not copied: it only fills in the default of the new setting
        cls, _, name = default_of.partition(".")
        if values.get(CONFIG + (cls, name)) is not None:
            message += (f"; `config.{default_of}` is set, so BinderHub ignores this line without a word "
                        f"(the old value only fills in the default of `{name}`)")
        else:
            message += f"; BinderHub still uses it for the default of `config.{default_of}` and logs a deprecation warning"
        return Hit(path, message, fix=fix)
    if use:
        others = cat.where_set(values, use)
        if others:
            other_values = [values.get(p) for p, _ in others]
            if all(v == values.get(path) for v in other_values):
                message += f"; `{use}` is set to the same value, so this line is redundant"
                fix = "Remove the deprecated line."
            else:
                old_wins = info.get("wins") == "old" and all(exact for _, exact in others)
                where = ", ".join(values.display_path(p) for p, _ in others)
                message += (f"; {where} is set to a different value, and BinderHub's copy of this old value "
                            f"replaces it at start-up" if old_wins else
                            f"; {where} is set to a different value and wins, so this line has no effect")
                fix = f"Keep only `config.{use}` with the value you want."
    return Hit(path, message, fix=fix)


def _ignored_default(values, cat: Catalog, build: float, target: str) -> str | None:
    """The setting ``target`` (itself deprecated at chart ``build``) only fills in the default of,
    when that setting is given: then a value copied into ``target`` is ignored (binderhub/build.py@b9fad995,
    `KubernetesBuildExecutor._default_resources`)."""
    cls, _, name = target.partition(".")
    trait = cat.traits(cls).get(name) if cat.known(cls) else None
    info = (trait.spec.get("deprecated") or {}) if trait else {}
    default_of = info.get("default_of")
    if default_of and cat.changes[info["change"]].n <= build and \
            values.get(CONFIG + tuple(default_of.partition(".")[::2])) is not None:
        return default_of
    return None


def _deprecation_of(cat: Catalog, build: float, target: str) -> str | None:
    """What replaces ``target`` when it is itself deprecated at chart ``build`` ("-": nothing)."""
    cls, _, name = target.partition(".")
    trait = cat.traits(cls).get(name) if cat.known(cls) else None
    info = trait.spec.get("deprecated") if trait else None
    if not info or cat.changes[info["change"]].n > build:
        return None
    return info.get("use") or "-"


@builtin
def removed(values, spec, context):
    for _cat, _build, section, key, value, _trait, info, change in _changed_traits(values, context, "removed"):
        path = section.path + (key,)
        shown = values.display_path(path)
        fix = f"Remove it; load the analytics script with `config.{info['use']}` instead."
        if value in info.get("raises_unless", []):
            yield Hit(path, f"{shown} was removed in {change.describe()}; this value does nothing",
                      severity="warning", fix=fix)
        else:
            yield Hit(path, f"{shown} was removed in {change.describe()}: BinderHub now stops at start-up "
                            f"with \"ValueError: Setting {section.cls}.{key} is no longer supported\"",
                      fix=fix)


# --- BHD307 class nested in another class ---------------------------------------------------------

@builtin
def nested_class(values, spec, context):
    cat = catalog()
    build = _build(context)
    app_sections = _app_sections(cat)
    for outer, body in _config(values).items():
        if not isinstance(body, dict) or not cat.exists(outer, build):
            continue
        for inner in body:
            if not isinstance(inner, str) or not inner[:1].isupper() or inner.startswith("_"):
                continue
            path = CONFIG + (outer, inner)
            shown = values.display_path(path)
            known = cat.exists(inner, build)
            if known and outer in app_sections and cat.parented(inner):
                yield Hit(path, f"{shown} works, because BinderHub creates its {inner} with itself as parent; "
                                f"the usual place is config.{inner} (settings here win over config.{inner})",
                          severity="info", fix=f"Move it to `config.{inner}` so that every setting of {inner} is in one place.")
            elif known:
                why = ("BinderHub creates repository providers without a parent (binderhub #1642)"
                       if cat.is_subclass(inner, "RepoProvider") else f"{outer} is not the parent of {inner}")
                yield Hit(path, f"{shown} is ignored: traitlets reads `{outer}.{inner}` only for a {inner} created with "
                                f"a {outer} as parent, and {why}",
                          fix=f"Move it to `config.{inner}`.")
            else:
                names = list(cat.traits_at(outer, build))
                guess = closest(inner, names) or closest(inner, cat.class_names(build))
                yield Hit(path, f"{shown} is ignored: traitlets treats a key that starts with a capital letter as a "
                                "class section, and there is no such class here"
                                + (f"; did you mean `{guess}`?" if guess else ""),
                          fix=f"Rename it to `{guess}`." if guess else "Remove it, or move it to its class under config.")


# --- BHD308 / BHD309 build_token_secret -----------------------------------------------------------

TOKEN_SECRET = CONFIG + (APP, "build_token_secret")
TOKEN_ENV = "BINDERHUB_BUILD_TOKEN_SECRET"


def _extra_env_value(values):
    """(path, value) of BINDERHUB_BUILD_TOKEN_SECRET in extraEnv (mapping or list form), or None."""
    env = values.get(("extraEnv",))
    if isinstance(env, dict) and TOKEN_ENV in env:
        return ("extraEnv", TOKEN_ENV), env[TOKEN_ENV]
    if isinstance(env, list):
        for index, item in enumerate(env):
            if isinstance(item, dict) and item.get("name") == TOKEN_ENV:
                return ("extraEnv", index, "value"), item.get("value", item.get("valueFrom"))
    return None


@builtin
def build_token_secret_form(values, spec, context):
    candidates = []
    if values.has(TOKEN_SECRET):
        candidates.append((TOKEN_SECRET, values.get(TOKEN_SECRET)))
    env = _extra_env_value(values)
    if env and isinstance(env[1], str):
        candidates.append(env)
    for path, secret in candidates:
        if not isinstance(secret, str):
            continue  # wrong type: BHD303
        shown = values.display_path(path)
        length = f"{len(secret)} characters"
        try:
            decoded = binascii.a2b_hex(secret)
        except (binascii.Error, ValueError):
            if secret != secret.strip():
                why = "it has surrounding whitespace or a trailing newline (a `|` block adds one)"
            elif len(secret) % 2:
                why = "it has an odd number of characters"
            else:
                why = "it holds characters other than 0-9 and a-f"
            yield Hit(path, f"{shown} ({length}) is not hex: BinderHub hex-decodes it and stops at start-up, "
                            f"because {why}",
                      fix="Generate one with `openssl rand -hex 32` and paste it on one line, quoted.")
            continue
        if len(decoded) < 16:
            yield Hit(path, f"{shown} is only {len(decoded)} bytes once decoded; anyone who guesses it can forge "
                            "build tokens", severity="warning",
                      fix="Use `openssl rand -hex 32` (32 bytes).")


@builtin
def build_token_secret_missing(values, spec, context):
    if values.get(TOKEN_SECRET) not in (None, "") or _extra_env_value(values):
        return
    extra = values.get(("extraConfig",))
    if isinstance(extra, dict) and any(isinstance(s, str) and "build_token_secret" in s for s in extra.values()):
        return
    replicas = values.get(("replicas",))
    hpa = values.get(("hpa",))
    if isinstance(replicas, (int, float)) and not isinstance(replicas, bool) and replicas > 1:
        path, why = ("replicas",), f"replicas is {as_yaml(replicas)}"
    elif isinstance(hpa, dict) and hpa.get("enabled") is True and hpa.get("maxReplicas") != 1:
        path, why = ("hpa", "enabled"), "the horizontal pod autoscaler is enabled"
    else:
        return
    hit = Hit(path, f"{why}, and none of these files sets config.BinderHub.build_token_secret: unless another "
                    "values file does, each BinderHub pod signs build tokens with its own random key, and a "
                    "launch whose build request reaches another pod fails with \"Invalid build token\"")
    yield unchecked(values, f"whether the BinderHub pods share a build_token_secret ({why})", path, (TOKEN_SECRET,)) or hit


# --- BHD310 ban_networks ---------------------------------------------------------------------------

@builtin
def ban_networks(values, spec, context):
    path = CONFIG + (APP, "ban_networks")
    networks = values.get(path)
    if not isinstance(networks, dict):
        return
    for cidr in networks:
        here = path + (cidr,)
        try:
            ipaddress.ip_network(str(cidr))
        except ValueError as exc:
            fix = "Write a network in CIDR notation, e.g. `10.0.0.0/8: internal`."
            try:
                network = ipaddress.ip_network(str(cidr), strict=False)
            except ValueError:
                pass
            else:
                fix = f"Write the network address: `{network}`."
            yield Hit(here, f"{values.display_path(path)}: `{cidr}` is not a valid network ({exc}): "
                            "BinderHub parses every key with ipaddress.ip_network() and stops at start-up", fix=fix)


# --- BHD311 base_url ------------------------------------------------------------------------------

@builtin
def base_url(values, spec, context):
    path = CONFIG + (APP, "base_url")
    value = values.get(path)
    if not isinstance(value, str):
        return
    shown = values.display_path(path)
    if "://" in value:
        yield Hit(path, f"{shown} is a URL ({values.show(path)}); it must be only the path BinderHub is served "
                        "under, such as `/` or `/binder/`",
                  fix=f"Write only the path: `base_url: {_as_base_path(split_url(value).path)}`.")
        return
    if value.startswith("/") and value.endswith("/"):
        return
    yield Hit(path, f"{shown} {values.show(path)} must start and end with `/`: BinderHub adds the slashes "
                    "itself, but the chart's readiness and liveness probes request `<base_url>versions` "
                    "(here `" + value + "versions`), so the pod never becomes ready",
              fix=f"Write `base_url: {_as_base_path(value)}`.")


def _as_base_path(path: str) -> str:
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


# --- BHD312 docker host ---------------------------------------------------------------------------

_SOCKET_DIRS = {"dind": ("/var/run/dind", "docker.sock"), "pink": ("/var/run/pink", "podman.sock")}


@builtin
def docker_host(values, spec, context):
    build = _build(context)
    chart_socket = _chart_socket(values)
    old = CONFIG + (APP, "build_docker_host")
    value = values.get(old)
    if isinstance(value, str):
        parts = split_url(value)
        shown = values.display_path(old)
        if parts.scheme != "unix" or parts.netloc:
            path = parts.path if parts.scheme == "unix" else value
            yield Hit(old, f"{shown} {values.show(old)} is not a `unix:///path` URL: this (deprecated) setting "
                           "accepts nothing else, and BinderHub stops at start-up with \"Only unix domain sockets "
                           "on same node are supported\"",
                      fix=f"Write `config.KubernetesBuildExecutor.docker_host: {path if path.startswith('/') else '/' + path}` "
                          f"(a plain path), or `build_docker_host: unix://{path if path.startswith('/') else '/' + path}`.")
        elif chart_socket and parts.path != chart_socket:
            yield Hit(old, f"{shown} is replaced by the chart: with imageBuilderType "
                           f"{values.get(('imageBuilderType',))} it sets build_docker_host to unix://{chart_socket}",
                      severity="warning", fix="Remove it; set dind/pink.hostSocketDir to move the socket.")
    for section in sections(values, build):
        if not catalog().is_subclass(section.cls, "KubernetesBuildExecutor") or "docker_host" not in section.body:
            continue
        path = section.path + ("docker_host",)
        value = values.get(path)
        if not isinstance(value, str):
            continue
        shown = values.display_path(path)
        parts = split_url(value)
        if parts.scheme not in ("", "unix"):
            yield Hit(path, f"{shown} {values.show(path)} is not a socket path: build pods mount the docker "
                            "socket from the node, so only a path (or unix:///path) works",
                      fix="Write the socket's path on the node, e.g. `/var/run/docker.sock`.")
        elif parts.netloc:
            yield Hit(path, f"{shown} {values.show(path)}: `unix://` needs three slashes; with two, "
                            f"`{parts.netloc}` is read as a host and dropped, so build pods mount `{parts.path}`",
                      fix=f"Write `/{parts.netloc}{parts.path}` (or `unix:///{parts.netloc}{parts.path}`).")
        elif not parts.path.startswith("/"):
            yield Hit(path, f"{shown} {values.show(path)} is not an absolute path; Kubernetes rejects a relative "
                            "hostPath and no build pod starts",
                      fix=f"Write the absolute path, e.g. `/{parts.path}`.")
        elif chart_socket and parts.path != chart_socket:
            yield Hit(path, f"{shown} is replaced at start-up: with imageBuilderType "
                            f"{values.get(('imageBuilderType',))} the chart sets BinderHub.build_docker_host to "
                            f"unix://{chart_socket}, which BinderHub copies over this value",
                      severity="warning", fix="Remove it; set dind/pink.hostSocketDir to move the socket.")


def _chart_socket(values) -> str | None:
    """The socket the chart points builds at for imageBuilderType dind/pink, else None."""
    kind = values.get(("imageBuilderType",))
    if not isinstance(kind, str) or kind not in _SOCKET_DIRS:  # a list or mapping here is a type error BHD4xx reports
        return None
    default_dir, name = _SOCKET_DIRS[kind]
    folder = values.get((kind, "hostSocketDir"), default_dir)
    if not folder or not isinstance(folder, str):
        return None
    return f"{folder.rstrip('/')}/{name}"


# --- BHD313 build_docker_config -------------------------------------------------------------------

@builtin
def build_docker_config(values, spec, context):
    path = CONFIG + (APP, "build_docker_config")
    if values.get(path) is None:
        return
    yield Hit(path, f"{values.display_path(path)} has no effect under the Helm chart: BinderHub only passes it "
                    "on, and the chart builds the build pods' docker config.json from `config.BinderHub.buildDockerConfig`")


# --- BHD314 buildDockerConfig auths ---------------------------------------------------------------

@builtin
def build_docker_config_auths(values, spec, context):
    """The chart merges buildDockerConfig into the docker config.json it renders from registry.url;
    Go writes the `auths` keys sorted, and DockerRegistry takes the first one as its url."""
    path = CONFIG + (APP, "buildDockerConfig", "auths")
    extra = values.get(path)
    if not isinstance(extra, dict) or not extra:
        return
    if values.get(CONFIG + (APP, "use_registry")) is False or values.get(CONFIG + ("DockerRegistry", "url")):
        return
    registry = values.get(("registry", "url")) or CHART_DEFAULT_REGISTRY_URL
    if not isinstance(registry, str):
        return
    first = sorted({registry, *map(str, extra)})[0]
    if first == registry:
        return
    hit = Hit(path, f"{values.display_path(path)} adds `{first}`, which sorts before registry.url `{registry}` in "
                    "the docker config.json the chart writes; BinderHub takes the first key as its registry, so "
                    "it looks for built images in the wrong place and rebuilds them on every launch",
              fix=f"Set `config.DockerRegistry.url: {registry}` (and `auth_config_url` if it is not that key).")
    yield unchecked(values, "which registry BinderHub takes from the docker config", path,
                    (("registry", "url"), CONFIG + ("DockerRegistry", "url"))) or hit
