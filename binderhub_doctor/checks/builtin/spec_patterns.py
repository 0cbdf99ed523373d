"""The spec patterns of repository providers: `banned_specs`, `allowed_specs`, `high_quota_specs`
and `spec_config`. BinderHub runs each through Python's ``re.match(pattern, spec, re.IGNORECASE)``
at launch (binderhub/repoproviders.py@b9fad995, `is_banned`, `has_higher_quota`, `repo_config`),
so they are Python regular expressions, judged here by Python's own `re`, never matched against
anything (a user's pattern could backtrack for ever): only compiled, or read as text."""

from __future__ import annotations

import re
import sys
import warnings

from ... import chart_versions
from ..base import Hit
from ..kinds import builtin

CONFIG = ("config",)
PATTERN_LISTS = ("banned_specs", "allowed_specs", "high_quota_specs")
SPEC_CONFIG = "spec_config"
# binderhub PR #1105 (n=3469, 2024-06-10) added allowed_specs; older charts ignore the trait.
ALLOWED_SPECS_SINCE = "1.0.0-0.dev.git.3469"
# The BinderHub image runs Python 3.11 since 5940cd74 (2023-01-04, n=2982) and 3.13 since
# 3883aac1; before, 3.9 (helm-chart/images/binderhub/Dockerfile). Python 3.11 changed what `re`
# accepts: atomic groups and possessive quantifiers became valid, and global flags such as
# `(?i)` anywhere but at the start became an error (a DeprecationWarning before).
PYTHON_311_SINCE = "1.0.0-0.dev.git.2982"
# Python 3.8 since 5907ce6a (2020-10-29, n=1994), 3.7 and older before: charts that old are not
# judged by the `re` of today's Pythons.
PYTHON_38_SINCE = "0.2.0-n262"
# The providers whose every spec that launches anything lacks `://`: GitHub and Gist specs are
# `owner/repo/ref`, GitLab's `group%2Fproject/ref` and the git provider's
# `https%3A%2F%2Fhost%2Frepo/ref` (percent-encoded: the spec is the raw request path,
# binderhub/base.py@b9fad995, `get_spec_from_request`), and each splits the spec at its first `/`.
URL_FREE_PROVIDERS = ("GitHubRepoProvider", "GistRepoProvider", "GitLabRepoProvider", "GitRepoProvider")
GITHUB_SPEC_PROVIDERS = ("GitHubRepoProvider", "GistRepoProvider")
_GITHUB_HOSTS = ("github.com/", "www.github.com/", "gist.github.com/")
_COMPILE_FAILURES = (re.error, RecursionError, OverflowError, ValueError, MemoryError)


def provider_sections(values):
    """(class name, its mapping) for every `config.<X>Provider` section: RepoProvider and its
    subclasses, an organisation's own included (traitlets hands each its own section and its
    parents')."""
    config = values.get(CONFIG)
    if not isinstance(config, dict):
        return
    for name, body in config.items():
        if isinstance(name, str) and name.endswith("Provider") and isinstance(body, dict):
            yield name, body


def patterns(values, context):
    """(path, pattern, provider class, trait name) for every pattern BinderHub would use at this
    chart version, `spec_config` items' `pattern` included."""
    for cls, body in provider_sections(values):
        for trait in PATTERN_LISTS:
            if trait == "allowed_specs" and context.chart_key < chart_versions.parse(ALLOWED_SPECS_SINCE):
                continue
            items = body.get(trait)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    yield CONFIG + (cls, trait, index), item, cls, trait
        items = body.get(SPEC_CONFIG)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict) and isinstance(item.get("pattern"), str):
                    yield CONFIG + (cls, SPEC_CONFIG, index, "pattern"), item["pattern"], cls, SPEC_CONFIG


def python_311_or_newer(context) -> bool:
    """Whether the BinderHub image of the chart linted runs Python 3.11 or newer."""
    return context.chart_key >= chart_versions.parse(PYTHON_311_SINCE)


def regex_problem(pattern: str, modern: bool) -> str | None:
    """Why BinderHub's Python (3.11 or newer when ``modern``, else 3.8 to 3.10) refuses ``pattern``, or
    None when it compiles there or when this Python cannot tell (a construct whose meaning
    changed in 3.11, judged on the other side of that change)."""
    here_modern = sys.version_info >= (3, 11)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            re.compile(pattern, re.IGNORECASE)
        except _COMPILE_FAILURES as exc:
            return _judged_failure(pattern, exc, here_modern, modern)
    if here_modern and not modern and _uses_311_syntax(pattern):
        return "atomic groups `(?>…)` and possessive quantifiers (`*+`, `++`, `?+`) need Python 3.11"
    if modern and not here_modern and any("not at the start" in str(w.message) for w in caught):
        return "global flags not at the start of the expression"
    return None


def _judged_failure(pattern: str, exc: BaseException, here_modern: bool, modern: bool) -> str | None:
    message = _describe(exc)
    if here_modern and not modern and "global flags not at the start" in message:
        return None  # Python 3.10 and older only warn about it; the rest is not known to be wrong
    if modern and not here_modern and ("multiple repeat" in message or "unknown extension ?>" in message):
        return None  # possibly a possessive quantifier or an atomic group, both valid in Python 3.11
    return message


def _describe(exc: BaseException) -> str:
    if isinstance(exc, re.error):
        return f"{exc.msg} at position {exc.pos}" if exc.pos is not None else exc.msg
    if isinstance(exc, RecursionError):
        return "groups nested too deeply"
    return str(exc) or type(exc).__name__


def _uses_311_syntax(pattern: str) -> bool:
    """Whether ``pattern`` (which compiles here, on Python 3.11 or newer) has an atomic group or a
    possessive quantifier, read from `re`'s own parse tree."""
    try:
        from re import _parser  # Python 3.11+: the parser `re.compile` itself uses

        tree = _parser.parse(pattern, re.IGNORECASE)
    except Exception:  # noqa: BLE001 - a private module: if it changes, fall back to "cannot tell"
        return False
    return _has_op(tree, {"ATOMIC_GROUP", "POSSESSIVE_REPEAT"})


def _has_op(node, names: set) -> bool:
    items = getattr(node, "data", node)
    if not isinstance(items, (list, tuple)):
        return False
    for item in items:
        if isinstance(item, tuple) and len(item) == 2 and str(item[0]) in names:
            return True
        if isinstance(item, (list, tuple)) or hasattr(item, "data"):
            if _has_op(item, names):
                return True
    return False


def _stops(trait: str) -> str:
    if trait == SPEC_CONFIG:
        return "BinderHub reads every spec_config item at every launch, so every launch fails"
    return "every launch whose spec reaches this pattern fails"


@builtin
def invalid(values, spec, context):
    """A pattern Python's `re` refuses, an item that is not a string, or a spec_config item
    without a string `pattern` and a mapping `config`: each raises at launch."""
    modern = python_311_or_newer(context)
    python = "Python 3.11 or newer" if modern else "Python 3.8 to 3.10"
    judged = context.chart_key >= chart_versions.parse(PYTHON_38_SINCE)
    for path, pattern, _cls, trait in patterns(values, context):
        if not isinstance(pattern, str):
            yield Hit(path, f"{values.display_path(path)} is {values.show(path)}, not a string: BinderHub's "
                            f"`re.match` raises TypeError on it, and {_stops(trait)}",
                      fix="Write each pattern as a quoted string, e.g. `\"^owner/repo/.*\"`.")
            continue
        problem = regex_problem(pattern, modern) if judged else None
        if problem:
            yield Hit(path, f"{values.display_path(path)} {values.show(path)} is not a valid regular expression "
                            f"for the {python} of this chart's BinderHub ({problem}): `re.match` raises "
                            f"re.error, and {_stops(trait)}",
                      fix="Fix the pattern (a Python regular expression matched from the start of the spec): "
                          "escape a literal `(`, `[`, `+` or `?` with `\\`.")
    for cls, body in provider_sections(values):
        items = body.get(SPEC_CONFIG)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            path = CONFIG + (cls, SPEC_CONFIG, index)
            if not isinstance(item, dict):
                yield Hit(path, f"{values.display_path(path)} is {values.show(path)}, not a mapping with `pattern` "
                                f"and `config`, so BinderHub raises AttributeError: {_stops(SPEC_CONFIG)}",
                          fix="Write each item as `{pattern: \"^owner/repo.*\", config: {quota: 10}}`.")
            elif not isinstance(item.get("config"), dict):
                where = path + ("config",) if "config" in item else path
                yield Hit(where, f"{values.display_path(path)} has no `config` mapping: BinderHub raises "
                                 f"ValueError (\"expected a specification configuration dict\"): "
                                 f"{_stops(SPEC_CONFIG)}",
                          fix="Give the item a `config:` mapping, e.g. `config: {quota: 10}`.")
            elif not isinstance(item.get("pattern"), str):
                where = path + ("pattern",) if "pattern" in item else path
                yield Hit(where, f"{values.display_path(path)} has no string `pattern`: BinderHub raises "
                                 f"ValueError (\"expected a regex pattern string\"): {_stops(SPEC_CONFIG)}",
                          fix="Give the item a `pattern:` string, e.g. `pattern: \"^owner/repo.*\"`.")


def matches_no_spec(pattern: str, cls: str) -> str | None:
    """Why ``pattern`` can match no spec of provider ``cls`` that launches anything, or None.
    Read from the text: the pattern is never run."""
    if cls not in URL_FREE_PROVIDERS:
        return None
    text = re.sub(r"\\([^A-Za-z0-9])", r"\1", pattern).replace("(?:", "(")
    if "://" in text:
        return "it holds `://`, and no spec does"
    bare = re.sub(r"^(\^|\(\?[a-z]+\))+", "", text).lower()
    if cls in GITHUB_SPEC_PROVIDERS and bare.startswith(_GITHUB_HOSTS):
        return "it starts with the host, and a GitHub spec starts with the owner"
    return None


SPEC_FORMS = ("a spec is not a URL: GitHub's is `owner/repo/ref`, GitLab's `group%2Fproject/ref`, the git "
              "provider's `https%3A%2F%2Fhost%2Frepo/ref`")


@builtin
def url_pattern(values, spec, context):
    """A pattern written against a repository URL: it matches nothing, so it bans, allows or
    configures nothing; when no allowed_specs pattern can match, every launch is refused."""
    allowed: dict[str, list] = {}
    for path, pattern, cls, trait in patterns(values, context):
        if not isinstance(pattern, str):
            continue
        why = matches_no_spec(pattern, cls)
        if trait == "allowed_specs":
            allowed.setdefault(cls, []).append((path, why))
        if why is None or trait == "allowed_specs":
            continue
        effect = {"banned_specs": "bans nothing", "high_quota_specs": "raises no repository's quota",
                  SPEC_CONFIG: "configures nothing"}[trait]
        yield Hit(path, f"{values.display_path(path)} {values.show(path)} can never match: {why} ({SPEC_FORMS}); "
                        f"BinderHub matches it from the start of the spec, so it {effect}",
                  fix=_fix(cls))
    for cls, found in allowed.items():
        dead = [(path, why) for path, why in found if why]
        if not dead:
            continue
        every = len(dead) == len(found)
        for path, why in dead:
            if every:
                yield Hit(path, f"{values.display_path(path)} {values.show(path)} can never match: {why} "
                                f"({SPEC_FORMS}), and no other {cls}.allowed_specs pattern can either: BinderHub "
                                "refuses every launch from this provider as not allowed",
                          severity="error", fix=_fix(cls))
            else:
                yield Hit(path, f"{values.display_path(path)} {values.show(path)} can never match: {why} "
                                f"({SPEC_FORMS}); the repositories it was meant to allow are refused",
                          fix=_fix(cls))


def _fix(cls: str) -> str:
    if cls == "GitRepoProvider":
        return "Match the percent-encoded spec, e.g. `^https%3A%2F%2Fgitlab\\.example\\.org%2Fgroup%2F.*`."
    if cls == "GitLabRepoProvider":
        return "Match the spec `group%2Fproject/ref`, e.g. `^group%2Fproject/.*`."
    return "Match the spec `owner/repo/ref`, e.g. `^owner/repo/.*` or `^owner/.*`."
