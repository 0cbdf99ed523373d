"""Text from values files and from servers, made safe to print inside one line of a message.

A value or a server's answer may hold a newline (which starts a forged `::warning ...` GitHub
workflow command or a fake "✓ push" line), a carriage return or ESC (which rewrite what the
terminal already shows), or other control characters. Every message quotes such text through
:func:`printable`, which spells them out (`\\n`, `\\r`, `\\x1b`) so they are seen, not obeyed.
JSON output needs none of this: JSON escapes control characters itself.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional
# overrides and isolates that make text display in another order than it is read.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _spell(match: re.Match) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text, keep_tabs: bool = False) -> str:
    """``text`` (any value, as str) with every control character spelled out."""
    text = "" if text is None else str(text)
    if keep_tabs:
        return _CONTROL.sub(lambda m: "\t" if m.group(0) == "\t" else _spell(m), text)
    return _CONTROL.sub(_spell, text)


def printable_lines(text: str, keep_tabs: bool = False) -> str:
    """Several lines of output (a child process's), each made printable; the line ends stay."""
    return "\n".join(printable(line, keep_tabs) for line in text.split("\n"))
