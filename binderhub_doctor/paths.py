"""Dotted values paths as rule files write them: `config.BinderHub.image_prefix`, `config.*.token`."""

from __future__ import annotations

from functools import lru_cache

WILDCARD = "*"


@lru_cache(maxsize=None)
def parse_path(text: str) -> tuple:
    """`a.b[0].c` -> ("a", "b", 0, "c"); `*` stands for any key of a mapping."""
    parts: list = []
    for chunk in text.split("."):
        while "[" in chunk:
            head, _, rest = chunk.partition("[")
            index, _, chunk = rest.partition("]")
            if head:
                parts.append(head)
            parts.append(int(index))
        if chunk:
            parts.append(chunk)
    return tuple(parts)


def expand(data, pattern: tuple, prefix: tuple = ()):
    """Concrete paths in ``data`` that match ``pattern`` (only paths that exist)."""
    if not pattern:
        yield prefix
        return
    head, rest = pattern[0], pattern[1:]
    if head == WILDCARD:
        if isinstance(data, dict):
            for key, item in data.items():
                yield from expand(item, rest, prefix + (key,))
        elif isinstance(data, list):
            for index, item in enumerate(data):
                yield from expand(item, rest, prefix + (index,))
        return
    if isinstance(data, dict) and head in data:
        yield from expand(data[head], rest, prefix + (head,))
    elif isinstance(data, list) and isinstance(head, int) and 0 <= head < len(data):
        yield from expand(data[head], rest, prefix + (head,))


def closest(word: str, candidates, cutoff: float = 0.75) -> str | None:
    """The did-you-mean suggestion for a misspelled key or class name."""
    import difflib

    lowered = {c.lower(): c for c in candidates}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None
