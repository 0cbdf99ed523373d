"""GitHub Actions workflow commands: annotations on the pull request's files."""

from __future__ import annotations

from ..printable import printable

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    """The runner's own escapes; what came from a value was made printable before."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result, rules, options: dict) -> str:
    lines = [f"::notice file={_escape_property(printable(file))}::{_escape_data(printable(f'skipped: {why}'))}"
             for file, why in result.skipped]
    for finding in result.findings:
        props = []
        if finding.file:
            props.append(f"file={_escape_property(printable(finding.file))}")
        if finding.line is not None:
            props.append(f"line={finding.line}")
            props.append(f"col={finding.column or 1}")
        props.append(f"title={_escape_property(f'{finding.rule} {finding.name}')}")
        message = printable(finding.message) + (f"\nfix: {printable(finding.fix)}" if finding.fix else "")
        lines.append(f"::{_LEVEL[finding.severity]} {','.join(props)}::{_escape_data(message)}")
    from .text_report import summary_line

    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
