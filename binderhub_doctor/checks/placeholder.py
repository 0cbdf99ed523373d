"""`kind: placeholder`: text copied from the install guide and never filled in."""

from __future__ import annotations

import re

from ..paths import parse_path
from .base import Hit, paths_of, render

# `<docker-id>`, `<IP in EXTERNAL-IP>`, `${PROJECT}`, `{{ token }}`, `REPLACE_ME`, `CHANGEME`...
PLACEHOLDER = re.compile(
    r"<[^<>\n]{1,80}>|\$\{[^}\n]{1,80}\}|\{\{[^{}\n]{0,80}\}\}"
    r"|\b(?:REPLACE[_-]?ME|CHANGE[_-]?ME|CHANGEME|FIXME|TODO|XXXX+|your[-_ ](?:token|password|registry|project|username)\w*)\b",
    re.IGNORECASE,
)
# Values that legitimately contain angle brackets or braces.
_HTML_KEYS = {"about_message", "banner_message", "extra_header_html", "extra_footer_scripts",
              "template_variables", "extraConfig", "extraFiles", "default_opengraph_title"}


def find(text: str) -> str | None:
    match = PLACEHOLDER.search(text)
    if match is None:
        return None
    found = match.group(0)  # `XXXX+` can match a whole pasted blob; a message quotes only its start
    return found if len(found) <= 60 else found[:59] + "…"


def check(values, spec, context):
    if "path" in spec:
        candidates = ((p, values.get(p)) for p in paths_of(values, spec))
    else:
        candidates = values.iter_leaves(path=())
    skip = {parse_path(p) for p in spec.get("skip", [])}
    for path, value in candidates:
        if not isinstance(value, str) or _inside(path, skip) or _html(path):
            continue
        found = find(value)
        if found is None:
            continue
        if _secret(values, path):
            message = "{path} still holds placeholder text instead of the real credential"
        else:
            message = spec.get("message", "{path} still holds the placeholder `{placeholder}`")
        unused = path[:1] == ("registry",) and values.get(("config", "BinderHub", "use_registry")) is False
        if unused:
            message += "; it is unused while use_registry is false"
        yield Hit(path, render(message, values, path, placeholder=found), severity="warning" if unused else None)


def _inside(path: tuple, prefixes: set) -> bool:
    return any(path[: len(p)] == p for p in prefixes)


def _html(path: tuple) -> bool:
    return any(isinstance(part, str) and part in _HTML_KEYS for part in path)


def _secret(values, path) -> bool:
    from ..secrets import is_secret_path

    return is_secret_path(tuple(path))
