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
    if result.sets:  # an addition to version 1: several deployments linted at once, each under its folder
        report["summary"]["sets"] = [
            {"folder": folder, "files": each.files, "errors": each.count("error"),
             "warnings": each.count("warning"), "infos": each.count("info"), "values_key": each.values_key,
             "chart_version": each.chart.version if each.chart else None,
             "chart_version_source": each.chart.source if each.chart else None}
            for folder, each in result.sets]
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
