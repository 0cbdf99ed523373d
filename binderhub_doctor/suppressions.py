"""`# binderhub-doctor: disable=ID[,ID]` on a line or the line above, and
`# binderhub-doctor: disable-file=ID[,ID]` anywhere in a file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The ids are taken up to a comment and checked apart: `([\w,\s-]+?)\s*$` would try every split
# of trailing spaces between the two (quadratic: 40,000 spaces took 38 s).
_DIRECTIVE = re.compile(r"#\s*binderhub-doctor:\s*(disable(?:-file)?)\s*=([^#]*)")
_IDS = re.compile(r"[\w,\s-]+")


@dataclass
class Suppression:
    file: str
    line: int  # where the comment is
    scope: str  # "line" or "file"
    rule: str  # as written (id or name)
    used: bool = False


@dataclass
class Suppressions:
    items: list[Suppression] = field(default_factory=list)

    @classmethod
    def scan(cls, documents) -> "Suppressions":
        found = cls()
        for doc in documents:
            for number, text in enumerate(doc.lines, start=1):
                if "binderhub-doctor" not in text:
                    continue
                match = _DIRECTIVE.search(text)
                if not match or not _IDS.fullmatch(match.group(2)):
                    continue
                scope = "file" if match.group(1) == "disable-file" else "line"
                for rule in filter(None, (r.strip() for r in match.group(2).split(","))):
                    found.items.append(Suppression(doc.file, number, scope, rule))
        return found

    def suppresses(self, finding, rule) -> bool:
        hit = False
        for item in self.items:
            if item.file != finding.file or item.rule not in (rule.id, rule.name):
                continue
            if item.scope == "file" or (finding.line is not None and item.line in (finding.line, finding.line - 1)):
                item.used = True
                hit = True
        return hit

    def unused(self) -> list[Suppression]:
        return [item for item in self.items if not item.used]
