"""`status` as text (streamed, one group title, then each step as it is known) and as JSON.

A step is one line, `✓ name (ms): detail`; a failing or warning step adds `fix:` and, for a
crashed container, its last log lines and the lint rules that catch the cause. Every line is
made printable here; secrets are masked by the output sink the text is written through.
"""

from __future__ import annotations

import json

from ..printable import printable
from ..probes.report import FAIL, MARKS, OK, SKIP, WARN


def header(report) -> str:
    context = f", kube context {printable(report.context)}" if report.context else ""
    return f"release {printable(report.release)} in namespace {printable(report.namespace)}{context}"


def step_lines(step) -> list[str]:
    timing = f" ({step.seconds * 1000:.0f} ms)" if step.seconds else ""
    lines = [f"{MARKS[step.status]} {printable(step.name)}{timing}: {printable(step.detail)}".rstrip(": ")]
    log = getattr(step, "log", [])
    if log:
        lines.append("    log of the previous container (last lines):")
        lines.extend(f"    | {printable(line)}" for line in log)
    if step.hint and step.status in (FAIL, WARN, SKIP):
        lines.append(f"    fix: {printable(step.hint)}")
    return lines


def group_lines(report) -> list[str]:
    lines = []
    for group in report.groups:
        lines.append(f"{printable(group.title)}")
        lines.extend("  " + line for group_step in group.steps for line in step_lines(group_step))
    return lines


def summary_line(report) -> str:
    counts = report.counts()
    if counts["failed"]:
        return f"{MARKS[FAIL]} {counts['failed']} check{'s' if counts['failed'] != 1 else ''} failed" + (
            f", {counts['warnings']} with warnings." if counts["warnings"] else ".")
    if counts["warnings"]:
        return f"{MARKS[WARN]} Working, {counts['warnings']} warning{'s' if counts['warnings'] != 1 else ''}."
    unchecked = f", {counts['skipped']} not checked" if counts["skipped"] else ""
    return f"{MARKS[OK]} BinderHub is up: every check passed{unchecked}."


class StreamingText:
    """Prints each step as it arrives, under its group's title."""

    def __init__(self, write):
        self.write = write
        self.group = None

    def start(self, report) -> None:
        self.write(f"{header(report)}\n")

    def step(self, group: str, step) -> None:
        if group != self.group:
            self.write(f"\n{printable(group)}\n")
            self.group = group
        self.write("".join(f"  {line}\n" for line in step_lines(step)))

    def finish(self, report) -> None:
        self.write(f"\n{summary_line(report)}\n")


def render_json(report) -> str:
    return json.dumps({"version": 1, **report.as_dict()}, indent=2, ensure_ascii=False) + "\n"
