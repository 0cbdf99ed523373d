"""A generator of values files that go-yaml v2 (Helm's YAML reader) and libyaml tend to read
differently: numbers in every YAML 1.1 and Go spelling, tags, keys of every type, anchors and
aliases (redefined too), merge keys, block scalars, quoted escapes, flow collections, BOMs, CRLF
line ends, directives and several documents.

Each case is one or two files' bytes; the differential test runs them through `values` and the
real helm and compares. Seeded: the same seed gives the same cases.
"""

from __future__ import annotations

import base64
import random

WORDS = ["alpha", "beta", "hub", "image", "name", "url", "x", "config", "item", "zeta"]
NUMBERS = [
    "0", "7", "-7", "+7", "007", "0o17", "0O17", "0x1F", "0X1f", "-0x10", "+0x10", "0b101", "-0b101", "0B11",
    "1_000", "0x_1F", "1__0", "08", "09.5", "9007199254740993", "-9007199254740993", "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
    "18446744073709551616", "+0x8000000000000000", "-0x8000000000000000", "0x8000000000000000",
    "0b1111111111111111111111111111111111111111111111111111111111111111", "1.5", "-1.5", "+1.5", "1.", "1e3",
    "1E+3", "1e-3", "1.0e+3", ".5", "-.5", "+.5", ".5_0", "._5", ".5_", "1_0.5", ".5e1_0", "1e400", "-1e400",
    "1e-400", "0.1e-7", "3.4028235e38", "3.5e38", "1e39", "+00.5e308", ".inf", "-.Inf", "+.INF", ".NaN",
    ".nan", "1:30", "1,000", "0x", "0o", "0b", "1e", "1_", "-", "+", "2001-01-01", "2001-1-1", "2001-01-01 10:00:00",
    "2001-01-01T10:00:00Z", "2001-13-45", "12:30:00", "2000-02-29", "2001-02-29", "2001-1-1  10:00:00",
    "2001-1-1T10:00:00,5+24:00", "2001-1-1T10:00:00", "2001-1-1 24:00:00",
]
WORDS_SPECIAL = ["y", "Y", "n", "N", "yes", "No", "on", "OFF", "true", "True", "FALSE", "~", "null", "Null", "NULL",
                 "<<", "=", "a b", "a:b", "a#b", "http://x.org/p?q=1"]
ESCAPES = ["\\t", "\\n", "\\x41", "\\u00e9", "\\U0001F600", "\\'", "\\/", '\\"', "\\\\", "\\N", "\\_", "\\L",
           "\\P", "\\e", "\\a", "\\0", "\\ ", "\\q"]
MUTATIONS = [":", "?", "? ", "!", ",", "[", "]", "{", "}", "&", "*", "#", " #", "\t", "'", '"', "|", ">", "- ",
             "%", "@", "`", "\\", "\ufeff", "\u2028", "\x85", "\r", "\n", "\n  ", "---", "...", "<<: ", "~"]
TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!map", "!!seq", "!!merge", "!",
        "!custom", "!!binary"]


class TrickyYaml:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.anchors: list[str] = []

    def choose(self, options):
        return self.random.choice(options)

    def chance(self, p: float) -> bool:
        return self.random.random() < p

    # -- scalars ------------------------------------------------------------------------------
    def plain(self) -> str:
        kind = self.random.random()
        if kind < 0.45:
            return self.choose(NUMBERS)
        if kind < 0.7:
            return self.choose(WORDS_SPECIAL)
        return self.choose(WORDS) + self.choose(["", "-1", "_x", ".5"])

    def scalar(self, in_flow: bool) -> str:
        roll = self.random.random()
        if roll < 0.5:
            text = self.plain()
            if in_flow and self.chance(0.1):
                text += self.choose([":", "?", "?b"])
        elif roll < 0.62:
            text = '"' + self.choose(WORDS) + "".join(self.choose(ESCAPES) for _ in range(self.random.randint(0, 2))) + '"'
        elif roll < 0.72:
            text = "'" + self.choose(NUMBERS + WORDS_SPECIAL).replace("'", "''") + self.choose(["", "''"]) + "'"
        elif roll < 0.82:
            payload = self.choose([b"hello", b"\xff\xfe", b"\xe2\x82", b"\xc3\xa9", b"\xed\xa0\x80", b""])
            text = base64.b64encode(payload).decode()
            if self.chance(0.2):
                text = text.rstrip("=")
            return "!!binary " + (text or '""')
        elif roll < 0.9 and self.anchors:
            return "*" + self.choose(self.anchors)
        else:
            text = self.plain()
        if self.chance(0.25):
            tag = self.choose(TAGS)
            text = f"{tag} {text}" if not (in_flow and self.chance(0.3)) else f"{tag},{text}"
        if self.chance(0.08):
            text = self.choose(TAGS) + (" " if not in_flow else self.choose([" ", ""]))
        return text

    def anchored(self, text: str) -> str:
        if self.chance(0.15):
            name = self.choose(["a", "b", "c"])
            self.anchors.append(name)
            return f"&{name} {text}"
        return text

    def key(self, typed: bool) -> str:
        if typed:
            roll = self.random.random()
            if roll < 0.6:
                return self.choose(NUMBERS + WORDS_SPECIAL)
            if roll < 0.8:
                return f"{self.choose(TAGS)} {self.choose(NUMBERS + WORDS)}"
            return '"' + self.choose(WORDS) + self.choose(ESCAPES) + '"'
        return self.choose(WORDS) + str(self.random.randint(0, 99))

    # -- collections --------------------------------------------------------------------------
    def flow(self, depth: int) -> str:
        if depth > 2 or self.chance(0.4):
            return self.scalar(True)
        if self.chance(0.5):
            items = [self.flow(depth + 1) for _ in range(self.random.randint(0, 3))]
            return self.anchored("[" + ", ".join(items) + "]")
        keys = self.keys(self.random.randint(0, 3))
        return self.anchored("{" + ", ".join(f"{k}: {self.flow(depth + 1)}" for k in keys) + "}")

    def keys(self, count: int) -> list[str]:
        typed_at = self.random.randrange(count) if count and self.chance(0.5) else -1
        return [self.key(i == typed_at) for i in range(count)]

    def block(self, depth: int, indent: int) -> list[str]:
        """Lines of a block mapping at ``indent``."""
        pad = " " * indent
        lines: list[str] = []
        for key in self.keys(self.random.randint(1, 4)):
            roll = self.random.random()
            if depth < 3 and roll < 0.3:
                lines.append(f"{pad}{key}:" + (f" &{self.new_anchor()}" if self.chance(0.2) else ""))
                lines.extend(self.block(depth + 1, indent + 2))
            elif depth < 3 and roll < 0.4:
                lines.append(f"{pad}{key}:")
                for _ in range(self.random.randint(1, 3)):
                    lines.append(f"{pad}- {self.flow(depth + 1)}")
            elif roll < 0.5 and self.anchors:
                lines.append(f"{pad}<<: " + self.choose([f"*{self.choose(self.anchors)}",
                                                        f"[*{self.choose(self.anchors)}]", "{m: 1}", "[{m: 2}, {m: 3}]"]))
            elif roll < 0.58:
                header = self.choose(["|", ">", "|-", ">+", "|2", ">-"])
                lines.append(f"{pad}{key}: {header}")
                lines.extend(f"{pad}  {self.choose(WORDS)} {self.choose(WORDS)}" for _ in range(self.random.randint(1, 2)))
                if self.chance(0.3):
                    lines.append("")
            elif roll < 0.75:
                lines.append(f"{pad}{key}: {self.flow(0)}")
            else:
                lines.append(f"{pad}{key}: {self.anchored(self.scalar(False))}")
        return lines

    def new_anchor(self) -> str:
        name = self.choose(["a", "b", "c"])
        self.anchors.append(name)
        return name

    # -- files --------------------------------------------------------------------------------
    def document(self) -> bytes:
        self.anchors = []
        lines = self.block(0, 0)
        if self.chance(0.08):
            lines.insert(0, self.choose(["%YAML 1.1", "%YAML 1.2", "%TAG !e! tag:example.com,2000:"]))
            lines.insert(1, "---")
        elif self.chance(0.1):
            lines.insert(0, "---")
        if self.chance(0.1):
            lines.append(self.choose(["---", "...", "--- x", "---\nb: ["]))
            if self.chance(0.5):
                lines.extend(self.block(0, 0))
        if self.chance(0.06):
            spot = self.random.randrange(len(lines))
            lines[spot] = "\ufeff" + lines[spot]
        if self.chance(0.06):
            lines.append(f"{self.choose(WORDS)}: {{a: 1}} trailing" if self.chance(0.5) else "x: 1 # ok")
        text = ("\r\n" if self.chance(0.1) else "\n").join(lines) + "\n"
        raw = text.encode("utf-8")
        return (b"\xef\xbb\xbf" + raw) if self.chance(0.05) else raw

    def mutated(self, raw: bytes) -> bytes:
        """A few characters that YAML gives a meaning to, dropped in anywhere: where the scanners
        of libyaml and go-yaml part ways."""
        text = raw.decode("utf-8")
        for _ in range(self.random.randint(1, 3)):
            spot = self.random.randrange(len(text) + 1)
            text = text[:spot] + self.choose(MUTATIONS) + text[spot:]
        return text.encode("utf-8")

    def case(self) -> list[bytes]:
        """One values file, sometimes two (merged as `-f a -f b`), sometimes mutated."""
        files = [self.document()] + ([self.document()] if self.chance(0.2) else [])
        return [self.mutated(raw) if self.chance(0.25) else raw for raw in files]
