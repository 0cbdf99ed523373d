"""What every probe reports: named steps with ✓ / ! / ✗, timings, and the settings it derived.

Probes build a ProbeReport; commands render it as text or JSON and print it through the output
sink (output.py), so a credential a server echoes back is still never printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..invocation import as_invoked
from ..printable import printable

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
MARKS = {OK: "✓", WARN: "!", FAIL: "✗", SKIP: "-"}


@dataclass
class Step:
    name: str
    status: str  # ok | warn | fail | skip
    seconds: float = 0.0
    detail: str = ""
    hint: str | None = None  # on failure: the likely cause and the fix

    @property
    def ok(self) -> bool:
        return self.status in (OK, WARN, SKIP)


class Steps(list):
    """A report's steps; each one added is shown at once by the command's Progress, if any."""

    def __init__(self, steps=(), report=None):
        super().__init__(steps)
        self.report = report

    def append(self, step: Step) -> None:
        super().append(step)
        self._show(step)

    def extend(self, steps) -> None:
        for step in steps:
            self.append(step)

    def _show(self, step: Step) -> None:
        from .progress import current

        progress = current()
        if progress is not None and self.report is not None:
            progress.step(self.report, step)


@dataclass
class ProbeReport:
    title: str  # e.g. "registry", "github"
    steps: list[Step] = field(default_factory=list)
    derived: dict = field(default_factory=dict)  # settings the probe worked out (secrets redacted)

    def __post_init__(self):
        self.steps = Steps(self.steps, self)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    @property
    def status(self) -> str:
        if any(s.status == FAIL for s in self.steps):
            return FAIL
        if any(s.status == WARN for s in self.steps):
            return WARN
        return OK

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "ok": self.ok,
            "status": self.status,
            "derived": self.derived,
            "steps": [
                {"name": s.name, "ok": s.ok, "status": s.status, "seconds": round(s.seconds, 3),
                 "detail": as_invoked(s.detail), "hint": as_invoked(s.hint)}
                for s in self.steps
            ],
        }

    def as_text(self) -> str:
        lines = derived_lines(self.derived)
        for step in self.steps:
            lines.extend(step_lines(step))
        return "\n".join(lines)


# Details quote servers and values: one line each, so none can pass for a step of its own.
def derived_lines(derived: dict) -> list[str]:
    return [f"  {printable(key)}: {printable(value)}" for key, value in derived.items()]


def step_lines(step: Step) -> list[str]:
    timing = f" ({step.seconds * 1000:.0f} ms)" if step.seconds else ""
    detail = printable(as_invoked(step.detail))
    lines = [f"{MARKS[step.status]} {printable(step.name)}{timing}: {detail}".rstrip(": ")]
    if step.hint and step.status in (FAIL, WARN):
        lines.append(f"    fix: {printable(as_invoked(step.hint))}")
    return lines


def render(report: ProbeReport, fmt: str) -> str:
    if fmt == "json":
        text = json.dumps({"version": 1, **report.as_dict()}, indent=2, ensure_ascii=False)
    else:
        text = report.as_text()
    return text + "\n"
