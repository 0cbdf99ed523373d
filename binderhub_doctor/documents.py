"""Load one values file into plain data that remembers where every key and value came from.

Scalars are read the way Helm reads them (go-yaml v2 through sigs.k8s.io/yaml), not the way
PyYAML's defaults do: ``40e9`` is a number, ``0o17`` is 15, ``2026-01-01`` stays a string and
``y``/``n``/``on``/``off`` are booleans, even as keys (which then become the strings "true" and
"false"). Anything that would stop Helm, or that Helm accepts silently but surely did not mean
(duplicate keys), is recorded as a :class:`Problem` instead of raising.
"""

from __future__ import annotations

import base64
import gc
import math
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is much faster; the pure-Python parser gives the same nodes and marks.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

PathKey = tuple  # a values path: ("config", "BinderHub", "image_prefix") or ("list", 0)

MAX_NODES = 250_000  # values, distinct or expanded from aliases; an alias bomb stops here
MAX_DEPTH = 400  # nesting; deeper documents are refused before Python's recursion limit
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

_TRUE = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"}
_FALSE = {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}
_SPECIAL_FLOATS = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
    "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}
_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_GO_INT = re.compile(
    r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$"
)
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{1,2}-\d{1,2}"
    r"(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?$"
)
_FLOAT_EXACT_LIMIT = 2**53  # Helm keeps every number as a float64

_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN = "!binderhub-doctor/plain"  # an untagged plain scalar: Helm's resolution rules apply
_QUOTED = "!binderhub-doctor/quoted"  # an untagged quoted or block scalar: always a string
_KNOWN_TAGS = {
    _STR_TAG, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:binary", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge",
}


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


class _HelmLoader(_Loader):
    """Leaves untagged scalars unresolved, so that Helm's rules, not YAML 1.1's, decide."""

    node_count = 0

    def resolve(self, kind, value, implicit):
        # The composer asks once per node (aliases reuse theirs), so this bounds a huge file
        # while it is read instead of after all of it sits in memory.
        self.node_count += 1
        if self.node_count > MAX_NODES:
            raise _Refused(
                f"the file holds more than {MAX_NODES:,} values; a BinderHub values file holds a few hundred",
                hint="Pass only Helm values files; this looks generated or like the wrong file.")
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        if kind is yaml.ScalarNode and implicit[1]:
            return _QUOTED
        return super().resolve(kind, value, implicit)


class _Refused(Exception):
    def __init__(self, message: str, mark=None, hint: str | None = None):
        super().__init__(message)
        self.mark = mark
        self.hint = hint


def load_document(path: str | Path, display_name: str | None = None) -> Document:
    """Read ``path``; every failure becomes a Problem on the returned Document, never an exception
    (except OSError for files that cannot be opened, which the caller reports as unusable input)."""
    name = display_name or str(path)
    path = Path(path)
    with path.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
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
        root = _compose_first(text, doc)
    except _Refused as exc:
        doc.problems.append(Problem(
            "yaml-syntax", str(exc), _mark_position(name, exc.mark) or Position(name, 1, 1), hint=exc.hint))
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
            f"the file's top level is a {_kind(data)}, but Helm values must be a mapping of keys",
            _mark_position(name, root.start_mark),
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
        if isinstance(node, yaml.ScalarNode):
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
        culprit.start_mark, hint="This is an alias bomb; Helm refuses it too (\"excessive aliasing\"). "
        "Write the values out instead of nesting aliases of aliases.")


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [value for _, value in node.value]
    return []


def _compose_first(text: str, doc: Document):
    """Compose the first YAML document as Helm does; later documents are ignored by Helm."""
    loader = _HelmLoader(text)
    try:
        if loader.check_node():
            root = loader.get_node()
        else:
            return None
        # Helm reads only the first document: the rest are parsed (so errors there still show)
        # but ignored, which is worth a warning.
        if loader.check_node():
            extra = loader.get_node()
            doc.problems.append(Problem(
                "multiple-documents",
                "this file has more than one YAML document (`---`): Helm 3 reads only the first, Helm 4 merges "
                "them all, so the two install different values (binderhub-doctor reads the first)",
                _separator_position(doc, extra.start_mark), severity="warning",
                hint="Put all values in one document, or split them into separate values files."))
        return root
    finally:
        loader.dispose()


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
    """Turns composed YAML nodes into Helm's view of the data, recording positions."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.count = 0
        self.active: set[int] = set()

    def build(self, node, path: PathKey, depth: int = 0):
        self.count += 1
        if self.count > MAX_NODES:
            raise _Refused(
                f"the file expands to more than {MAX_NODES:,} values (anchors and aliases multiplied out)",
                node.start_mark, hint="This looks like an alias bomb; Helm would run out of memory on it.")
        if depth > MAX_DEPTH:
            problem = _too_deep(self.doc.file, node.start_mark)
            raise _Refused(problem.message, node.start_mark, hint=problem.hint)
        self.doc.value_positions.setdefault(path, _mark_position(self.doc.file, node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            value = self._scalar(node)
            if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
                self.doc.problems.append(Problem(
                    "yaml-syntax", f"`{node.value}` is read as an infinite or not-a-number value, which Helm "
                    "cannot store (it fails with `json: unsupported value`)",
                    _mark_position(self.doc.file, node.start_mark), path=path,
                    hint=f"Quote it if you mean the text: \"{node.value}\"."))
                return node.value  # reported; the rules see the text, never a float no check expects
            return value
        if id(node) in self.active:
            raise _Refused("an alias refers to the node that contains it (a recursive structure)",
                           node.start_mark, hint="Helm cannot expand recursive anchors; remove the alias.")
        self.active.add(id(node))
        try:
            self._check_tag(node)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
            return self._mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def _check_tag(self, node) -> None:
        tag = node.tag or ""
        if tag in _KNOWN_TAGS or tag in (_PLAIN, _QUOTED, "!"):
            return
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        read_as = {yaml.SequenceNode: "an ordinary list", yaml.MappingNode: "an ordinary mapping"}.get(
            type(node), "plain text")
        self.doc.problems.append(Problem(
            "yaml-tag", f"the YAML tag {shown} is ignored by Helm; the value is read as {read_as}",
            _mark_position(self.doc.file, node.start_mark), severity="warning",
            hint="Remove the tag; Helm values carry no types beyond strings, numbers, booleans, lists and maps."))

    def _mapping(self, node, path: PathKey, depth: int) -> dict:
        result: dict = {}
        seen: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or (
                key_node.tag == _PLAIN and key_node.value == "<<"
            ):
                self._merge_into(result, value_node, path, depth)
                continue
            key = self._key(key_node)
            if key in seen:
                first = seen[key]
                self.doc.problems.append(Problem(
                    "duplicate-key",
                    f"key `{key}` appears twice in this mapping (first at line {first.line + 1}); "
                    "Helm silently keeps only this last one and drops everything under the first",
                    _mark_position(self.doc.file, key_node.start_mark), path=path + (key,),
                    hint="Merge the two blocks into one, or delete the one you do not want.", severity="warning"))
                self._forget(path + (key,))
            seen[key] = key_node.start_mark
            self.doc.key_positions[path + (key,)] = _mark_position(self.doc.file, key_node.start_mark)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def _merge_into(self, result: dict, value_node, path: PathKey, depth: int) -> None:
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        # go-yaml v2 applies a list of merged maps last-to-first, so earlier ones win.
        for source in reversed(sources):
            merged = self.build(source, path, depth + 1)
            if not isinstance(merged, dict):
                raise _Refused("a merge key (`<<`) must refer to a mapping", source.start_mark)
            result.update(merged)

    def _forget(self, path: PathKey) -> None:
        size = len(path)
        for table in (self.doc.value_positions, self.doc.key_positions):
            for stale in [p for p in table if p[:size] == path]:
                del table[stale]

    def _key(self, node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise _Refused("a mapping key must be a plain value, not a list or mapping", node.start_mark,
                           hint="Helm values keys are strings; quote the key.")
        value = self._scalar(node)
        if value is None:
            self.doc.problems.append(Problem(
                "yaml-syntax", "a mapping key is empty or null (`~:`), which Helm refuses "
                "(`unsupported map key`)", _mark_position(self.doc.file, node.start_mark),
                hint="Give the key a name, or quote it."))
        return key_string(value)

    def _scalar(self, node):
        tag = node.tag
        if tag == _PLAIN:
            return resolve_plain(node.value)
        if tag == "tag:yaml.org,2002:binary":
            decoded = decode_binary(node.value)
            if decoded is None:
                self.doc.problems.append(Problem(
                    "yaml-syntax", "this !!binary value is not valid base64, so Helm refuses the file "
                    "(\"!!binary value contains invalid base64 data\")",
                    _mark_position(self.doc.file, node.start_mark),
                    hint="Remove the !!binary tag, or give padded standard base64 (only line breaks may split it)."))
                return node.value
            return decoded
        if tag in (_STR_TAG, _QUOTED, "!", "tag:yaml.org,2002:timestamp"):
            return node.value
        if tag in _KNOWN_TAGS:  # !!int, !!float, !!bool, !!null: the text decides, as in go-yaml
            return resolve_plain(node.value)
        self._check_tag(node)
        return node.value


def resolve_plain(text: str):
    """The value go-yaml v2 gives a plain (unquoted) scalar, as Helm then stores it."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    first = text[0]
    if first == ".":
        if not _YAML_STYLE_FLOAT.match(text):
            return text
        number = float(text)
        return text if math.isinf(number) else number
    if first not in "+-0123456789":
        return text
    if _TIMESTAMP.match(text):
        return text  # a timestamp decoded into an interface{} stays the original string
    plain = text.replace("_", "")
    if _GO_INT.match(plain):
        value = _go_int(plain)
        if value is not None:
            return _as_helm_number(value)
    if _YAML_STYLE_FLOAT.match(plain):
        number = float(plain)
        return text if math.isinf(number) else number  # Go's ParseFloat fails on overflow
    return text


_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def decode_binary(text: str) -> str | None:
    """A !!binary value as Helm stores it: Go's strict base64 (line breaks ignored) decoded to
    text, invalid UTF-8 shown as U+FFFD as Go's JSON does; None when it is not base64."""
    compact = text.replace("\r", "").replace("\n", "")
    if len(compact) % 4 or not _BASE64.match(compact):
        return None
    try:
        return base64.b64decode(compact, validate=True).decode("utf-8", "replace")
    except ValueError:
        return None


def _go_int(plain: str) -> int | None:
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-")
    lowered = digits.lower()
    try:
        if lowered.startswith("0x"):
            value = int(digits[2:], 16)
        elif lowered.startswith("0o"):
            value = int(digits[2:], 8)
        elif lowered.startswith("0b"):
            value = int(digits[2:], 2)
        elif len(digits) > 1 and digits.startswith("0"):
            value = int(digits[1:], 8)
        else:
            value = int(digits, 10)
    except ValueError:
        return None
    value *= sign
    if not -(2**63) <= value < 2**64:  # neither int64 nor uint64: go-yaml leaves it to the float rule
        return None
    return value


def _as_helm_number(value: int):
    return value if abs(value) <= _FLOAT_EXACT_LIMIT else float(value)


def key_string(value) -> str:
    """How sigs.k8s.io/yaml turns a non-string key into the string key Helm sees."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return go_float32_key(value)
    return str(value)


def go_float32_key(value: float) -> str:
    """Go's strconv.FormatFloat(v, 'g', -1, 32), which sigs.k8s.io/yaml uses for float keys."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    single = struct.unpack("f", struct.pack("f", value))[0]
    if single == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    for digits in range(1, 10):  # the shortest decimal that reads back as the same float32
        text = f"{single:.{digits - 1}e}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            break
    mantissa, exponent = text.split("e")
    exponent = int(exponent)
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    if exponent < -4 or exponent >= 6:  # Go's %g switch for the shortest form
        return f"{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    sign = "-" if mantissa.startswith("-") else ""
    digits_only = mantissa.lstrip("-").replace(".", "")
    if exponent >= 0:
        whole = digits_only[: exponent + 1].ljust(exponent + 1, "0")
        fraction = digits_only[exponent + 1:]
        return sign + whole + (f".{fraction}" if fraction else "")
    return sign + "0." + "0" * (-exponent - 1) + digits_only


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
    if "\t" in problem or "'\\t'" in problem or tab_line is not None:
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
    if _Loader is yaml.SafeLoader:
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


def _kind(value) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string"
