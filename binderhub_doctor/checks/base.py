"""What every check kind shares: the hit it yields, conditions, and message formatting."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..documents import Position
from ..paths import expand, parse_path
from ..values import Values, format_path


@dataclass
class Hit:
    """One place a check found wrong. The engine turns it into a Finding."""

    path: tuple | None
    message: str
    severity: str | None = None  # None: the rule's severity
    position: Position | None = None  # None: where `path` was written
    fix: str | None = None  # None: the rule's fix


@dataclass
class Context:
    """What a check may know beyond the values: the options of this run."""

    chart_version: str | None = None
    chart_key: tuple = ()  # parsed chart version, see chart_versions.parse
    options: dict = field(default_factory=dict)


def unchecked(values: Values, what: str, at: tuple, paths) -> Hit | None:
    """A comparison of two values concludes nothing while one of them is unknown (encrypted, or
    possibly set by a file that could not be read): then this info hit says what went unchecked,
    pointing at ``at``; None when every value in ``paths`` is settled."""
    for path in paths:
        why = values.unsettled(path)
        if why:
            return Hit(at, f"{what} could not be checked: {values.display_path(path)} is not known; {why}",
                       severity="info",
                       fix="Lint the decrypted values too (e.g. `binderhub-doctor lint <(sops -d FILE) …` or "
                           "after `git-crypt unlock`) to check it.")
    return None


def paths_of(values: Values, spec: dict, key: str = "path") -> list[tuple]:
    patterns = spec.get(key)
    if patterns is None:
        return []
    if isinstance(patterns, str):
        patterns = [patterns]
    found: list[tuple] = []
    for pattern in patterns:
        found.extend(expand(values.data, parse_path(pattern)))
    return found


def render(template: str, values: Values, path: tuple | None, **extra) -> str:
    """Fill `{value}`, `{path}`, `{key}` and any extra names into a rule's message."""
    fields = {
        "value": values.show(path) if path is not None else "",
        "path": format_path(path) if path is not None else "",
        "key": str(path[-1]) if path else "",
    }
    fields.update(extra)
    return re.sub(r"\{(\w+)\}", lambda m: str(fields.get(m.group(1), m.group(0))), template)


def condition_holds(values: Values, condition: dict) -> bool:
    path = parse_path(condition["path"])
    present = values.has(path)
    value = values.get(path)
    if "present" in condition:
        return present == bool(condition["present"])
    if not present:
        return condition.get("default_holds", False)
    if "equals" in condition:
        return value == condition["equals"]
    if "not_equals" in condition:
        return value != condition["not_equals"]
    if "in" in condition:
        return value in condition["in"]
    if "matches" in condition:
        from .rule_regex import search

        return isinstance(value, str) and search(condition["matches"], value)
    if "truthy" in condition:
        return bool(value) == bool(condition["truthy"])
    return True


def conditions_hold(values: Values, conditions) -> bool:
    if not conditions:
        return True
    return all(condition_holds(values, c) for c in conditions)


def type_name(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        # `.inf` and `.nan` are floats too, and int() of them raises.
        return "integer" if math.isfinite(value) and value.is_integer() and abs(value) < 2**63 else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "mapping"


def with_article(kind: str) -> str:
    """`an integer`, `a string`: for messages about types."""
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


def looks_like_number(text: str) -> bool:
    """A string that would be a number without its quotes."""
    try:
        float(text.strip())
    except ValueError:
        return False
    return True


# `key: |`, `key: >-`, `key: |2+ # comment`: a block scalar's header, whose text starts on the next line.
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")


def line_in_block(values: Values, path: tuple, line: int, column: int | None = None) -> Position | None:
    """Where line ``line`` (1-based) of the text at ``path`` sits in its file: a block scalar's
    line N is the file's line header+N. ``column`` (1-based, within that line of text) is added
    to the block's indentation; without it, the line's first character. A value that is not a
    block scalar cannot be mapped line by line: then where it starts."""
    start = values.value_origin(path)
    doc = values.document_of(path)
    if start is None or doc is None:
        return start
    header = doc.lines[start.line - 1] if 0 < start.line <= len(doc.lines) else ""
    target = start.line + line
    if not _BLOCK_HEADER.search(header) or not 0 < target <= len(doc.lines):
        return start
    text = doc.lines[target - 1]
    if column is None:
        return Position(start.file, target, len(text) - len(text.lstrip(" ")) + 1)
    return Position(start.file, target, _block_indent(doc.lines, start.line) + column)


def _block_indent(lines: list[str], header: int) -> int:
    """The indentation of a block scalar's text: that of its first line that is not blank."""
    for text in lines[header:]:
        if text.strip():
            return len(text) - len(text.lstrip(" "))
    return 0
