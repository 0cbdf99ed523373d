"""`file:line:col: severity ID message`, then the fix; a summary line at the end."""

from __future__ import annotations

from ..printable import printable

_COLOURS = {"error": "31", "warning": "33", "info": "36"}


def render(result, rules, options: dict) -> str:
    colour = options.get("colour", False)
    lines: list[str] = []

    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if colour else text

    for file, why in result.skipped:
        lines.append(printable(f"{file}: skipped: {why}"))
    for finding in result.findings:
        severity = paint(finding.severity, _COLOURS[finding.severity])
        rule = paint(f"{finding.rule}", "1")
        lines.append(f"{where(finding)}: {severity} {rule} {printable(finding.message)} [{finding.name}]")
        if finding.fix and options.get("show_fixes", True):
            lines.append(f"    fix: {printable(finding.fix)}")
    lines.append(summary_line(result, paint))
    return "\n".join(lines) + "\n"


def where(finding) -> str:
    """`file:line:col` of a finding, printable."""
    text = printable(finding.file) if finding.file else "(values)"
    if finding.line is not None:
        text += f":{finding.line}:{finding.column or 1}"
    return text


def summary_line(result, paint=lambda text, code: text) -> str:
    counts = [(result.count(s), s) for s in ("error", "warning", "info")]
    files = len(result.files)
    scope = f"{files} file{'s' if files != 1 else ''}"
    if result.values_key:
        scope += f" (BinderHub values under `{result.values_key}:`)"
    if result.chart:
        scope += f", chart {result.chart.version} ({result.chart.source})"
    if not result.findings:
        return paint(f"✓ no problems found in {scope}", "32")
    parts = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for n, s in counts if n)
    return f"{parts} in {scope}"
