"""The public JSON contract (version 1); see README "JSON output". Change it only additively."""

from __future__ import annotations

import json

VERSION = 1


def render(result, rules, options: dict) -> str:
    report = {
        "version": VERSION,
        "findings": [f.as_dict() for f in result.findings],
        "summary": {
            "files": result.files,
            "skipped": [{"file": f, "reason": why} for f, why in result.skipped],
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "infos": result.count("info"),
            "values_key": result.values_key,
            "chart_version": result.chart.version if result.chart else None,
            "chart_version_source": result.chart.source if result.chart else None,
        },
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
