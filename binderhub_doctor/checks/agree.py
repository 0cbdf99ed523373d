"""`kind: agree`: two values that must say the same thing (compared as urls, hosts or text)."""

from __future__ import annotations

from ..paths import parse_path
from ..urls import split_url
from .base import Hit, render, unchecked
from .kinds import MESSAGE, ONE_PATH, kind


def host(value: str) -> str:
    text = value if "://" in value else "https://" + value
    return (split_url(text).hostname or "").lower()


def url(value: str) -> str:
    return value.rstrip("/")


_TRANSFORMS = {"host": host, "url": url, "text": lambda v: v}


@kind("agree", {"path": ONE_PATH, "other": ONE_PATH, "compare": {"enum": sorted(_TRANSFORMS)},
               "message": MESSAGE}, required=("path", "other"))
def check(values, spec, context):
    path, other = parse_path(spec["path"]), parse_path(spec["other"])
    a, b = values.get(path), values.get(other)
    if not isinstance(a, str) or not isinstance(b, str) or not a or not b:
        return
    transform = _TRANSFORMS[spec.get("compare", "text")]
    if transform(a) != transform(b):
        message = spec.get("message", "{path} ({value}) does not agree with {other} ({other_value})")
        hit = Hit(path, render(message, values, path, other=spec["other"], other_value=values.show(other)))
        yield unchecked(values, f"whether {spec['path']} agrees with {spec['other']}", path, (path, other)) or hit
