"""`doctor`'s report: one ✓ / ! / ✗ line per section (lint, the probes, the release's status),
each with its findings or steps, then a summary; or the same as one JSON document. Shared with
`status`, whose report is doctor's last section with --release. The text comes in three parts
(header, a section, footer) so doctor can show each section as soon as it is done."""

from __future__ import annotations

import json

from ..probes.report import FAIL, MARKS, OK, SKIP, WARN, ProbeReport
from ..probes.status import StatusReport
from . import status_report


def overall(sections) -> dict:
    counts = {status: sum(1 for s in sections if s.status == status) for status in (OK, WARN, FAIL, SKIP)}
    return {"passed": counts[OK], "warnings": counts[WARN], "failed": counts[FAIL], "skipped": counts[SKIP]}


def header_lines(values) -> list[str]:
    from ..printable import printable

    return [f"binderhub-doctor: {', '.join(printable(d.file) for d in values.documents)}", ""]


def section_lines(section) -> list[str]:
    from ..printable import printable
    from .text_report import where

    lines = [f"[{MARKS[section.status]}] {section.title}: {printable(section.summary)}"]
    if section.name == "lint":
        for finding in section.findings:
            lines.append(f"    {where(finding)}: {finding.severity} {finding.rule} {printable(finding.message)} "
                         f"[{finding.name}]")
            if finding.fix and finding.severity != "info":
                lines.append(f"        fix: {printable(finding.fix)}")
    elif isinstance(section.report, StatusReport):
        lines.extend("    " + line for line in status_report.group_lines(section.report))
    elif section.report is not None and section.status != SKIP:
        # Only the steps: the derived settings are in check-<name> and in the JSON report.
        steps_only = ProbeReport(section.report.title, section.report.steps)
        lines.extend("    " + line for line in steps_only.as_text().splitlines())
    return lines


def footer_lines(sections) -> list[str]:
    counts = overall(sections)
    lines = [""]
    if counts["failed"] or counts["warnings"]:
        parts = [f"{counts['failed']} failed"] if counts["failed"] else []
        if counts["warnings"]:
            parts.append(f"{counts['warnings']} with warnings")
        issues = counts["failed"] + counts["warnings"]
        mark = MARKS[FAIL] if counts["failed"] else MARKS[WARN]
        lines.append(f"{mark} Doctor found issues in {issues} section{'s' if issues != 1 else ''}: "
                     f"{', '.join(parts)}.")
    else:
        lines.append(f"{MARKS[OK]} No issues found.")
    return lines


def render_json(sections, values) -> str:
    counts = overall(sections)
    status = FAIL if counts["failed"] else (WARN if counts["warnings"] else OK)
    document = {
        "version": 1,
        "ok": not counts["failed"],
        "status": status,
        "files": [d.file for d in values.documents],
        "sections": [s.as_dict() for s in sections],
        "summary": counts,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
