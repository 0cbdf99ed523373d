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
    problems = [p for p in document.problems if p.rule in FATAL_PROBLEMS or p.rule == "duplicate-key"]
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


def _insert_keys(lines: list[str], document: Document, path: PathKey, value: str, file_name: str) -> list[str]:
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
        new = _key_lines(missing, value, 0, unit, newline)
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
                        f"add `{'.'.join(path)}: {render_scalar(value)}` by hand")
    if parent_value is None or parent_value == {}:
        body = lines[index].rstrip("\r\n")
        colon = _colon_after_key(body, column)
        rest = body[colon + 1:].strip()
        if rest.startswith("{}"):
            rest = rest[2:].strip()
        elif rest and not rest.startswith("#"):
            raise EditError(f"{file_name}:{key_pos.line}: cannot add keys under `{shown}`; add them by hand")
        new_parent = body[:colon + 1] + ((" " + rest) if rest else "") + newline
        children = _key_lines(missing, value, column + unit, unit, newline)
        end = _value_end(lines, index, column, block_scalar=True)
        return lines[:index] + [new_parent] + lines[index + 1:end + 1] + children + lines[end + 1:]
    if not isinstance(parent_value, dict):
        raise EditError(f"{file_name}:{key_pos.line}: `{shown}` is not a mapping, so `{'.'.join(path)}` "
                        "cannot be added under it; fix it by hand")
    child_columns = sorted(pos.column - 1 for p, pos in document.key_positions.items()
                           if len(p) == len(parent) + 1 and p[:len(parent)] == parent)
    if not child_columns or child_columns[0] <= column:
        raise EditError(f"{file_name}:{key_pos.line}: cannot tell how `{shown}` is indented; "
                        f"add `{'.'.join(path)}: {render_scalar(value)}` by hand")
    child_line = next(pos.line - 1 for p, pos in document.key_positions.items()
                      if len(p) == len(parent) + 1 and p[:len(parent)] == parent)
    if child_line == index:
        raise EditError(f"{file_name}:{key_pos.line}: `{shown}` is written in flow style; "
                        f"add `{'.'.join(path)}: {render_scalar(value)}` by hand")
    end = _value_end(lines, index, column, block_scalar=True)
    new = _key_lines(missing, value, child_columns[0], unit, newline)
    return lines[:end + 1] + new + lines[end + 1:]


def _key_lines(keys: PathKey, value: str, column: int, unit: int, newline: str) -> list[str]:
    out = []
    for depth, key in enumerate(keys):
        pad = " " * (column + depth * unit)
        if depth == len(keys) - 1:
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
    node = expected
    for part in path[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[path[-1]] = value
    document = _parse(new_text, file_name)
    if document.problems or document.data != expected:
        raise EditError(f"{file_name}: could not add `{'.'.join(map(str, path))}` without changing something else; "
                        f"set it by hand to {render_scalar(value)}")
