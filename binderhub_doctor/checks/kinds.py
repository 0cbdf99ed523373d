"""The tables rule files are checked against: every check kind with the parameters it takes, and
every builtin check. Each registers itself where it is defined, with a decorator, so a kind and
its parameters are written down once, next to the code that reads them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

Check = Callable  # check(values, spec, context) -> iterable of Hit


@dataclass(frozen=True)
class CheckKind:
    name: str
    check: Check | None  # None: the engine makes these findings itself (`document`, `builtin`)
    params: dict  # JSON Schema of the rule's `check:` mapping, `kind` aside

    def schema(self) -> dict:
        """The whole `check:` mapping: the declared parameters and nothing else (a misspelt
        parameter would otherwise be silently ignored, and the rule check nothing)."""
        schema = dict(self.params)
        schema["type"] = "object"
        schema["properties"] = {"kind": {"const": self.name}, **self.params.get("properties", {})}
        schema["additionalProperties"] = False
        return schema


KINDS: dict[str, CheckKind] = {}
BUILTINS: dict[str, Check] = {}
SET_BUILTINS: dict[str, Callable] = {}  # check(sets, spec) -> iterable of (index of the set, Hit)

# Parameters several kinds share.
PATHS = {"description": "a values path, `*` for any key, or a list of them",
         "anyOf": [{"type": "string", "minLength": 1},
                   {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}]}
ONE_PATH = {"description": "a values path", "type": "string", "minLength": 1}
MESSAGE = {"description": "the finding's text; {path}, {value} and {key} are filled in", "type": "string",
           "minLength": 1}
SEVERITY = {"enum": ["error", "warning", "info"]}
# RE2 syntax: ruleset checks each pattern with RE2 itself, the engine that runs it.
REGEX = {"type": "string"}


def kind(name: str, properties: dict, required: tuple[str, ...] = (), **rules) -> Callable[[Check], Check]:
    """Register the decorated function as the check of `kind: NAME`, taking ``properties``
    (JSON Schema of each parameter), of which ``required`` must be given; ``rules`` are further
    JSON Schema keywords about the parameters together (e.g. anyOf)."""

    def register(check: Check) -> Check:
        declare(name, check, properties, required, **rules)
        return check

    return register


def declare(name: str, check: Check | None, properties: dict, required: tuple[str, ...] = (), **rules) -> None:
    if name in KINDS:
        raise ValueError(f"check kind {name!r} is registered twice")
    KINDS[name] = CheckKind(name, check, {"properties": properties, "required": list(required), **rules})


def builtin(check: Check) -> Check:
    """Register a builtin check as `MODULE.FUNCTION`, the name rule files give in `function:`."""
    return _register(BUILTINS, check)


def across_sets(check: Callable) -> Callable:
    """Register a builtin that compares the values sets linted together (`kind: across-sets`)."""
    return _register(SET_BUILTINS, check)


def _register(table: dict, check: Callable) -> Callable:
    name = f"{check.__module__.rpartition('.')[2]}.{check.__name__}"
    if name in table:
        raise ValueError(f"builtin check {name!r} is registered twice")
    table[name] = check
    return check
