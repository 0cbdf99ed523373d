"""Load one values file into plain data that remembers where every key and value came from.

Scalars are read the way Helm reads them (go-yaml v2 through sigs.k8s.io/yaml), not the way
PyYAML's defaults do: ``40e9`` is a number, ``0o17`` is 15, ``2026-01-01`` stays a string and
``y``/``n``/``on``/``off`` are booleans, even as keys (which then become the strings "true" and
"false"). go_yaml.py composes the file as go-yaml does; this module turns its nodes into values
with positions, walking them in go-yaml's decoding order. Anything that would stop Helm, or that
Helm accepts silently but surely did not mean (duplicate keys), is recorded as a :class:`Problem`
instead of raising.
"""

from __future__ import annotations

import gc
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import go_yaml
from .go_yaml import (
    ALIAS,
    BINARY,
    MAPPING,
    MAX_DEPTH,
    MAX_NODES,
    MERGE,
    SCALAR,
    SEQUENCE,
    TIMESTAMP,
    TagMismatch,
    Uint64,
    decode_binary,
    go_float32_key,
    helm_number,
    key_string,
    resolve,
)
from .go_yaml import Refused as _Refused
from .value_types import type_name, with_article

__all__ = ["Document", "Position", "Problem", "decode_binary", "document_from_bytes", "go_float32_key", "key_string",
           "load_document", "parse_text", "resolve_plain"]

PathKey = tuple  # a values path: ("config", "BinderHub", "image_prefix") or ("list", 0)

HELM_MAX_DEPTH = 10_000  # go-yaml v2's own limit ("exceeded max depth of 10000")
# Helm stores the values in the release Secret, which Kubernetes caps at 1 MiB (gzipped), and
# real BinderHub values files are a few KB: anything this big is the wrong file, and reading it
# would take minutes and gigabytes.
MAX_BYTES = 8 * 1024 * 1024

GIT_CRYPT_MAGIC = b"\x00GITCRYPT\x00"
# A SOPS file keeps its keys in clear and replaces each value with `ENC[AES256_GCM,data:…]`;
# its own metadata sits under a top-level `sops:` key, which `sops -d` removes.
SOPS_KEY = "sops"
_SOPS_VALUE = re.compile(r"^ENC\[AES256_GCM,")
# Problems that leave a file without values: what it sets cannot be known.
FATAL_PROBLEMS = {"yaml-syntax", "file-encoding", "values-not-a-mapping", "file-unreadable"}

_KNOWN_TAGS = {go_yaml.LONG + name for name in
               ("str", "int", "float", "bool", "null", "map", "seq", "binary", "timestamp", "merge")}


@dataclass(frozen=True)
class Position:
    file: str
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Problem:
    """Something wrong with the file itself, before any rule runs."""

    rule: str
    message: str
    position: Position | None
    path: PathKey | None = None
    hint: str | None = None
    severity: str = "error"


@dataclass
class Document:
    file: str
    data: dict = field(default_factory=dict)
    value_positions: dict[PathKey, Position] = field(default_factory=dict)
    key_positions: dict[PathKey, Position] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    skipped: str | None = None  # why the file was not read, e.g. "encrypted (git-crypt)"
    encrypted: str | None = None  # "SOPS": keys read, but the values below are ciphertext
    encrypted_paths: set = field(default_factory=set)  # where those values are (left out of data)

    @property
    def unread(self) -> bool:
        """Skipped, or left without values by a problem (a value Helm refuses does not count)."""
        return bool(self.skipped) or (not self.data and any(p.rule in FATAL_PROBLEMS for p in self.problems))

    def position(self, path: PathKey) -> Position | None:
        """Where a finding about ``path`` should point: the key for collections, else the value."""
        value_pos = self.value_positions.get(path)
        key_pos = self.key_positions.get(path)
        return key_pos if key_pos is not None else value_pos


def load_document(path: str | Path, display_name: str | None = None) -> Document:
    """Read ``path``; every failure becomes a Problem on the returned Document, never an exception
    (except OSError for files that cannot be opened, which the caller reports as unusable input)."""
    name = display_name or str(path)
    path = Path(path)
    with path.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    return document_from_bytes(raw, name)


def document_from_bytes(raw: bytes, name: str) -> Document:
    """A Document of ``raw`` (at most MAX_BYTES + 1 of them), a file's or standard input's."""
    doc = Document(file=name)
    if raw.startswith(GIT_CRYPT_MAGIC):
        doc.skipped = "encrypted (git-crypt)"
        return doc
    if len(raw) > MAX_BYTES:
        doc.problems.append(Problem(
            "file-unreadable",
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB, far beyond any Helm values file "
            "(Helm keeps the values in a release Secret, which Kubernetes caps at 1 MiB)",
            Position(name, 1, 1), hint="Pass only Helm values files; check that this is the file you meant."))
        return doc
    text = _decode(raw, doc)
    if text is None:
        return doc
    doc.lines = text.splitlines()
    return parse_text(text, doc)


def parse_text(text: str, doc: Document) -> Document:
    # A large file allocates hundreds of thousands of small objects and none of them is garbage;
    # the cyclic collector would rescan them all again and again (it doubled the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_text(text, doc)
    finally:
        if collecting:
            gc.enable()


def _parse_text(text: str, doc: Document) -> Document:
    name = doc.file
    if not doc.lines:
        doc.lines = text.splitlines()
    try:
        composed = go_yaml.compose(text)
    except _Refused as exc:
        doc.problems.append(Problem(
            "yaml-syntax", str(exc), _mark_position(name, exc.mark) or Position(name, 1, 1), hint=exc.hint))
        return doc
    except go_yaml.TooDeep as exc:
        doc.problems.append(_too_deep(name, exc.mark))
        return doc
    except yaml.MarkedYAMLError as exc:
        doc.problems.append(_syntax_problem(exc, doc))
        return doc
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        pos = getattr(exc, "position", None)
        line, col = _line_col(text, _character_offset(text, pos)) if pos is not None else (1, 1)
        doc.problems.append(Problem(
            "yaml-syntax", f"YAML cannot read this file: {_first_line(exc)}", Position(name, line, col),
            hint="Remove control characters (such as NUL bytes) and save the file as UTF-8."))
        return doc
    except RecursionError:
        doc.problems.append(_too_deep(name, None))
        return doc
    _note_what_follows(composed, doc)
    _note_helm4_separators(doc)
    root = composed.root
    if root is None:
        return doc  # an empty file (or only comments) is an empty set of values, as for Helm
    builder = _Builder(doc)
    try:
        _refuse_alias_bombs(root)
        data = builder.build(root, ())
    except _Refused as exc:
        doc.problems.append(Problem(
            "yaml-syntax", str(exc), _mark_position(name, exc.mark), hint=exc.hint))
        return doc
    except RecursionError:  # merge keys nest deeper in Python than in the data
        doc.problems.append(_too_deep(name, None))
        return doc
    if data is None:
        return doc
    if not isinstance(data, dict):
        doc.problems.append(Problem(
            "values-not-a-mapping",
            f"the file's top level is {with_article(type_name(data))}, but Helm values must be a mapping of keys",
            _mark_position(name, root.start),
            hint="Start the file with top-level keys such as `config:` or `registry:`."))
        return doc
    doc.data = data
    _set_sops_values_aside(doc)
    return doc


def _set_sops_values_aside(doc: Document) -> None:
    """A SOPS file's values are unknown, never wrong: take them (and the `sops:` metadata) out of
    the data and remember where they were, so that the merge can still let them override."""
    meta = doc.data.get(SOPS_KEY)
    if not isinstance(meta, dict) or not _has_sops_value(meta):
        return
    del doc.data[SOPS_KEY]
    doc.encrypted = "SOPS"

    def strip(node, path):
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in list(items):
            here = path + (key,)
            if isinstance(item, str) and _SOPS_VALUE.match(item):
                doc.encrypted_paths.add(here)
                if isinstance(node, dict):
                    del node[key]
            elif isinstance(item, (dict, list)):
                strip(item, here)

    strip(doc.data, ())


def _has_sops_value(node) -> bool:
    if isinstance(node, dict):
        return any(_has_sops_value(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_sops_value(v) for v in node)
    return isinstance(node, str) and _SOPS_VALUE.match(node) is not None


_HELM4_SEPARATOR = re.compile(r"^---(?![ \t]*(#.*)?$)")


def _note_helm4_separators(doc: Document) -> None:
    """Helm 4 splits a file into documents itself, at every line that starts with `---`, and
    refuses one with text after the dashes, even inside a value (checked with helm 4.3)."""
    for number, line in enumerate(doc.lines, 1):
        if _HELM4_SEPARATOR.match(line):
            doc.problems.append(Problem(
                "multiple-documents",
                f"line {number} starts with `---` followed by text: Helm 3 reads it as YAML, but Helm 4 "
                "refuses the file (\"invalid Yaml document separator\")",
                Position(doc.file, number, 1), severity="warning",
                hint="Keep `---` alone on its line (the document's content below it), and let no "
                     "other line start with `---`."))
            return


def _note_what_follows(composed: go_yaml.Composed, doc: Document) -> None:
    """Helm 3 never reads past the first document; Helm 4 reads every `---` document."""
    if composed.next_document is None:
        if composed.later_error is not None:
            doc.problems.append(Problem(
                "multiple-documents",
                f"text after the file's first value is not valid YAML ({composed.later_error}); "
                "Helm ignores it, so it sets nothing",
                _mark_position(doc.file, composed.later_error_mark), severity="warning",
                hint="Delete the trailing text, or move it into the values where it belongs."))
        return
    message = ("this file has more than one YAML document (`---`): Helm 3 reads only the first, Helm 4 merges "
               "them all, so the two install different values (binderhub-doctor reads the first)")
    if composed.later_error is not None:
        line = composed.later_error_mark.line + 1 if composed.later_error_mark else "?"
        message += (f"; a later document is not valid YAML (line {line}: {composed.later_error}), "
                    "which Helm 3 ignores and Helm 4 refuses")
    doc.problems.append(Problem(
        "multiple-documents", message, _separator_position(doc, composed.next_document), severity="warning",
        hint="Put all values in one document, or split them into separate values files."))


def _decode(raw: bytes, doc: Document) -> str | None:
    """The file's text as Helm reads it, or None (with a Problem) when Helm cannot read it."""
    def refuse(message: str, line: int = 1, column: int = 1) -> None:
        doc.problems.append(Problem("file-encoding", message, Position(doc.file, line, column),
                                    hint="Save the file as UTF-8 (in PowerShell: `Out-File -Encoding utf8`)."))

    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        refuse("the file is UTF-32 text, which Helm cannot read (\"control characters are not allowed\")")
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        little_endian = raw.startswith(b"\xff\xfe")
        try:
            text = raw[2:].decode("utf-16-le" if little_endian else "utf-16-be")
        except UnicodeDecodeError:
            refuse("the file starts with a UTF-16 byte-order mark but is not valid UTF-16; Helm cannot read it")
            return None
        if little_endian:
            # Checked with helm 3.19 and 4.3: Helm 3 reads UTF-16 LE, Helm 4 fails with
            # "incomplete UTF-16 character"; both read UTF-16 BE.
            refuse("the file is UTF-16 (little-endian) text: Helm 3 reads it, but Helm 4 refuses it "
                   "(\"incomplete UTF-16 character\")")
        return text
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        if raw.startswith(b"\xef\xbb\xbf"):
            # go-yaml v2 checks for a BOM at the start of its buffer instead of at the current
            # position: with a second BOM there, it drops the first character of line after line.
            refuse("the file starts with two byte-order marks; Helm's YAML reader then drops the first "
                   "character of later lines (a key `image:` becomes `mage:`), so it installs values that "
                   "are not the ones written")
            return None
    if _looks_like_wide_text(raw):
        refuse("the file looks like UTF-16 or UTF-32 text without a byte-order mark (a NUL byte next to "
               "every character), which Helm cannot read (\"control characters are not allowed\")")
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8")) + 1  # characters, not bytes
        doc.problems.append(Problem(
            "file-encoding",
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; Helm cannot read this file",
            Position(doc.file, line, column),
            hint="Save the file as UTF-8. If it is encrypted (git-crypt, sops), lint the decrypted copy."))
        return None


def _looks_like_wide_text(raw: bytes) -> bool:
    sample = raw[:4096]
    return len(sample) >= 4 and sample.count(0) * 4 >= len(sample) and (
        sample[0::2].count(0) * 2 >= len(sample[0::2]) or sample[1::2].count(0) * 2 >= len(sample[1::2]))


def _too_deep(file: str, mark) -> Problem:
    return Problem(
        "yaml-syntax",
        f"the YAML is nested more than {MAX_DEPTH} levels deep, too deep to lint "
        f"(Helm stops at {HELM_MAX_DEPTH:,} levels)",
        _mark_position(file, mark) or Position(file, 1, 1),
        hint="A BinderHub values file needs fewer than 20 levels; check for a generated or corrupted file.")


def _refuse_alias_bombs(root) -> None:
    """Count what the aliases multiply out to before building anything: a billion laughs is
    refused in the time it takes to look at each distinct node once."""
    sizes: dict[int, int] = {}
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if node.kind is SCALAR:
            sizes[key] = 1
            continue
        children = _children(node)
        if children_done:
            sizes[key] = 1 + sum(sizes.get(id(child), 1) for child in children)
            continue
        if key in sizes:
            continue
        sizes[key] = 1  # provisional: a recursive alias counts once here; the builder refuses it
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    if sizes[id(root)] <= MAX_NODES:
        return
    culprit = root
    while True:  # the deepest value that alone goes over the limit: where the bomb is built
        bigger = [c for c in _children(culprit) if sizes.get(id(c), 1) > MAX_NODES]
        if not bigger or bigger[0] is culprit:
            break
        culprit = bigger[0]
    raise _Refused(
        f"anchors and aliases multiply this file out to {sizes[id(root)]:,} values (this one alone: "
        f"{sizes[id(culprit)]:,}); binderhub-doctor stops at {MAX_NODES:,}",
        culprit.start, hint="This is an alias bomb; Helm refuses it too (\"excessive aliasing\"). "
        "Write the values out instead of nesting aliases of aliases.")


def _children(node) -> list:
    if node.kind is ALIAS:
        return [node.target]
    if node.kind is SEQUENCE or node.kind is MAPPING:
        return node.value
    return []


def _separator_position(doc: Document, mark) -> Position | None:
    """The `---` line that starts the second document, else where its content starts."""
    position = _mark_position(doc.file, mark)
    if position is None:
        return None
    for number in range(min(position.line, len(doc.lines)), 0, -1):
        if doc.lines[number - 1].startswith("---"):
            return Position(doc.file, number, 1)
    return position


class _Builder:
    """Turns composed YAML nodes into Helm's view of the data, recording positions.

    It walks the nodes in go-yaml's decoding order and counts its decodes the way go-yaml does,
    so that a file Helm refuses for "excessive aliasing" is refused here too."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.decodes = 0
        self.alias_decodes = 0
        self.alias_depth = 0
        self.active_aliases: set[int] = set()
        self.outer_alias = None  # the alias in the document whose expansion is under way

    def _count(self, node) -> None:
        self.decodes += 1
        if self.alias_depth:
            self.alias_decodes += 1
        if self.alias_decodes > 100 and self.decodes > 1000 and \
                self.alias_decodes / self.decodes > go_yaml.allowed_alias_ratio(self.decodes):
            raise _Refused(
                "document contains excessive aliasing: Helm's YAML reader stops when almost all values "
                "come from aliases", (self.outer_alias or node).start,
                hint="This is an alias bomb (or close to one); write the values out instead of nesting aliases.")
        if self.decodes > MAX_NODES:
            raise _Refused(
                f"the file expands to more than {MAX_NODES:,} values (anchors and aliases multiplied out)",
                node.start, hint="This looks like an alias bomb; Helm would run out of memory on it.")

    def _through_alias(self, node, build, *args):
        if id(node) in self.active_aliases:
            raise _Refused(f"anchor '{node.value}' value contains itself: an alias refers to the node "
                           "that contains it", node.start,
                           hint="Helm cannot expand recursive anchors; remove the alias.")
        self.active_aliases.add(id(node))
        self.alias_depth += 1
        if self.alias_depth == 1:
            self.outer_alias = node
        try:
            return build(node.target, *args)
        finally:
            self.alias_depth -= 1
            self.active_aliases.discard(id(node))

    def build(self, node, path: PathKey, depth: int = 0):
        self._count(node)
        if depth > MAX_DEPTH:
            problem = _too_deep(self.doc.file, node.start)
            raise _Refused(problem.message, node.start, hint=problem.hint)
        self.doc.value_positions.setdefault(path, _mark_position(self.doc.file, node.start))
        if node.kind is ALIAS:  # go-yaml decodes (and counts) the aliased node again
            return self._through_alias(node, self.build, path, depth)
        if node.kind is SCALAR:
            value = self._scalar(node, path)
            if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
                self.doc.problems.append(Problem(
                    "yaml-syntax", f"`{node.value}` is read as an infinite or not-a-number value, which Helm "
                    "cannot store (it fails with `json: unsupported value`)",
                    _mark_position(self.doc.file, node.start), path=path,
                    hint=f"Quote it if you mean the text: \"{node.value}\"."))
                return node.value  # reported; the rules see the text, never a float no check expects
            elif isinstance(value, int) and not isinstance(value, bool):
                value = helm_number(value)
            return value
        self._check_tag(node)
        if node.kind is SEQUENCE:
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._mapping(node, path, depth)

    def _check_tag(self, node) -> None:
        tag = node.tag or ""
        if not tag or tag in _KNOWN_TAGS or tag == "!":
            return
        shown = go_yaml.short_tag(tag)
        read_as = {SEQUENCE: "an ordinary list", MAPPING: "an ordinary mapping"}.get(node.kind, "plain text")
        self.doc.problems.append(Problem(
            "yaml-tag", f"the YAML tag {shown} is ignored by Helm; the value is read as {read_as}",
            _mark_position(self.doc.file, node.start), severity="warning",
            hint="Remove the tag; Helm values carry no types beyond strings, numbers, booleans, lists and maps."))

    def _mapping(self, node, path: PathKey, depth: int) -> dict:
        result: dict = {}
        seen: dict[str, Any] = {}
        children = node.value
        for index in range(0, len(children), 2):
            key_node, value_node = children[index], children[index + 1]
            if _is_merge(key_node):
                self._merge_into(result, value_node, path, depth)
                continue
            key = self._key(key_node, path)
            if key in seen:
                first = seen[key]
                self.doc.problems.append(Problem(
                    "duplicate-key",
                    f"key `{key}` appears twice in this mapping (first at line {first.line + 1}); "
                    "Helm silently keeps only this last one and drops everything under the first",
                    _mark_position(self.doc.file, key_node.start), path=path + (key,),
                    hint="Merge the two blocks into one, or delete the one you do not want.", severity="warning"))
                self._forget(path + (key,))
            seen[key] = key_node.start
            self.doc.key_positions[path + (key,)] = _mark_position(self.doc.file, key_node.start)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def _merge_into(self, result: dict, value_node, path: PathKey, depth: int) -> None:
        """go-yaml's merge: a mapping, an alias of one, or a list of those (earlier ones win)."""
        def refuse(node):
            raise _Refused("map merge requires map or sequence of maps as the value: a merge key (`<<`) "
                           "must refer to a mapping or a list of mappings", node.start,
                           hint="Point `<<:` at an anchored mapping (`<<: *defaults`).")

        def mapping_like(node):
            target = node.target if node.kind is ALIAS else node
            return target.kind is MAPPING

        if value_node.kind is SEQUENCE:
            sources = list(reversed(value_node.value))
        elif value_node.kind in (MAPPING, ALIAS):
            sources = [value_node]
        else:
            refuse(value_node)
        for source in sources:
            if not mapping_like(source):
                refuse(source)
            result.update(self.build(source, path, depth + 1))

    def _forget(self, path: PathKey) -> None:
        size = len(path)
        for table in (self.doc.value_positions, self.doc.key_positions):
            for stale in [p for p in table if p[:size] == path]:
                del table[stale]

    def _key(self, node, path: PathKey) -> str:
        value = self._key_value(node, path)
        problem = None
        if value is None:
            problem = ("a mapping key is empty or null (`~:`), which Helm refuses (`unsupported map key`)",
                       "Give the key a name, or quote it.")
        elif isinstance(value, Uint64):
            problem = (f"the key {node.value} is above the largest 64-bit signed integer, which Helm refuses "
                       "(`unsupported map key of type: uint64`)", f"Quote the key: \"{node.value}\".")
        if problem is not None:
            self.doc.problems.append(Problem("yaml-syntax", problem[0], _mark_position(self.doc.file, node.start),
                                             hint=problem[1]))
            return "null" if value is None else str(int(value))
        return key_string(value)

    def _key_value(self, node, path: PathKey):
        self._count(node)
        if node.kind is ALIAS:
            return self._through_alias(node, self._key_value, path)
        if node.kind is not SCALAR:
            raise _Refused("a mapping key must be a plain value, not a list or mapping", node.start,
                           hint="Helm values keys are strings; quote the key.")
        return self._scalar(node, path)

    def _scalar(self, node, path: PathKey):
        """The value go-yaml decodes into an interface{}: str, bool, None, int, Uint64 or float."""
        if node.tag is None and not node.implicit:
            return node.value  # quoted, or a block scalar: a string
        if node.tag == BINARY:
            decoded = decode_binary(node.value)
            if decoded is None:
                self._refusal(node, path, "this !!binary value is not valid base64, so Helm refuses the file "
                              "(\"!!binary value contains invalid base64 data\")",
                              "Remove the !!binary tag, or give padded standard base64 "
                              "(only line breaks may split it).")
                return node.value
            return decoded
        try:
            rtag, value = resolve(node.tag, node.value)
        except TagMismatch as exc:
            self._refusal(node, path, f"the tag does not fit the value: {exc}, so Helm refuses the file",
                          "Remove the tag, or write a value of the tag's type.")
            return node.value
        if rtag == TIMESTAMP or rtag == MERGE:
            return node.value  # a timestamp decoded into an interface{} stays the text written
        self._check_tag(node)
        return value

    def _refusal(self, node, path: PathKey, message: str, hint: str) -> None:
        self.doc.problems.append(Problem("yaml-syntax", message, _mark_position(self.doc.file, node.start),
                                         path=path, hint=hint))


def _is_merge(node) -> bool:
    """go-yaml's isMerge: a scalar `<<` that is plain (or `! <<`) or tagged !!merge."""
    return node.kind is SCALAR and node.value == "<<" and (node.implicit or node.tag == MERGE)


def resolve_plain(text: str):
    """The value go-yaml v2 gives a plain (unquoted, untagged) scalar, as Helm then stores it."""
    rtag, value = resolve(None, text)
    if rtag == TIMESTAMP:
        return text
    if isinstance(value, int) and not isinstance(value, bool):
        return helm_number(value)
    if isinstance(value, float) and math.isinf(value):
        return value
    return value


def _syntax_problem(exc: yaml.MarkedYAMLError, doc: Document) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    position = _mark_position(doc.file, mark)
    problem = exc.problem or "invalid YAML"
    if "exceeded maximum nesting depth" in problem:  # libyaml stops at 1000 levels, Helm does not
        return _too_deep(doc.file, mark)
    message = f"YAML syntax error: {problem}"
    if exc.context:
        message += f" ({exc.context})"
    hint = "Fix the YAML syntax; Helm refuses the whole file."
    line_text = doc.lines[position.line - 1] if position and 0 < position.line <= len(doc.lines) else ""
    tab_line = _first_tab_indent(doc.lines, position.line if position else 1)
    bom_line = _bom_line(doc.lines, position.line if position else 1)
    if bom_line is not None:
        position = Position(doc.file, bom_line, 1)
        message += (f"; line {bom_line} starts with a byte-order mark (U+FEFF), which Helm reads as text, "
                    "not as indentation or the start of a key")
        hint = "Delete the invisible byte-order mark (often left by pasting from a Windows editor)."
    elif "\t" in problem or "'\\t'" in problem or tab_line is not None:
        line_no = tab_line or position.line
        position = Position(doc.file, line_no, 1)
        message = "a tab character is used for indentation; YAML allows only spaces"
        hint = "Replace the tab with spaces, using the same indentation as the lines around it."
    else:
        block = _early_block_end(doc.lines, position.line if position else 0)
        if block is not None:
            header, bad_line, indent = block
            position = Position(doc.file, bad_line, 1)
            message = (f"line {bad_line} is indented less than the first line of the block scalar "
                       f"started at line {header} (`{doc.lines[header - 1].strip()}`), which ends the block early")
            hint = (f"Indent every line of the pasted value by at least {indent} spaces, "
                    "as deep as its first line.")
        elif line_text.strip().startswith(("{", '"')):
            hint = ("A JSON key file must be pasted as a block scalar: write `password: |` "
                    "and indent the JSON below it.")
    return Problem("yaml-syntax", message, position, hint=hint)


_BLOCK_HEADER = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")


def _bom_line(lines: list[str], error_line: int) -> int | None:
    for number in range(max(1, error_line - 2), min(len(lines), error_line) + 1):
        if lines[number - 1].startswith("\ufeff"):
            return number
    return None


def _first_tab_indent(lines: list[str], error_line: int) -> int | None:
    for number in range(max(1, error_line - 2), min(len(lines), error_line) + 1):
        text = lines[number - 1]
        stripped = text.lstrip(" ")
        if stripped.startswith("\t") and stripped.strip():
            return number
    return None


def _early_block_end(lines: list[str], error_line: int):
    """(header line, first under-indented line, required indent) when a block scalar ended early."""
    for header in range(min(error_line, len(lines)) - 1, 0, -1):
        text = lines[header - 1]
        if not _BLOCK_HEADER.search(text):
            continue
        header_indent = _indent(text)
        content = [n for n in range(header + 1, error_line + 1) if n <= len(lines) and lines[n - 1].strip()]
        if not content:
            return None
        block_indent = _indent(lines[content[0] - 1])
        for number in content[1:]:
            indent = _indent(lines[number - 1])
            if indent >= block_indent:
                continue
            # This line ends the block. It is the mistake when it still sits inside the value's
            # indentation, or when it is pasted text (JSON) right before the error.
            pasted = lines[number - 1].lstrip().startswith(('"', "{", "}", "-----"))
            if header_indent < indent or (pasted and error_line - number <= 2):
                return header, number, block_indent
            return None
        return None
    return None


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _mark_position(file: str, mark) -> Position | None:
    if mark is None:
        return None
    return Position(file, mark.line + 1, mark.column + 1)


def _character_offset(text: str, position: int) -> int:
    """libyaml reports reader errors at a byte offset into the UTF-8 text; PyYAML at a character."""
    if go_yaml.Loader is yaml.SafeLoader:
        return position
    return len(text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore"))


_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset, counting line breaks as YAML does."""
    line, start = 1, 0
    for match in _YAML_BREAK.finditer(text, 0, offset):
        line, start = line + 1, match.end()
    return line, offset - start + 1


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
