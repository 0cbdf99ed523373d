"""Fixers: the one correct rewrite for a finding of a fixable rule (`lint --fix`, `lint --diff`).

A rule says it can be fixed with `autofix: NAME` in its rule file; NAME is a fixer registered
here with ``@fixer``. A fixer gets the finding, the merged values and the text of the file that
holds the value, and returns that file's new text, or None when there is no single right answer
(then the finding stays, with its hint). Fixers edit text through values_edit.py, which keeps
comments, quoting, key order and line endings and checks that the file still reads as the old
values except at the fixed path. The driver (commands/fix.py) turns the new text into a
:class:`TextEdit`, applies edits that do not overlap, lints again and repeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .documents import Document, PathKey
from .findings import Finding
from .values import Values
from .values_edit import EditError, json_block_scalar, move_key, pasted_json_block, remove_key, set_scalar


@dataclass(frozen=True)
class TextEdit:
    """Replace ``text[start:end]`` of ``file`` (offsets in characters, after any byte-order mark)."""

    file: str
    start: int
    end: int
    replacement: str

    def apply(self, text: str) -> str:
        return text[:self.start] + self.replacement + text[self.end:]


@dataclass
class Target:
    """What a fixer looks at: the finding, the values, the document and current text of its file."""

    finding: Finding
    values: Values
    document: Document
    text: str

    def full(self, path: PathKey) -> PathKey:
        """A path below the BinderHub values as the file writes it (under a meta-chart's key)."""
        return self.values.prefix + tuple(path)

    def owns(self, path: PathKey) -> bool:
        """Whether this file is the one that sets ``path`` in the merged values."""
        return self.values.document_of(path) is self.document and self.full(path) in self.document.key_positions

    def path(self) -> PathKey | None:
        """The finding's path, below the values key, when it is plain dotted keys."""
        shown = self.finding.path
        if not shown or "[" in shown or '"' in shown:
            return None
        parts = tuple(shown.split("."))
        prefix = self.values.prefix
        return parts[len(prefix):] if parts[:len(prefix)] == prefix else None


Fixer = Callable[[Target], "str | None"]
FIXERS: dict[str, Fixer] = {}
# Fixers that make readable what YAML could not read before (a key file pasted without `|`):
# what the other rules then find was there all along, so it does not count against the fix.
REVEALING: set[str] = set()


def fixer(name: str, reveals: bool = False) -> Callable[[Fixer], Fixer]:
    def register(function: Fixer) -> Fixer:
        FIXERS[name] = function
        if reveals:
            REVEALING.add(name)
        return function
    return register


def edit_for(name: str, target: Target) -> TextEdit | None:
    """The edit fixer ``name`` makes for ``target``, or None when it has none."""
    try:
        new_text = FIXERS[name](target)
    except EditError:
        return None
    if new_text is None or new_text == target.text:
        return None
    return difference(target.finding.file or "", target.text, new_text)


def difference(file: str, old: str, new: str) -> TextEdit:
    """One edit that turns ``old`` into ``new``: the span between their common start and end."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    return TextEdit(file, start, len(old) - end, new[start:len(new) - end])


def _set(target: Target, path: PathKey, value: str | None) -> str | None:
    if value is None or not target.owns(path) or target.values.get(path) == value:
        return None
    return set_scalar(target.text, target.full(path), value, target.document.file)


# --- registry and image names ---------------------------------------------------------------------

@fixer("image-prefix")
def image_prefix(target: Target) -> str | None:
    from .checks.builtin.image_prefix import PREFIX, canonical

    return _set(target, PREFIX, canonical(target.values.get(PREFIX)))


@fixer("registry-url")
def registry_url(target: Target) -> str | None:
    from .checks.builtin.registry import URL, canonical_url

    return _set(target, URL, canonical_url(target.values.get(URL)))


@fixer("hub-url")
def hub_url(target: Target) -> str | None:
    from .checks.builtin.hub_url import canonical

    path = target.path()
    if path is None or path[-1] not in ("hub_url", "hub_url_local"):
        return None
    return _set(target, path, canonical(target.values, target.values.get(path)))


# --- the JSON key pasted under registry.password -----------------------------------------------

PASSWORD = ("registry", "password")
_MAX_LINES_ABOVE = 400


@fixer("json-key-block", reveals=True)
def json_key_block(target: Target) -> str | None:
    """`password:` without `|` (YAML read a mapping), or `password: |` with lines that do not
    line up (YAML stops): the key rewritten as a block scalar, its content unchanged."""
    full = target.full(PASSWORD)
    if isinstance(target.values.get(PASSWORD), dict):
        if not target.owns(PASSWORD):
            return None
        header = target.document.key_positions[full].line
    else:
        header = _password_header_above(target)
        if header is None:
            return None
    new_text = json_block_scalar(target.text, header, target.document.file)
    from .documents import parse_text

    fixed = parse_text(new_text, Document(file=target.document.file))
    position = fixed.key_positions.get(full)
    return new_text if position is not None and position.line == header else None


def _password_header_above(target: Target) -> int | None:
    """The `password:` line above a YAML error that a pasted JSON key starts below."""
    if target.finding.line is None:
        return None
    lines = target.text.splitlines(keepends=True)
    for index in range(min(target.finding.line, len(lines)) - 1, max(-1, target.finding.line - _MAX_LINES_ABOVE), -1):
        head = lines[index].strip()
        if head.startswith("password:") and pasted_json_block(lines, index) is not None:
            return index + 1
    return None


# --- settings that moved ----------------------------------------------------------------------------

@fixer("deprecated-trait")
def deprecated_trait(target: Target) -> str | None:
    """A deprecated trait moved to its new home, when that home is unset and BinderHub only
    copies the old value there (no other meaning, no chained deprecation)."""
    from .models.traits import catalog

    path = target.path()
    if path is None or len(path) != 3 or path[0] != "config" or not target.owns(path):
        return None
    cat = catalog()
    cls, name = path[1], path[2]
    trait = cat.traits(cls).get(name) if cat.known(cls) else None
    info = (trait.spec.get("deprecated") if trait else None) or {}
    use = info.get("use")
    if not use or info.get("default_of") or info.get("fix"):
        return None
    new_cls, _, new_name = use.partition(".")
    new_trait = cat.traits(new_cls).get(new_name) if cat.known(new_cls) else None
    if new_trait is None or new_trait.spec.get("deprecated") or cat.where_set(target.values, use):
        return None  # the new home (or a subclass's) is set: which value is meant is the user's call
    return _move(target, path, ("config", new_cls, new_name))


@fixer("legacy-chart-key")
def legacy_chart_key(target: Target) -> str | None:
    """A key of the old chart layout moved to the one place that took it over: a key whose value
    moved as it is, or an old section holding just one setting that did."""
    from .models.chart import chart_model

    path = target.path()
    if path is None or not target.owns(path):
        return None
    node = chart_model().binderhub
    for part in path:
        node = node.keys.get(part) if node is not None else None
    removal = node.removed if node is not None else None
    if removal is None:
        return None
    value = target.values.get(path)
    moved = removal.moved
    if isinstance(moved, dict) and isinstance(value, dict) and len(value) == 1 and next(iter(value)) in moved:
        sub = next(iter(value))
        old, new = path + (sub,), moved[sub]
    elif isinstance(moved, str):
        old, new = path, moved
    else:
        return None
    if not _one_to_one(new) or isinstance(target.values.get(old), (dict, list)):
        return None
    destination = tuple(new.split("."))
    if target.values.has(destination) or target.values.unsettled(destination):
        if target.values.get(destination) == target.values.get(old) and not target.values.unsettled(destination):
            return remove_key(target.text, target.full(path), target.document.file)
        return None
    return _move(target, old, destination)


# Moves whose new home takes a different kind of value: not one correct rewrite.
_REWRITTEN_ELSEWHERE = {"config.BinderHub.extra_footer_scripts"}


def _one_to_one(new: str) -> bool:
    return new not in _REWRITTEN_ELSEWHERE and all(part.isidentifier() for part in new.split("."))


def _move(target: Target, old: PathKey, new: PathKey) -> str | None:
    if target.values.has(new) or target.values.unsettled(new):
        return None
    return move_key(target.text, target.full(old), target.full(new), target.document.file)
