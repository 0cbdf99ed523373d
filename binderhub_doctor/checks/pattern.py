"""`kind: pattern`: a string value must match (`match`) or must not match (`forbid`) a regex
(RE2 syntax, see rule_regex)."""

from __future__ import annotations

from .base import Hit, paths_of, render
from .kinds import MESSAGE, PATHS, REGEX, kind
from .rule_regex import compile_rule_regex

DEFAULT_MESSAGE = "{path} is {value}, which does not have the expected form"


@kind("pattern", {"path": PATHS, "match": REGEX, "forbid": REGEX, "ignore_case": {"type": "boolean"},
                 "message": MESSAGE},
      required=("path",), anyOf=[{"required": ["match"]}, {"required": ["forbid"]}])
def check(values, spec, context):
    ignore_case = bool(spec.get("ignore_case"))
    match = compile_rule_regex(spec["match"], ignore_case) if "match" in spec else None
    forbid = compile_rule_regex(spec["forbid"], ignore_case) if "forbid" in spec else None
    for path in paths_of(values, spec):
        value = values.get(path)
        if not isinstance(value, str):
            continue
        if match is not None and not match.search(value):
            yield Hit(path, render(spec.get("message", DEFAULT_MESSAGE), values, path))
        elif forbid is not None and forbid.search(value):
            yield Hit(path, render(spec.get("message", DEFAULT_MESSAGE), values, path))
