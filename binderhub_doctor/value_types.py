"""What a loaded YAML value is called in messages, for every check and model that talks about
types: its type name (JSON Schema's words, as Helm's schema check uses them), with its article,
and whether a quoted string would be a number without its quotes."""

from __future__ import annotations

import math

# Every name type_name gives (JSON Schema's, `list` and `mapping` for array and object).
TYPE_NAMES = ("boolean", "integer", "list", "mapping", "null", "number", "string")


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
