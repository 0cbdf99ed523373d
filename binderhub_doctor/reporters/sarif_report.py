"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..printable import printable

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(result, rules, options: dict) -> str:
    index = {rule.id: i for i, rule in enumerate(rules)}
    driver_rules = [
        {
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.why.strip()},
            "help": {"text": rule.fix.strip()},
            "helpUri": rule.url,
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            "properties": {"topic": rule.topic},
        }
        for rule in rules
    ]
    results = []
    for finding in result.findings:
        item = {
            "ruleId": finding.rule,
            "level": _LEVEL[finding.severity],
            "message": {"text": printable(finding.message) + (f" Fix: {printable(finding.fix)}" if finding.fix else "")},
        }
        if finding.rule in index:
            item["ruleIndex"] = index[finding.rule]
        if finding.file:
            location = {"physicalLocation": {"artifactLocation": {"uri": _uri(finding.file)}}}
            if finding.line is not None:
                location["physicalLocation"]["region"] = {
                    "startLine": finding.line, "startColumn": finding.column or 1}
            if finding.path:
                location["logicalLocations"] = [{"fullyQualifiedName": finding.path, "kind": "member"}]
            item["locations"] = [location]
        results.append(item)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "binderhub-doctor",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://github.com/binderhub-doctor/binderhub-doctor",
                "rules": driver_rules,
            }},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _uri(file: str) -> str:
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_uri()
    return path.as_posix()
