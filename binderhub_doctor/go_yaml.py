"""YAML read the way Helm reads it: go-yaml v2 (through sigs.k8s.io/yaml), not libyaml.

libyaml (through PyYAML's C parser) does the tokenising, because it is fast and go-yaml v2 is a
line-by-line port of an older libyaml. Where the two have drifted apart this module makes the
difference disappear, checked against the real helm 3.19 and 4.3 binaries:

- Composing: our own composer over libyaml's events, because go-yaml lets a later anchor of the
  same name replace an earlier one (libyaml refuses), reads only the first document (what comes
  after it is never parsed), and keeps tags and the plain/quoted distinction as go-yaml sees them.
- Tokens libyaml reads differently are rewritten in place, one character for one, and the
  stand-ins mapped back in the values: a byte-order mark inside the text is an ordinary character
  for go-yaml (its BOM check only ever looks at the first byte of its buffer), `\\'` is a valid
  escape in go-yaml's double quotes, a `:` before a flow indicator (`[a:]`) is part of a plain
  scalar, and a tag in a flow collection runs on through `,`, `[` and `]`.
- What go-yaml refuses and libyaml accepts is refused here with go-yaml's own message: `%YAML 1.2`,
  the `\\/` escape, a `?` inside a plain scalar of a flow collection.
- :func:`resolve` is go-yaml's resolve(): numbers in Go's spellings, explicit tags that must fit
  their value (`!!int abc` is an error), and the Go type of each number (int64 or uint64).
"""

from __future__ import annotations

import base64
import math
import re
import struct

import yaml

try:  # libyaml is much faster; the pure-Python parser gives the same events and marks.
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Loader

MAX_NODES = 250_000  # values, distinct or expanded from aliases; an alias bomb stops here
MAX_DEPTH = 400  # nesting; deeper documents are refused before Python's recursion limit
_MAX_REWRITES = 2_000  # re-reads of one file to apply the rewrites above

LONG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = LONG + "str", LONG + "int", LONG + "float", LONG + "bool", LONG + "null"
TIMESTAMP, BINARY, MERGE = LONG + "timestamp", LONG + "binary", LONG + "merge"
_RESOLVABLE = {None, STR, BOOL, INT, FLOAT, NULL, TIMESTAMP}

SCALAR, SEQUENCE, MAPPING, ALIAS = "scalar", "sequence", "mapping", "alias"


class Refused(Exception):
    """Helm refuses the file (or it is beyond what we read); ``mark`` says where."""

    def __init__(self, message: str, mark=None, hint: str | None = None):
        super().__init__(message)
        self.mark = mark
        self.hint = hint


class Mark:
    """A position like libyaml's marks (which the nodes carry), for errors found in the text."""

    __slots__ = ("line", "column", "index")

    def __init__(self, line: int, column: int, index: int):
        self.line, self.column, self.index = line, column, index  # 0-based, characters


class Node:
    """go-yaml's node: a scalar, a sequence, a mapping (keys and values alternating) or an alias."""

    __slots__ = ("kind", "tag", "value", "implicit", "style", "start", "end", "flow", "anchor", "target")

    def __init__(self, kind, tag, value, start, end, implicit=False, style=None, flow=False, anchor=None):
        self.kind, self.tag, self.value = kind, tag, value
        self.start, self.end = start, end
        self.implicit, self.style, self.flow, self.anchor = implicit, style, flow, anchor
        self.target = None  # for an alias: the node its anchor named when the alias was read


class Composed:
    """The first document's root node (None when empty) and what follows that document."""

    def __init__(self, root, next_document=None, later_error=None, later_error_mark=None):
        self.root = root
        self.next_document = next_document  # Mark of a second document's start, if any
        self.later_error = later_error  # libyaml's complaint about the text after the first document
        self.later_error_mark = later_error_mark


class _Rewrite(Exception):
    def __init__(self, edits: dict[int, str]):
        super().__init__("rewrite")
        self.edits = edits


def compose(text: str) -> Composed:
    """Compose the first document of ``text`` as go-yaml v2 does.

    Raises :class:`Refused` for what Helm refuses and yaml.YAMLError for syntax errors."""
    stand_ins = _StandIns(text)
    chars = list(stand_ins.prepare(text))
    for _ in range(_MAX_REWRITES):
        try:
            return _Composer("".join(chars), stand_ins).compose()
        except _Rewrite as rewrite:
            for index, char in rewrite.edits.items():
                chars[index] = char
        except yaml.MarkedYAMLError as exc:
            edits = _repair(exc, chars, stand_ins)
            if not edits:
                raise
            for index, char in edits.items():
                chars[index] = char
    raise Refused("the file needs too many corrections to be read the way Helm reads it")


class _StandIns:
    """Private-use characters that the text does not contain, standing in for what libyaml
    would read differently from go-yaml; mapped back in every scalar."""

    def __init__(self, text: str):
        free = (chr(c) for c in range(0xE000, 0xF8FF) if chr(c) not in text)
        self.bom, self.drop, self.colon = next(free), next(free), next(free)
        self.table = {ord(self.bom): "\ufeff", ord(self.drop): None, ord(self.colon): ":"}
        self.used = False
        self.tags: dict[int, str] = {}  # where a tag was rewritten: the tag go-yaml reads there

    def prepare(self, text: str) -> str:
        if "\ufeff" in text:  # (a leading BOM was dropped with the encoding)
            self.used = True
            return text.replace("\ufeff", self.bom)
        return text

    def restore(self, value: str) -> str:
        return value.translate(self.table) if self.used else value


def _repair(exc: yaml.MarkedYAMLError, chars: list[str], stand_ins: _StandIns) -> dict[int, str]:
    """Single-character rewrites that make libyaml read what go-yaml reads, or {} when the error
    is one go-yaml reports too."""
    mark = exc.problem_mark
    if mark is None:
        return {}
    at = mark.index
    problem = exc.problem or ""
    if problem == "found unknown escape character" and chars[at:at + 2] == ["\\", "'"]:
        stand_ins.used = True
        return {at: stand_ins.drop}  # `\'` -> `<dropped>'`: a quote, as go-yaml reads it
    if problem == "found unexpected ':'" and chars[at:at + 1] == [":"]:
        stand_ins.used = True
        return {at: stand_ins.colon}  # `[a:]`: go-yaml keeps the colon in the plain scalar
    if exc.context in ("while scanning a tag", "while parsing a tag") and chars[at:at + 1] \
            and chars[at] in _FLOW_IN_TAG:
        start = at
        while start > 0 and chars[start - 1] in _URI:
            start -= 1
        while start < at and chars[start] != "!":  # the run may begin with a `[` of the collection
            start += 1
        return _tag_rewrite(chars, start, stand_ins)
    if problem == "found undefined tag handle" and chars[at:at + 1] == ["!"]:
        return _tag_rewrite(chars, at, stand_ins)  # `![!x`: libyaml saw a handle go-yaml does not
    return {}


def _tag_rewrite(chars, start: int, stand_ins: _StandIns) -> dict[int, str]:
    """go-yaml reads `,`, `[` and `]` into a tag; libyaml ends the tag there. A tag holding them
    is unknown to go-yaml, so any other unknown tag (`;` in their place) reads the same; the tag
    go-yaml sees is remembered for messages. `;` is a URI character that, like them, ends a tag
    handle, so libyaml splits handle and suffix where go-yaml does."""
    at = start + 1
    edits = {}
    while at < len(chars) and chars[at] in _URI:
        if chars[at] in _FLOW_IN_TAG:
            edits[at] = ";"
        at += 1
    if edits:
        written = "".join(chars[start:at])
        stand_ins.tags[start] = LONG + written[2:] if written.startswith("!!") else written
    return edits


_URI = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_;/?:@&=+$,.!~*'()[]%")
_FLOW_IN_TAG = set(",[]")  # libyaml 0.2.5 ends a tag there; go-yaml reads them into it
_ANCHOR = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class _Composer:
    def __init__(self, text: str, stand_ins: _StandIns):
        self.text = text
        self.stand_ins = stand_ins
        self.anchors: dict[str, Node] = {}
        self.count = 0

    def compose(self) -> Composed:
        loader = Loader(self.text)
        try:
            loader.get_event()  # stream start
            event = loader.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                return Composed(None)
            self._check_version(event)
            root = self._document(loader)
            return self._after_first_document(loader, root)
        finally:
            loader.dispose()

    def _check_version(self, event) -> None:
        version = getattr(event, "version", None)
        if version is not None and tuple(version) != (1, 1):
            raise Refused("found incompatible YAML document (`%YAML {}.{}`): Helm reads only YAML 1.1"
                          .format(*version), event.start_mark,
                          hint="Remove the `%YAML` line (or write `%YAML 1.1`).")

    def _document(self, loader) -> Node | None:
        stack: list[Node] = []
        root = None
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.DocumentEndEvent:
                return root
            if kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
                stack.pop()
                continue
            self.count += 1
            if self.count > MAX_NODES:
                raise Refused(
                    f"the file holds more than {MAX_NODES:,} values; a BinderHub values file holds a few hundred",
                    event.start_mark,
                    hint="Pass only Helm values files; this looks generated or like the wrong file.")
            flow_parent = stack[-1] if stack and stack[-1].flow else None
            node = self._node(event, kind, flow_parent)
            if stack:
                stack[-1].value.append(node)
            else:
                root = node
            if node.kind is SEQUENCE or node.kind is MAPPING:
                stack.append(node)
                if len(stack) > MAX_DEPTH:
                    raise TooDeep(node.start)

    def _node(self, event, kind, flow_parent: Node | None) -> Node:
        in_flow = flow_parent is not None
        start, end = event.start_mark, event.end_mark  # libyaml's marks: line, column, index (0-based)
        if kind is yaml.AliasEvent:
            node = Node(ALIAS, None, event.anchor, start, end)
            node.target = self.anchors.get(event.anchor)
            if node.target is None:
                raise Refused(f"unknown anchor '{event.anchor}' referenced", start,
                              hint="Define the anchor (`&name`) before the alias that uses it.")
            return node
        tag = event.tag
        if tag is not None:
            tag_start = self._tag_start(start.index)
            if tag_start >= 0:
                edits = _tag_rewrite(self.text, tag_start, self.stand_ins)
                if edits:
                    raise _Rewrite(edits)
                tag = self.stand_ins.tags.get(tag_start, tag)
        if kind is yaml.ScalarEvent:
            value = self.stand_ins.restore(event.value)
            node = Node(SCALAR, tag, value, start, end, implicit=event.implicit[0],
                        style=event.style or None, anchor=event.anchor)
            if node.style == '"':
                self._check_escapes(start.index, end.index)
            elif node.style is None and in_flow and "?" in value:
                at = self.text.find("?", start.index, end.index)
                closing = "]" if flow_parent.kind is SEQUENCE else "}"
                raise Refused(f"did not find expected ',' or '{closing}' (Helm's YAML ends a plain value at "
                              "`?` inside [ ] or { })", _index_mark(self.text, at if at >= 0 else start.index),
                              hint="Quote the value.")
        else:
            node = Node(SEQUENCE if kind is yaml.SequenceStartEvent else MAPPING, tag, [], start, end,
                        implicit=event.implicit, flow=bool(event.flow_style), anchor=event.anchor)
        if event.anchor is not None:
            self.anchors[event.anchor] = node  # a later anchor of the same name wins, as in go-yaml
        return node

    def _check_escapes(self, start: int, end: int) -> None:
        text = self.text
        at = text.find('"', start, end) + 1
        while True:
            at = text.find("\\", at, end)
            if at < 0:
                return
            if text[at + 1:at + 2] == "/":
                raise Refused("found unknown escape character (`\\/` is not an escape for Helm's YAML)",
                              _index_mark(text, at), hint="Write `/` without the backslash.")
            at += 2

    def _tag_start(self, start: int) -> int:
        """Where the tag of a node whose properties start at ``start`` begins (-1: verbatim)."""
        text, at = self.text, start
        if text[at:at + 1] == "&":
            at += 1
            while at < len(text) and text[at] in _ANCHOR:
                at += 1
            while at < len(text) and text[at] in " \t\r\n":
                at += 1
        if text[at:at + 1] != "!" or text[at + 1:at + 2] == "<":
            return -1
        return at

    def _after_first_document(self, loader, root) -> Composed:
        """go-yaml stops after the first document; the rest is read only to warn about it."""
        composed = Composed(root)
        try:
            event = loader.get_event()
            if not isinstance(event, yaml.StreamEndEvent):
                composed.next_document = event.start_mark
                while not isinstance(loader.get_event(), yaml.StreamEndEvent):
                    pass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            composed.later_error = exc.problem or "invalid YAML"
            composed.later_error_mark = mark
        return composed


class TooDeep(Exception):
    def __init__(self, mark):
        super().__init__("too deep")
        self.mark = mark


_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def _index_mark(text: str, index: int) -> Mark:
    line, start = 0, 0
    for match in _BREAKS.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return Mark(line, index - start, index)


# --------------------------------------------------------------------------- resolving scalars

class Uint64(int):
    """A number go-yaml reads as uint64 (above int64's range): a value, but never a map key."""


class TagMismatch(Exception):
    """go-yaml's "cannot decode !!str `abc` as a !!int"."""


_BOOLS = {**dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], True),
          **dict.fromkeys(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], False)}
_RESOLVE_MAP = {
    **{text: (BOOL, value) for text, value in _BOOLS.items()},
    **dict.fromkeys(["", "~", "null", "Null", "NULL"], (NULL, None)),
    **dict.fromkeys([".nan", ".NaN", ".NAN"], (FLOAT, math.nan)),
    **dict.fromkeys([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"], (FLOAT, math.inf)),
    **dict.fromkeys(["-.inf", "-.Inf", "-.INF"], (FLOAT, -math.inf)),
    "<<": (MERGE, "<<"),
}
_HINT = {**dict.fromkeys("+-", "S"), **dict.fromkeys("0123456789", "D"), **dict.fromkeys("yYnNtTfFoO~", "M"),
         ".": "."}
_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_DOT_FLOAT = re.compile(r"^\.[0-9_]*[0-9][0-9_]*([eE][-+]?[0-9][0-9_]*)?$")
# go-yaml's timestamp layouts for time.Parse: 2006-1-2T15:4:5.999999999Z07:00 (or a lower-case t),
# 2006-1-2 15:4:5.999999999 and 2006-1-2; Go takes any number of fraction digits, after . or ,,
# and a run of spaces where the layout has one.
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt](\d\d?):(\d\d?):(\d\d?)(?:[.,]\d+)?(?:Z|[-+](\d\d):(\d\d)))"
    r"|(?: +(\d\d?):(\d\d?):(\d\d?)(?:[.,]\d+)?))?")
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_INT64 = 2**63


def short_tag(tag: str | None) -> str:
    if not tag:
        return "!!str"
    return "!!" + tag[len(LONG):] if tag.startswith(LONG) else tag


def resolve(tag: str | None, text: str):
    """(resolved tag, value) of a scalar as go-yaml v2's resolve() gives them; integers come back
    as int (int64) or :class:`Uint64`. Raises TagMismatch where go-yaml fails."""
    if tag not in _RESOLVABLE:
        return tag, text
    rtag, value = _resolve_text(tag, text)
    if tag is None or tag == rtag or tag == STR:
        return rtag, value
    if tag == FLOAT and rtag == INT and not isinstance(value, Uint64):
        return FLOAT, float(value)
    raise TagMismatch(f"cannot decode {short_tag(rtag)} `{text}` as a {short_tag(tag)}")


def _resolve_text(tag, text: str):
    hint = _HINT.get(text[0]) if text else "N"
    if hint is None or tag == STR:
        return STR, text
    if text in _RESOLVE_MAP:
        return _RESOLVE_MAP[text]
    if hint == ".":
        # Go's ParseFloat on the text as written: `_` may sit between digits (`.5_0` is 0.5).
        if _DOT_FLOAT.match(text) and _underscores_ok(text):
            number = float(text.replace("_", ""))
            if not math.isinf(number):
                return FLOAT, number
    elif hint in "DS":
        if tag in (None, TIMESTAMP) and is_timestamp(text):
            return TIMESTAMP, text  # into an interface{} a timestamp stays the string written
        plain = text.replace("_", "")
        number = _go_parse_int(plain)
        if number is not None:
            return INT, number
        if _YAML_STYLE_FLOAT.match(plain):
            number = float(plain)
            if not math.isinf(number):  # Go's ParseFloat fails on overflow: a string then
                return FLOAT, number
    return STR, text


def is_timestamp(text: str) -> bool:
    """go-yaml's parseTimestamp: one of its layouts, with the ranges time.Parse checks."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return False
    year, month, day = (int(part) for part in match.group(1, 2, 3))
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= day <= _DAYS_IN_MONTH[month - 1] + (month == 2 and leap):
        return False
    clock = match.group(4, 5, 6) if match.group(4) is not None else match.group(9, 10, 11)
    if clock[0] is not None and not (int(clock[0]) < 24 and int(clock[1]) < 60 and int(clock[2]) < 60):
        return False
    return match.group(7) is None or (int(match.group(7)) <= 24 and int(match.group(8)) <= 60)


def _underscores_ok(text: str) -> bool:
    """Go's strconv.underscoreOK: each `_` between two digits."""
    previous = "^"
    for char in text:
        if char.isdigit():
            previous = "0"
        elif char == "_":
            if previous != "0":
                return False
            previous = "_"
        elif previous == "_":
            return False
        else:
            previous = "!"
    return previous != "_"


_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")


def _go_parse_int(plain: str):
    """strconv.ParseInt(plain, 0, 64), else strconv.ParseUint(plain, 0, 64) (which takes no sign)."""
    if not _GO_INT.match(plain):
        return None
    signed = plain[0] in "+-"
    digits = plain.lstrip("+-")
    prefix = digits[1:2].lower()
    if digits[0] != "0" or len(digits) == 1:
        value = int(digits)
    elif prefix in ("x", "o", "b"):
        value = int(digits[2:], {"x": 16, "o": 8, "b": 2}[prefix])
    else:
        value = int(digits[1:], 8)
    if plain.startswith("-"):
        value = -value
    if -_INT64 <= value < _INT64:
        return value
    if not signed and value < 2**64:
        return Uint64(value)
    return None


def decode_binary(text: str) -> str | None:
    """A !!binary value as Helm stores it: Go's padded base64 (line breaks ignored) decoded to
    text, each byte that is not UTF-8 shown as U+FFFD as Go's JSON does; None when not base64."""
    compact = text.replace("\r", "").replace("\n", "")
    if len(compact) % 4 or not re.match(r"^[A-Za-z0-9+/]*={0,2}$", compact):
        return None
    try:
        raw = base64.b64decode(compact, validate=True)
    except ValueError:
        return None
    return re.sub("[\udc80-\udcff]", "\ufffd", raw.decode("utf-8", "surrogateescape"))


def helm_number(value):
    """A go-yaml number as Helm holds it after its JSON round trip: a float64 (ints kept exact
    while a float64 holds them exactly)."""
    if isinstance(value, float):
        return value
    value = int(value)
    return value if abs(value) <= 2**53 else float(value)


def key_string(value) -> str:
    """How sigs.k8s.io/yaml turns a go-yaml map key into the string key Helm sees."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return go_float32_key(value)
    return str(int(value))


def go_float32_key(value: float) -> str:
    """strconv.FormatFloat(v, 'g', -1, 32), with sigs.k8s.io/yaml's names for infinities."""
    if math.isnan(value):
        return ".nan"
    try:
        single = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:  # beyond float32: Go's conversion gives an infinity
        single = math.copysign(math.inf, value)
    if math.isinf(single):
        return ".inf" if single > 0 else "-.inf"
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


# --------------------------------------------------------------------------- go-yaml's alias ratio

def allowed_alias_ratio(decode_count: int) -> float:
    """go-yaml v2's allowedAliasRatio: 99% of decodes may come from aliases, down to 10% for
    very large documents."""
    low, high = 400_000, 4_000_000
    if decode_count <= low:
        return 0.99
    if decode_count >= high:
        return 0.10
    return 0.99 - 0.89 * ((decode_count - low) / (high - low))
