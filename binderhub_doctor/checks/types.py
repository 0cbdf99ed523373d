"""`kind: type`: a value must have one of the given types (as traitlets or the chart expect)."""

from __future__ import annotations

from ..value_types import TYPE_NAMES, looks_like_number, type_name, with_article
from .base import Hit, paths_of, render
from .kinds import MESSAGE, PATHS, kind

_BOOL_TEXT = {"true", "false", "yes", "no", "on", "off"}
_TYPE = {"enum": list(TYPE_NAMES)}


@kind("type", {"path": PATHS, "type": {"anyOf": [_TYPE, {"type": "array", "items": _TYPE, "minItems": 1}]},
               "message": MESSAGE, "null_message": MESSAGE}, required=("path", "type"))
def check(values, spec, context):
    wanted = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
    if "number" in wanted:
        wanted = wanted + ["integer"]
    for path in paths_of(values, spec):
        value = values.get(path)
        actual = type_name(value)
        if actual in wanted:
            continue
        expected = " or ".join(wanted)
        if actual == "null":
            message = spec.get("null_message") or (
                f"{{path}} is empty (null), but must be {with_article(expected)}; "
                "an empty value reaches BinderHub as None and stops it at start-up")
        elif actual == "string" and "boolean" in wanted and value.strip().lower() in _BOOL_TEXT:
            message = "{path} is the string {value}, not a boolean; remove the quotes"
        elif actual == "string" and set(wanted) & {"integer", "number"} and looks_like_number(value):
            message = "{path} is the string {value}, not a number; remove the quotes"
        else:
            message = spec.get("message") or f"{{path}} is {with_article(actual)} ({{value}}), but must be {with_article(expected)}"
        yield Hit(path, render(message, values, path))


