"""Merged values written out: as Helm's `toJson` prints them (Go's encoding/json), or as YAML
that Helm reads back to the same values, optionally with where each value was written.

Values here are Helm's: maps with string keys, lists, strings, booleans, null and numbers that
are float64 to Helm (Python ints are kept only while a float64 holds them exactly).
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Callable

from .documents import resolve_plain

PathKey = tuple
Origin = Callable[[PathKey], "str | None"]


def go_json_number(value) -> str:
    """A number as Go's encoding/json prints a float64."""
    if isinstance(value, int) and abs(value) <= 2**53:
        return str(value)
    number = float(value)
    if math.isinf(number) or math.isnan(number):
        raise ValueError("Helm cannot hold an infinite or not-a-number value")
    magnitude = abs(number)
    if magnitude != 0 and (magnitude < 1e-6 or magnitude >= 1e21):
        return re.sub(r"e([-+])0(\d)$", r"e\g<1>\2", repr(number))  # Go: 1e-07 -> 1e-7
    text = format(Decimal(repr(number)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_GO_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                  "\u2028": "\\u2028", "\u2029": "\\u2029"})


def go_json_string(text: str) -> str:
    """A string as Go's encoding/json writes it (HTML characters escaped, as json.Marshal does)."""
    return json.dumps(text, ensure_ascii=False).translate(_GO_JSON_ESCAPES)


def to_go_json(value) -> str:
    """``value`` as Helm's `toJson` prints it: compact, keys sorted, float64 numbers."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return go_json_string(value)
    if isinstance(value, (int, float)):
        return go_json_number(value)
    if isinstance(value, list):
        return "[" + ",".join(to_go_json(item) for item in value) + "]"
    return "{" + ",".join(go_json_string(key) + ":" + to_go_json(value[key]) for key in sorted(value)) + "}"


# --------------------------------------------------------------------------- YAML

_WORD = r"[A-Za-z0-9_./@+=-]+(?::[A-Za-z0-9_./@+=-]+)*"  # a `:` only inside a word, as in URLs
_PLAIN_SAFE = re.compile(rf"^(?=[A-Za-z0-9_/]){_WORD}( {_WORD})*$")
# Characters YAML would read as line breaks or refuse inside double quotes: written as escapes.
_UNSAFE_IN_QUOTES = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def yaml_scalar(value) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return go_json_number(value)
    if _PLAIN_SAFE.match(value) and resolve_plain(value) == value:
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_IN_QUOTES.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def to_yaml(value, origin: Origin | None = None) -> str:
    """Block YAML with sorted keys; with ``origin``, each line ends in `# file:line`."""
    if not isinstance(value, (dict, list)) or not value:
        return _flow_empty(value) + "\n"
    return "".join(line + "\n" for line in _block(value, (), origin))


def _flow_empty(value) -> str:
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, list) and not value:
        return "[]"
    return yaml_scalar(value)


def _comment(origin: Origin | None, path: PathKey) -> str:
    where = origin(path) if origin else None
    return f"  # {where}" if where else ""


def _block(value, path: PathKey, origin: Origin | None) -> list[str]:
    lines: list[str] = []
    entries = [(key, value[key], yaml_scalar(key)) for key in sorted(value)] if isinstance(value, dict) \
        else [(index, item, None) for index, item in enumerate(value)]
    for key, item, shown_key in entries:
        here = path + (key,)
        lead = f"{shown_key}:" if shown_key is not None else "-"
        if isinstance(item, (dict, list)) and item:
            nested = _block(item, here, origin)
            if shown_key is None:  # `- a: 1` with the rest of the entry under it
                lines.append(f"- {nested[0]}")
                lines.extend(f"  {line}" for line in nested[1:])
            else:
                lines.append(lead + _comment(origin, here))
                lines.extend(f"  {line}" for line in nested)
        else:
            lines.append(f"{lead} {_flow_empty(item)}{_comment(origin, here)}")
    return lines
