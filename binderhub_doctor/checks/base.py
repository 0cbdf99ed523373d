"""What every check kind shares: the hit it yields, conditions, and message formatting."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import chart_versions
from ..documents import Position
from ..paths import expand, parse_path
from ..values import Values, format_path

if TYPE_CHECKING:
    from ..models.chart import ChartModel


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
    """What a check may know beyond the values: the options of this run, and the state of this one
    lint (nothing about a lint outlives its context, so two lints in one process never share it)."""

    chart_version: str | None = None  # None: the newest known (what chart_pin.choose picks without a pin)
    chart_key: tuple = ()  # the version parsed (chart_versions.parse); made from chart_version when not given
    options: dict = field(default_factory=dict)
    chart_model: ChartModel | None = None  # None: data/chart-model.yaml's, taken on first use
    # What one check works out for the whole lint and several rules share (chart_layout's walk).
    shared: dict = field(default_factory=dict)

    def __post_init__(self):
        self.chart_version = self.chart_version or chart_versions.NEWEST
        self.chart_key = self.chart_key or chart_versions.parse(self.chart_version)

    def model(self) -> ChartModel:
        """The chart model this lint checks against."""
        if self.chart_model is None:
            from ..models.chart import chart_model

            self.chart_model = chart_model()
        return self.chart_model


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
