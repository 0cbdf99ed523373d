"""`file:line:col: severity ID message`, then the fix; a summary line at the end."""

from __future__ import annotations

from ..printable import printable

_COLOURS = {"error": "31", "warning": "33", "info": "36"}


def render(result, rules, options: dict) -> str:
    colour = options.get("colour", False)

    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if colour else text

    if not result.sets:
        return "\n".join([*_findings(result, paint, options), summary_line(result, paint)]) + "\n"
    lines: list[str] = []
    for folder, each in result.sets:  # one deployment after the other, each with its own summary
        lines.extend(_findings(each, paint, options))
        lines.append(f"{printable(folder)}: {summary_line(each, paint)}")
    lines.append(total_line(result))
    return "\n".join(lines) + "\n"


def _findings(result, paint, options: dict) -> list[str]:
    lines = [printable(f"{file}: skipped: {why}") for file, why in result.skipped]
    for finding in result.findings:
        severity = paint(finding.severity, _COLOURS[finding.severity])
        rule = paint(f"{finding.rule}", "1")
        lines.append(f"{where(finding)}: {severity} {rule} {printable(finding.message)} [{finding.name}]")
        if finding.fix and options.get("show_fixes", True):
            lines.append(f"    fix: {printable(finding.fix)}")
    return lines


def where(finding) -> str:
    """`file:line:col` of a finding, printable."""
    text = printable(finding.file) if finding.file else "(values)"
    if finding.line is not None:
        text += f":{finding.line}:{finding.column or 1}"
    return text


def summary_line(result, paint=lambda text, code: text) -> str:
    files = len(result.files) - len(result.unread)  # a file skipped whole was not linted
    scope = f"{files} file{'s' if files != 1 else ''}"
    if result.unread:
        scope += f" ({len(result.unread)} more skipped)"
    if result.values_key:
        scope += f" (BinderHub values under `{result.values_key}:`)"
    if result.chart:
        scope += f", chart {result.chart.version} ({result.chart.source})"
    if not result.findings:
        return paint(f"✓ no problems found in {scope}", "32")
    return f"{counted(result)} in {scope}"


def total_line(result) -> str:
    """The last line when several deployments were linted."""
    files = len(result.files) - len(result.unread)
    scope = f"{len(result.sets)} deployments ({files} file{'s' if files != 1 else ''})"
    return f"{counted(result)} in {scope}" if result.findings else f"✓ no problems found in {scope}"


def counted(result) -> str:
    counts = [(result.count(s), s) for s in ("error", "warning", "info")]
    return ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for n, s in counts if n)
