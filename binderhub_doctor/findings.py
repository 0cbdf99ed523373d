"""What a rule reports, and the order findings are shown in."""

from __future__ import annotations

from dataclasses import asdict, dataclass

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    rule: str  # stable id, e.g. BHD201
    name: str  # readable name, e.g. image-prefix-scheme
    severity: str
    file: str | None
    line: int | None
    column: int | None
    path: str | None  # dotted values path, list indices as [n]
    message: str
    fix: str | None = None
    url: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def sort_key(self):
        return (self.file or "", self.line or 0, self.column or 0, self.rule, self.path or "")


def at_least(severity: str, threshold: str) -> bool:
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]
