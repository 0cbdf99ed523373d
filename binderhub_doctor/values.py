"""A set of values files merged as ``helm -f a.yaml -f b.yaml`` merges them.

Maps merge deeply and a later file wins; any other value (lists included) replaces the earlier
one wholesale. Every merged value still knows which file and line it came from, so a rule that
looks at the merged values can point into the right file.
"""

from __future__ import annotations

import fnmatch
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import output
from .documents import Document, PathKey, Position, load_document
from .printable import printable
from .secrets import is_secret_container, is_secret_key, is_secret_path, redacted, secret_strings

_MISSING = object()
META_CHART_KEY = "binderhub"
# Top-level keys that only the BinderHub chart itself has; a file with them is not a meta-chart.
_BINDERHUB_ROOT_KEYS = {"config", "jupyterhub", "imageBuilderType", "dind", "pink", "imageCleaner"}


def is_secret_filename(path: str) -> bool:
    if str(path).startswith(("/dev/fd/", "/proc/self/fd/")) or str(path) == "<stdin>":
        return True  # a pipe such as <(sops -d secret.enc.yaml) or stdin: decrypted, never the committed file
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
    parent_keys: frozenset[str] = frozenset()  # top-level keys that are a parent chart's own

    @property
    def redactor(self) -> output.SecretRegistry:
        """Where a probe reports a credential it holds (or received), so that the output sink
        masks it should a server echo it back."""
        return output.SECRETS

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

    def unsettled(self, path: PathKey) -> str | None:
        """Why the value at ``path`` cannot be known, or None when the files read settle it: its
        value is encrypted (SOPS), or a file that could not be read (git-crypt, a broken file) may
        set it, because it comes after the file that set it, or nothing read sets it at all."""
        full = self.prefix + tuple(path)
        first = self._owner_index(full) if self.has(path) else 0
        for doc in self.documents[first or 0:]:
            if doc.unread:
                return f"{doc.file} {'is ' + doc.skipped if doc.skipped else 'could not be read'} and may set it"
            if _encrypts(doc, full):
                return f"its value in {doc.file} is encrypted ({doc.encrypted})"
        return None

    def encrypted(self, path: PathKey) -> bool:
        """Whether the value at ``path`` is set, but encrypted (SOPS)."""
        doc = self.document_of(path)
        return doc is not None and self.prefix + tuple(path) in doc.encrypted_paths

    def _owner_index(self, full: PathKey) -> int | None:
        for size in range(len(full), -1, -1):
            if full[:size] in self.owners:
                return self.owners[full[:size]]
        return None

    def document_of(self, path: PathKey) -> Document | None:
        owner = self._owner_index(self.prefix + tuple(path))
        return None if owner is None else self.documents[owner]

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
        return '"' + printable(text) + '"'
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e21:
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
        for path in doc.encrypted_paths:  # an encrypted value still replaces what came before
            _unset(merged, path, index, owners)
    return merged, owners


def _unset(merged: dict, path: PathKey, index: int, owners: dict) -> None:
    parent = merged
    for part in path[:-1]:
        parent = parent.get(part) if isinstance(parent, dict) else None
    if isinstance(parent, dict) and path[-1] in parent:
        del parent[path[-1]]
        for stale in [p for p in owners if len(p) > len(path) and p[: len(path)] == path]:
            del owners[stale]
    owners[path] = index


def _encrypts(doc: Document, path: PathKey) -> bool:
    """Whether ``doc`` holds an encrypted value at ``path``, above it or inside it."""
    size = len(path)
    return any(p[:size] == path or path[: len(p)] == p for p in doc.encrypted_paths)


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
    """`binderhub` when the files are values of a chart that holds BinderHub under that key;
    `<chart>.binderhub` when that chart is itself a dependency of another (a chart of a chart,
    such as `persistent_binderhub.binderhub`)."""
    if _BINDERHUB_ROOT_KEYS & set(merged):
        return None
    if isinstance(merged.get(META_CHART_KEY), dict):
        return META_CHART_KEY
    nested = [found for found in (nested_values_key(k, inner) for k, inner in merged.items()) if found]
    return nested[0] if len(nested) == 1 else None


def nested_values_key(key, inner) -> str | None:
    """`key.binderhub` when ``inner`` (the values under ``key``) holds BinderHub under `binderhub:`."""
    if isinstance(inner, dict) and isinstance(inner.get(META_CHART_KEY), dict) and \
            not (_BINDERHUB_ROOT_KEYS & set(inner)) and "." not in str(key):
        return f"{key}.{META_CHART_KEY}"
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
    parent_keys: frozenset[str] = frozenset(),
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
    values = Values(merged, documents, owners, prefix, frozenset(secret), parent_keys=parent_keys)
    secrets, common = collect_secrets(documents)
    output.SECRETS.add(secrets)
    output.SECRETS.add_common_text(common)
    return values


def collect_secrets(documents: list[Document]) -> tuple[list[str], list[str]]:
    """(every value of a secret field in every document, merged or overridden; the keys and
    values outside secret fields), so the output sink knows the secrets and the common words."""
    found: list[str] = []
    common: list[str] = []

    def walk(node, secret: bool):
        if isinstance(node, dict):
            for key, item in node.items():
                if not secret:
                    common.append(str(key))
                leaf = not isinstance(item, (dict, list))
                walk(item, secret or is_secret_container(key) or (leaf and is_secret_key(key)))
        elif isinstance(node, list):
            for item in node:
                walk(item, secret)
        elif secret:
            found.extend(secret_strings(node))
        elif not secret and node is not None:
            common.append(str(node))

    for doc in documents:
        walk(doc.data, False)
        found.extend(_secrets_in_text(doc.lines))
    return found, common


# The value is stripped in Python: `\s*(.*?)\s*$` would try every split of a run of spaces
# between the value and the trailing `\s*` (quadratic: 60,000 spaces took 10 s).
_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?[\"']?([\w.-]+)[\"']?\s*:(.*)$")


def _secrets_in_text(lines: list[str]) -> list[str]:
    """Secret values read from the raw text, so that a file YAML cannot parse still has its
    secrets known to the output sink."""
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
            if is_secret_container(match.group(2)) or value[:1] in ("|", ">"):
                block_indent = len(match.group(1))
            continue
        if value[:1] in ("{", "[") and not is_secret_container(match.group(2)):
            continue  # `auth: {type: jupyterhub}`: settings, not a credential
        found.append(value.strip("\"'"))
    return found
