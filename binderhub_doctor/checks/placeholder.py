"""`kind: placeholder`: text copied from the install guide and never filled in."""

from __future__ import annotations

import re

from ..paths import parse_path
from .base import Hit, paths_of, render
from .kinds import MESSAGE, PATHS, kind

# `<docker-id>`, `<IP in EXTERNAL-IP>`, `${PROJECT}`, `{{ token }}`, `REPLACE_ME`, `CHANGEME`...
_WORDS = (r"<[^<>\n]{1,80}>|\$\{[^}\n]{1,80}\}"
          r"|\b(?:REPLACE[_-]?ME|CHANGE[_-]?ME|CHANGEME|FIXME|TODO|XXXX+|your[-_ ](?:token|password|registry|project|username)\w*)\b")
PLACEHOLDER = re.compile(_WORDS + r"|\{\{[^{}\n]{0,80}\}\}", re.IGNORECASE)
# KubeSpawner fills every string of these settings in with str.format (`{username}`), where `{{`
# and `}}` are the documented way to write a literal brace (kubespawner/spawner.py,
# `_expand_user_properties` and `_expand_all`, jupyterhub/kubespawner@4161d54): the daskhub chart
# ships `{{JUPYTERHUB_USER}}` in singleuser.extraEnv. There `{{…}}` is no placeholder.
_WITHOUT_BRACES = re.compile(_WORDS, re.IGNORECASE)
KUBESPAWNER_FORMATTED = (("jupyterhub", "singleuser"), ("jupyterhub", "hub", "config", "KubeSpawner"))
# Values that legitimately contain angle brackets or braces.
_HTML_KEYS = {"about_message", "banner_message", "extra_header_html", "extra_footer_scripts",
              "template_variables", "extraConfig", "extraFiles", "default_opengraph_title"}


def find(text: str, braces_are_escapes: bool = False) -> str | None:
    match = (_WITHOUT_BRACES if braces_are_escapes else PLACEHOLDER).search(text)
    if match is None:
        return None
    found = match.group(0)  # `XXXX+` can match a whole pasted blob; a message quotes only its start
    return found if len(found) <= 60 else found[:59] + "…"


_PATH_LIST = {"type": "array", "items": {"type": "string"}}


@kind("placeholder", {"path": PATHS, "skip": _PATH_LIST, "fails_under": _PATH_LIST, "message": MESSAGE})
def check(values, spec, context):
    if "path" in spec:
        candidates = ((p, values.get(p)) for p in paths_of(values, spec))
    else:
        candidates = values.iter_leaves(path=())
    skip = {parse_path(p) for p in spec.get("skip", [])}
    for path, value in candidates:
        if not isinstance(value, str) or _inside(path, skip) or _html(path):
            continue
        found = find(value, braces_are_escapes=_inside(path, KUBESPAWNER_FORMATTED))
        if found is None:
            continue
        if _secret(values, path):
            message = "{path} still holds placeholder text instead of the real credential"
        else:
            message = spec.get("message", "{path} still holds the placeholder `{placeholder}`")
        unused = path[:1] == ("registry",) and values.get(("config", "BinderHub", "use_registry")) is False
        if unused:
            message += "; it is unused while use_registry is false"
        # an error only where the value is used and fails (`fails_under`); elsewhere a warning
        fails = "fails_under" not in spec or _inside(path, {parse_path(p) for p in spec["fails_under"]})
        yield Hit(path, render(message, values, path, placeholder=found),
                  severity="warning" if unused or not fails else None)


def _inside(path: tuple, prefixes) -> bool:
    return any(path[: len(p)] == p for p in prefixes)


def _html(path: tuple) -> bool:
    return any(isinstance(part, str) and part in _HTML_KEYS for part in path)


def _secret(values, path) -> bool:
    from ..secrets import is_secret_path

    return is_secret_path(tuple(path))
