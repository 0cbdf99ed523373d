"""A set of values files merged as ``helm -f a.yaml -f b.yaml`` merges them.

Maps merge deeply and a later file wins; any other value (lists included) replaces the earlier
one wholesale. Every merged value still knows which file and line it came from, so a rule that
looks at the merged values can point into the right file.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .documents import Document, PathKey, Position, load_document
from .secrets import Redactor, is_secret_key, is_secret_path, redacted, secret_strings

_MISSING = object()
META_CHART_KEY = "binderhub"
# Top-level keys that only the BinderHub chart itself has; a file with them is not a meta-chart.
_BINDERHUB_ROOT_KEYS = {"config", "jupyterhub", "imageBuilderType", "dind", "pink", "imageCleaner"}


def is_secret_filename(path: str) -> bool:
    if str(path).startswith(("/dev/fd/", "/proc/self/fd/")):
        return True  # a pipe such as <(sops -d secret.enc.yaml): decrypted, never the committed file
    name = os.path.basename(path).lower()
    parts = {p.lower() for p in Path(path).parts[:-1]}
    return (
        fnmatch.fnmatch(name, "*secret*.yaml")
        or fnmatch.fnmatch(name, "*secret*.yml")
        or "secrets" in parts
        or "secret" in parts
    )


@dataclass
class Values:
    """The merged values of one deployment, seen from the BinderHub chart's root."""

    root: dict
    documents: list[Document]
    owners: dict[PathKey, int]  # path -> index of the document that last set it
    prefix: PathKey = ()
    secret_files: frozenset[str] = frozenset()
    redactor: Redactor = field(default_factory=Redactor)

    @property
    def data(self) -> dict:
        node = self.root
        for part in self.prefix:
            node = node.get(part) if isinstance(node, dict) else None
        return node if isinstance(node, dict) else {}

    def get(self, path: PathKey, default=None):
        node = self.data
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return default
        return node

    def has(self, path: PathKey) -> bool:
        return self.get(path, _MISSING) is not _MISSING

    def document_of(self, path: PathKey) -> Document | None:
        full = self.prefix + tuple(path)
        for size in range(len(full), -1, -1):
            owner = self.owners.get(full[:size])
            if owner is not None:
                return self.documents[owner]
        return None

    def origin(self, path: PathKey) -> Position | None:
        """Where ``path`` was written; for a missing path, its closest written ancestor."""
        full = self.prefix + tuple(path)
        for size in range(len(full), -1, -1):
            doc = self.document_of(full[:size][len(self.prefix):]) if size >= len(self.prefix) else None
            if doc is None:
                break
            position = doc.position(full[:size])
            if position is not None:
                return position
        return None

    def value_origin(self, path: PathKey) -> Position | None:
        """Where the value itself starts (the line after `password: |`, not the key)."""
        doc = self.document_of(path)
        if doc is None:
            return None
        return doc.value_positions.get(self.prefix + tuple(path)) or self.origin(path)

    def in_secret_file(self, path: PathKey) -> bool:
        doc = self.document_of(path)
        return doc is not None and doc.file in self.secret_files

    def has_secret_file(self) -> bool:
        return any(doc.file in self.secret_files for doc in self.documents)

    def display_path(self, path: PathKey) -> str:
        return format_path(self.prefix + tuple(path))

    def show(self, path: PathKey) -> str:
        """A value as a message may quote it: secrets redacted, long text shortened."""
        value = self.get(path)
        if is_secret_path(tuple(path)):
            return redacted(value)
        return show_value(value)

    def iter_leaves(self, node=_MISSING, path: PathKey = ()):
        """(path, value) for every scalar below ``path``."""
        if node is _MISSING:
            node = self.get(path)
        if isinstance(node, dict):
            for key, item in node.items():
                yield from self.iter_leaves(item, path + (key,))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from self.iter_leaves(item, path + (index,))
        else:
            yield path, node


def show_value(value, limit: int = 60) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 1] + "…"
        return '"' + text.replace("\n", "\\n") + '"'
    if isinstance(value, float) and value == int(value) and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return str(value)


def format_path(path: PathKey) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not text:
            text = str(part)
        elif "." in str(part) or " " in str(part):
            text += f'["{part}"]'
        else:
            text += f".{part}"
    return text


def merge_documents(documents: list[Document]) -> tuple[dict, dict[PathKey, int]]:
    merged: dict = {}
    owners: dict[PathKey, int] = {}
    for index, doc in enumerate(documents):
        _merge_into(merged, doc.data, (), index, owners)
    return merged, owners


def _merge_into(target: dict, source: dict, path: PathKey, index: int, owners: dict) -> None:
    for key, value in source.items():
        here = path + (key,)
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            target[key] = dict(current)  # never mutate an earlier document's data
            previous = _owner(owners, here)
            for child in current:  # what only the earlier file set stays the earlier file's
                owners.setdefault(here + (child,), previous)
            owners[here] = index
            _merge_into(target[key], value, here, index, owners)
        else:
            for stale in [p for p in owners if len(p) > len(here) and p[: len(here)] == here]:
                del owners[stale]
            target[key] = value
            owners[here] = index


def _owner(owners: dict, path: PathKey) -> int | None:
    for size in range(len(path), -1, -1):
        if path[:size] in owners:
            return owners[path[:size]]
    return None


def detect_values_key(merged: dict) -> str | None:
    """`binderhub` when the files are values of a chart that holds BinderHub under that key."""
    inner = merged.get(META_CHART_KEY)
    if isinstance(inner, dict) and not (_BINDERHUB_ROOT_KEYS & set(merged)):
        return META_CHART_KEY
    return None


def load_values(
    paths: list[str | Path],
    secret_files: list[str | Path] | None = None,
    values_key: str | None = None,
    auto_values_key: bool = True,
) -> Values:
    """Load and merge ``paths`` in order. OSError propagates for files that cannot be opened."""
    documents = [load_document(p) for p in paths]
    return build_values(documents, secret_files, values_key, auto_values_key)


def build_values(
    documents: list[Document],
    secret_files: list[str | Path] | None = None,
    values_key: str | None = None,
    auto_values_key: bool = True,
) -> Values:
    merged, owners = merge_documents(documents)
    if secret_files is None:
        secret = {d.file for d in documents if is_secret_filename(d.file)}
    else:
        wanted = {os.path.realpath(str(p)) for p in secret_files}
        secret = {d.file for d in documents if os.path.realpath(d.file) in wanted}
    if values_key is None and auto_values_key:
        values_key = detect_values_key(merged)
    prefix = tuple(values_key.split(".")) if values_key else ()
    values = Values(merged, documents, owners, prefix, frozenset(secret))
    values.redactor.add(collect_secrets(documents))
    return values


def collect_secrets(documents: list[Document]) -> list[str]:
    """Every secret-looking value in every document, merged or overridden, for the scrubber."""
    found: list[str] = []

    def walk(node, secret: bool):
        if isinstance(node, dict):
            for key, item in node.items():
                walk(item, secret or is_secret_key(key))
        elif isinstance(node, list):
            for item in node:
                walk(item, secret)
        elif secret and isinstance(node, str) and node:
            found.extend(secret_strings(node))

    for doc in documents:
        walk(doc.data, False)
        found.extend(_secrets_in_text(doc.lines))
    return found


# The value is stripped in Python: `\s*(.*?)\s*$` would try every split of a run of spaces
# between the value and the trailing `\s*` (quadratic: 60,000 spaces took 10 s).
_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?[\"']?([\w.-]+)[\"']?\s*:(.*)$")


def _secrets_in_text(lines: list[str]) -> list[str]:
    """Secret values read from the raw text, so that a file YAML cannot parse still has its
    secrets known to the scrubber."""
    found: list[str] = []
    block_indent = None
    for line in lines:
        if block_indent is not None:
            if not line.strip() or len(line) - len(line.lstrip(" ")) > block_indent:
                if line.strip():
                    found.append(line.strip())
                continue
            block_indent = None
        match = _KEY_LINE.match(line)
        if not match or not is_secret_key(match.group(2)):
            continue
        value = match.group(3).strip()
        if value[:1] in ("|", ">", "") or value == "{":
            block_indent = len(match.group(1))
            continue
        found.append(value.strip("\"'"))
    return found
