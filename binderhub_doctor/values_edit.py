"""Set one scalar in a values file by editing its text, so every comment, blank line and the key
order survive (a YAML round trip through PyYAML would drop them all).

The loader's positions say where the key and its value are; the edit replaces just that value, or
adds the missing keys at the end of the closest existing block, indented like their siblings.
The result is parsed again and must hold exactly the old data plus the new value, otherwise the
edit is refused rather than written.
"""

from __future__ import annotations

import copy
import json
import re

from .documents import FATAL_PROBLEMS, Document, PathKey, parse_text, resolve_plain


class EditError(Exception):
    """The file cannot be edited safely; the message says what to set by hand."""


_SIMPLE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_PLAIN_UNSAFE_START = set("!&*{}[]|>'\"%@`#,?:-<=~ ")


def render_scalar(value: str) -> str:
    """``value`` as YAML text that Helm reads back as that exact string."""
    plain_ok = (
        value
        and value[0] not in _PLAIN_UNSAFE_START
        and value == value.strip()
        and ": " not in value and " #" not in value and "\n" not in value and "\t" not in value
        and not value.endswith(":")
        and resolve_plain(value) == value
    )
    return value if plain_ok else json.dumps(value)


def set_scalar(text: str, path: PathKey, value: str, file_name: str = "values file") -> str:
    """``text`` with ``path`` set to the string ``value``; ``text`` itself when it already is."""
    document = _parse(text, file_name)
    problems = _blocking(document)
    if problems:
        where = f" (line {problems[0].position.line})" if problems[0].position else ""
        raise EditError(f"{file_name}: cannot edit it safely: {problems[0].message}{where}; fix that first")
    current = _get(document.data, path)
    if isinstance(current, str) and current == value:
        return text
    lines = text.splitlines(keepends=True)
    if path in document.key_positions:
        new_lines = _replace_value(lines, document, path, value, file_name)
    else:
        new_lines = _insert_keys(lines, document, path, value, file_name)
    new_text = "".join(new_lines)
    _verify(document.data, new_text, path, value, file_name)
    return new_text


def _blocking(document: Document) -> list:
    """The problems that make an edit unsafe: the file does not read, or a key is there twice."""
    return [p for p in document.problems if p.rule in FATAL_PROBLEMS or p.rule == "duplicate-key"]


def _parse(text: str, file_name: str) -> Document:
    return parse_text(text, Document(file=file_name, lines=text.splitlines()))


_MISSING = object()


def _get(data, path: PathKey):
    node = data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _value_end(lines: list[str], start: int, column: int, block_scalar: bool) -> int:
    """Last line of the value of the key on line ``start`` (written at ``column``): following
    lines indented deeper. Comment lines after a plain or quoted value are comments, not part of
    it, so they are kept; in a block scalar, or for a whole mapping block, they belong to it."""
    last = start
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if _indent(line) <= column:
            break
        if block_scalar or not line.lstrip().startswith("#"):
            last = index
    return last


def _newline(lines: list[str]) -> str:
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith("\n"):
            return "\n"
    return "\n"


def _scalar_end(line: str, start: int) -> int:
    """End (exclusive) of the one-line scalar that starts at ``start``, before any comment."""
    opener = line[start:start + 1]
    if opener == '"':
        index = start + 1
        while index < len(line):
            if line[index] == "\\":
                index += 2
                continue
            if line[index] == '"':
                return index + 1
            index += 1
        return len(line.rstrip("\r\n"))
    if opener == "'":
        index = start + 1
        while index < len(line):
            if line[index] == "'":
                if line[index + 1:index + 2] == "'":
                    index += 2
                    continue
                return index + 1
            index += 1
        return len(line.rstrip("\r\n"))
    body = line.rstrip("\r\n")
    comment = re.search(r"\s#", body[start:])
    end = start + comment.start() if comment else len(body)
    return len(body[:end].rstrip())


def _replace_value(lines: list[str], document: Document, path: PathKey, value: str, file_name: str) -> list[str]:
    key_pos = document.key_positions[path]
    value_pos = document.value_positions.get(path)
    current = _get(document.data, path)
    shown = ".".join(map(str, path))
    if isinstance(current, (dict, list)):
        raise EditError(f"{file_name}:{key_pos.line}: `{shown}` holds a {'mapping' if isinstance(current, dict) else 'list'}, "
                        f"not a single value; replace it by hand with `{path[-1]}: {render_scalar(value)}`")
    index = key_pos.line - 1
    line = lines[index]
    column = key_pos.column - 1
    if line[:column].strip():
        raise EditError(f"{file_name}:{key_pos.line}: `{shown}` is written in flow style (`{{...}}`); "
                        f"set it by hand to {render_scalar(value)}")
    rendered = render_scalar(value)
    newline = _newline(lines)
    body = line.rstrip("\r\n")
    ending = line[len(body):] or newline
    on_key_line = value_pos is not None and value_pos.line - 1 == index
    start = value_pos.column - 1 if on_key_line else len(body)
    block_scalar = on_key_line and body[start:start + 1] in ("|", ">")
    end = _value_end(lines, index, column, block_scalar)
    if on_key_line and end == index:
        rest = body[start:]
        if current is None and (not rest.strip() or rest.lstrip().startswith("#")):
            # `hub_url:` with nothing (or only a comment) after it
            colon = _colon_after_key(body, column)
            rest = body[colon + 1:]
            comment = rest.lstrip()
            new_body = body[:colon + 1] + " " + rendered + ((" " + comment) if comment else "")
        else:
            stop = _scalar_end(line, start)
            new_body = body[:start] + _same_quoting(body[start:start + 1], value, rendered) + body[stop:]
        return lines[:index] + [new_body + ending] + lines[index + 1:]
    # The value spans several lines (a block scalar, a folded plain scalar): replace them all.
    colon = _colon_after_key(body, column)
    new_line = body[:colon + 1] + " " + rendered + newline
    tail = lines[end + 1:]
    return lines[:index] + [new_line] + tail


def _same_quoting(opener: str, value: str, rendered: str) -> str:
    """Keep the user's quoting style where it can hold the value."""
    if opener == '"':
        return json.dumps(value)
    if opener == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    return rendered


def _colon_after_key(body: str, column: int) -> int:
    opener = body[column:column + 1]
    search_from = column
    if opener in ('"', "'"):
        search_from = _scalar_end(body, column)
    colon = body.find(":", search_from)
    if colon < 0:
        raise EditError(f"could not find the `:` after the key at column {column + 1}")
    return colon


def _insert_keys(lines: list[str], document: Document, path: PathKey, value: str | None, file_name: str,
                 leaf=None) -> list[str]:
    """``path`` added with ``value``, or with the lines ``leaf(column)`` makes for a key written at
    ``column`` (a moved key's own text)."""
    setting = f"`{'.'.join(map(str, path))}" + (f": {render_scalar(value)}`" if value is not None else "`")
    for part in path:
        if not isinstance(part, str) or not _SIMPLE_KEY.match(part):
            raise EditError(f"{file_name}: cannot add the key `{part}` automatically; add it by hand")
    depth = len(path) - 1
    while depth > 0 and path[:depth] not in document.key_positions:
        depth -= 1
    parent = path[:depth]
    missing = path[depth:]
    newline = _newline(lines)
    unit = _indent_unit(lines)
    lines = list(lines)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    if not parent:
        if document.data is None or not isinstance(document.data, dict):
            raise EditError(f"{file_name}: the file's top level is not a mapping; fix that first")
        top_columns = {pos.column for p, pos in document.key_positions.items() if len(p) == 1}
        if top_columns - {1}:
            raise EditError(f"{file_name}: top-level keys are not at the start of their lines; add "
                            f"`{'.'.join(path)}` by hand")
        new = _key_lines(missing, value, 0, unit, newline, leaf)
        # After the last line that holds anything, so trailing comments stay where they are only
        # if they are already below the data; a file of only comments gets the keys at its end.
        return lines + new
    parent_value = _get(document.data, parent)
    key_pos = document.key_positions[parent]
    index = key_pos.line - 1
    column = key_pos.column - 1
    shown = ".".join(map(str, parent))
    if lines[index][:column].strip():
        raise EditError(f"{file_name}:{key_pos.line}: `{shown}` is written in flow style (`{{...}}`); "
                        f"add {setting} by hand")
    if parent_value is None or parent_value == {}:
        body = lines[index].rstrip("\r\n")
        colon = _colon_after_key(body, column)
        rest = body[colon + 1:].strip()
        if rest.startswith("{}"):
            rest = rest[2:].strip()
        elif rest and not rest.startswith("#"):
            raise EditError(f"{file_name}:{key_pos.line}: cannot add keys under `{shown}`; add them by hand")
        new_parent = body[:colon + 1] + ((" " + rest) if rest else "") + newline
        children = _key_lines(missing, value, column + unit, unit, newline, leaf)
        end = _value_end(lines, index, column, block_scalar=True)
        return lines[:index] + [new_parent] + lines[index + 1:end + 1] + children + lines[end + 1:]
    if not isinstance(parent_value, dict):
        raise EditError(f"{file_name}:{key_pos.line}: `{shown}` is not a mapping, so `{'.'.join(path)}` "
                        "cannot be added under it; fix it by hand")
    child_columns = sorted(pos.column - 1 for p, pos in document.key_positions.items()
                           if len(p) == len(parent) + 1 and p[:len(parent)] == parent)
    if not child_columns or child_columns[0] <= column:
        raise EditError(f"{file_name}:{key_pos.line}: cannot tell how `{shown}` is indented; "
                        f"add {setting} by hand")
    child_line = next(pos.line - 1 for p, pos in document.key_positions.items()
                      if len(p) == len(parent) + 1 and p[:len(parent)] == parent)
    if child_line == index:
        raise EditError(f"{file_name}:{key_pos.line}: `{shown}` is written in flow style; "
                        f"add {setting} by hand")
    end = _value_end(lines, index, column, block_scalar=True)
    new = _key_lines(missing, value, child_columns[0], unit, newline, leaf)
    return lines[:end + 1] + new + lines[end + 1:]


def _key_lines(keys: PathKey, value: str | None, column: int, unit: int, newline: str, leaf=None) -> list[str]:
    out = []
    for depth, key in enumerate(keys):
        pad = " " * (column + depth * unit)
        if depth == len(keys) - 1 and leaf is not None:
            first, *rest = leaf(column + depth * unit)
            out.append(pad + first)
            out.extend(rest)
        elif depth == len(keys) - 1:
            out.append(f"{pad}{key}: {render_scalar(value)}{newline}")
        else:
            out.append(f"{pad}{key}:{newline}")
    return out


def _indent_unit(lines: list[str]) -> int:
    """The file's indentation step (2 unless the file clearly uses another)."""
    steps = [_indent(line) for line in lines if line.strip() and not line.lstrip().startswith(("#", "-"))]
    positive = sorted({s for s in steps if s > 0})
    return positive[0] if positive and positive[0] <= 8 else 2


def _verify(old_data: dict, new_text: str, path: PathKey, value: str, file_name: str) -> None:
    expected = copy.deepcopy(old_data) if isinstance(old_data, dict) else {}
    _put(expected, path, value)
    document = _parse(new_text, file_name)
    if document.problems or document.data != expected:
        raise EditError(f"{file_name}: could not add `{'.'.join(map(str, path))}` without changing something else; "
                        f"set it by hand to {render_scalar(value)}")


# --- Moving and removing keys (lint --fix) ------------------------------------------------------

def remove_key(text: str, path: PathKey, file_name: str = "values file") -> str:
    """``text`` without the key ``path`` and its value (with the comments inside it). A parent
    left empty goes too: an empty `BinderHub:` would read as null, and a null deletes the chart's
    defaults for it."""
    document = _editable(text, file_name)
    path = tuple(path)
    new_text = _without_key(text, document, path, keep=0, file_name=file_name)
    expected = copy.deepcopy(document.data)
    _delete(expected, path)
    _prune(expected, path[:-1])
    _check_data(new_text, expected, file_name, f"remove `{_shown(path)}`")
    return new_text


def _without_key(text: str, document: Document, path: PathKey, keep: int, file_name: str) -> str:
    """The lines of ``path`` removed, and of each parent it leaves empty, down to ``keep`` levels."""
    while len(path) > max(1, keep + 1) and _only_child(document.data, path):
        path = path[:-1]
    lines = text.splitlines(keepends=True)
    start, end = _key_span(lines, document, path, file_name)
    return "".join(lines[:start] + lines[end + 1:])


def _prune(data: dict, parent: PathKey) -> None:
    """Drop the mappings that removing a key left empty, as _without_key drops their lines."""
    while parent and _get(data, parent) == {}:
        _delete(data, parent)
        parent = parent[:-1]


def move_key(text: str, old: PathKey, new: PathKey, file_name: str = "values file") -> str:
    """``text`` with the key ``old`` moved to ``new`` (not set in this file), its value's text
    (quoting, block scalars, comments inside it) carried over unchanged, re-indented."""
    document = _editable(text, file_name)
    old, new = tuple(old), tuple(new)
    value = _get(document.data, old)
    if value is _MISSING or _get(document.data, new) is not _MISSING:
        raise EditError(f"{file_name}: cannot move `{_shown(old)}` to `{_shown(new)}`; move it by hand")
    lines = text.splitlines(keepends=True)
    start, end = _key_span(lines, document, old, file_name)
    column = document.key_positions[old].column - 1
    first = lines[start]
    colon = _colon_after_key(first.rstrip("\r\n"), column)
    carried = [first[colon + 1:], *lines[start + 1:end + 1]]  # everything after `key:`
    if not carried[-1].endswith(("\n", "\r")):
        carried[-1] += _newline(lines)
    shared = next((n for n in range(min(len(old), len(new))) if old[n] != new[n]), min(len(old), len(new)))
    removed = _without_key(text, document, old, keep=shared, file_name=file_name)
    after_removal = _parse(removed, file_name)
    new_lines = _insert_keys(removed.splitlines(keepends=True), after_removal, new, None, file_name,
                             leaf=lambda key_column: _carried_lines(new[-1], carried, key_column - column))
    new_text = "".join(new_lines)
    expected = copy.deepcopy(document.data)
    _delete(expected, old)
    _prune(expected, old[:-1])
    _put(expected, new, value)
    _check_data(new_text, expected, file_name, f"move `{_shown(old)}` to `{_shown(new)}`")
    return new_text


def _carried_lines(key: str, carried: list[str], shift: int) -> list[str]:
    """`key:` followed by the carried value text, its continuation lines shifted by ``shift``."""
    out = [f"{key}:{carried[0]}"]
    for line in carried[1:]:
        if not line.strip():
            out.append(line)
        elif shift >= 0:
            out.append(" " * shift + line)
        elif _indent(line) >= -shift:
            out.append(line[-shift:])
        else:
            raise EditError("the value's lines are indented too little to move them")
    return out


def _editable(text: str, file_name: str) -> Document:
    document = _parse(text, file_name)
    if _blocking(document) or not isinstance(document.data, dict):
        raise EditError(f"{file_name}: cannot edit it safely; fix its YAML first")
    return document


def _only_child(data, path: PathKey) -> bool:
    parent = _get(data, path[:-1])
    return isinstance(parent, dict) and list(parent) == [path[-1]]


def _key_span(lines: list[str], document: Document, path: PathKey, file_name: str) -> tuple[int, int]:
    """(first, last) line index of a block-style key and its value."""
    key_pos = document.key_positions.get(path)
    if key_pos is None:
        raise EditError(f"{file_name}: `{_shown(path)}` is not set in this file")
    index, column = key_pos.line - 1, key_pos.column - 1
    if lines[index][:column].strip() or any(
            p != path and p[:len(path)] != path and pos.line - 1 == index for p, pos in document.key_positions.items()):
        raise EditError(f"{file_name}:{key_pos.line}: `{_shown(path)}` shares its line with other keys; edit it by hand")
    return index, _value_end(lines, index, column, block_scalar=True)


def _delete(data: dict, path: PathKey) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]


def _put(data: dict, path: PathKey, value) -> None:
    node = data
    for part in path[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[path[-1]] = value


def _shown(path: PathKey) -> str:
    return ".".join(map(str, path))


def _check_data(new_text: str, expected, file_name: str, what: str) -> None:
    document = _parse(new_text, file_name)
    if _blocking(document) or document.data != expected:
        raise EditError(f"{file_name}: could not {what} without changing something else; do it by hand")


# --- A JSON key pasted under `password:` (lint --fix) ----------------------------------------------

# One whitespace run only: `\s*` on both sides of an optional part backtracks quadratically.
_BLOCK_HEADER_VALUE = re.compile(r"^\s*(?:[|>]([-+]?)[0-9]?([-+]?)\s*)?(#.*)?$")
_MAX_KEY_LINES = 400


def pasted_json_block(lines: list[str], header: int):
    """(last line index, the JSON text) when the lines after ``header`` (a `key:` or `key: |`
    line) hold exactly one JSON object that ends on a line of its own, else None. The first
    lines that form a whole object are the pasted key, whatever their indentation."""
    import json

    decoder = json.JSONDecoder()
    parts: list[str] = []
    for index in range(header + 1, min(len(lines), header + 1 + _MAX_KEY_LINES)):
        content = lines[index].strip()
        if not parts and not content:
            continue
        if not parts and not content.startswith("{"):
            return None
        parts.append(content)
        joined = "\n".join(parts)
        if not content.endswith("}"):
            continue
        try:
            parsed, stop = decoder.raw_decode(joined)
        except ValueError:
            continue
        if stop == len(joined) and isinstance(parsed, dict):
            return index, joined
        return None
    return None


def json_block_scalar(text: str, header_line: int, file_name: str = "values file") -> str:
    """``text`` with the JSON object pasted below the key on ``header_line`` (1-based) rewritten
    as a block scalar: `key: |` and every line of the object one level deeper than the key. Lines
    that already line up under the key keep their indentation; otherwise the object is laid out
    as Google writes key files (braces at the block's indentation, fields two deeper). Leading
    spaces are never inside a JSON string, so the key's content is unchanged."""
    import json

    lines = text.splitlines(keepends=True)
    index = header_line - 1
    body = lines[index].rstrip("\r\n")
    key_column = _indent(body)
    colon = _colon_after_key(body, key_column)
    comment = _BLOCK_HEADER_VALUE.match(body[colon + 1:])
    if comment is None:
        raise EditError(f"{file_name}:{header_line}: the value starts on the key's line; fix it by hand")
    found = pasted_json_block(lines, index)
    if found is None:
        raise EditError(f"{file_name}:{header_line}: no complete JSON object below the key; fix it by hand")
    last, _ = found
    newline = _newline(lines)
    content = [line for line in lines[index + 1:last + 1]]
    filled = [line for line in content if line.strip()]
    base = key_column + _indent_unit(lines)
    first_indent = _indent(filled[0])
    if first_indent > key_column and all(_indent(line) >= first_indent for line in filled):
        block = [line if line.strip() else newline for line in content]
    else:
        block = []
        for number, line in enumerate(filled):
            inner = 0 if number in (0, len(filled) - 1) else 2
            block.append(" " * (base + inner) + line.strip() + newline)
        if not block[-1].strip().endswith("}"):
            raise EditError(f"{file_name}:{header_line}: the JSON object does not end on a line of its own")
    chomping = (comment.group(1) or "") + (comment.group(2) or "")  # `|-` stays `|-`: the same last line break
    indicator = re.match(r"\s*(?:[|>][-+0-9]*)?", body[colon + 1:])
    after = body[colon + 1 + indicator.end():].rstrip()  # the comment, with its spacing
    header = body[:colon + 1] + " |" + chomping + (after if comment.group(3) else "") + newline
    ending = lines[last][len(lines[last].rstrip("\r\n")):]
    if not ending:  # the key was the file's last line: keep it without a final line break
        block[-1] = block[-1].rstrip("\r\n")
    new_text = "".join(lines[:index] + [header] + block + lines[last + 1:])
    document = _parse(new_text, file_name)
    if _blocking(document):
        raise EditError(f"{file_name}:{header_line}: the rewritten key still does not read as YAML; fix it by hand")
    path = next((p for p, pos in document.key_positions.items() if pos.line == header_line
                 and pos.column - 1 == key_column), None)
    value = _get(document.data, path) if path else _MISSING
    old_json = json.loads("\n".join(line.strip() for line in filled))
    if not isinstance(value, str) or json.loads(value) != old_json:
        raise EditError(f"{file_name}:{header_line}: could not rewrite the key without changing it; fix it by hand")
    return new_text
