"""The shared corpus of broken and clean BinderHub configs: every case meets its expect.yaml.

Runs the real CLI, as ../shared/bin/score-corpus does from outside."""

from __future__ import annotations

import json
import os

import pytest
import yaml

from support.tools import SHARED, invoke, needs_shared

pytestmark = needs_shared("corpus")
CORPUS = SHARED / "corpus"
RANK = {"info": 0, "warning": 1, "error": 2}
CASES = sorted(p.name for p in CORPUS.glob("*") if (p / "expect.yaml").is_file())


def matches(finding: dict, expected: dict) -> bool:
    if RANK[finding["severity"]] < RANK[expected["severity"]]:
        return False
    path = finding.get("path") or ""
    if "path" in expected and (path == expected["path"] or path.startswith((expected["path"] + ".", expected["path"] + "["))):
        return True
    if "line" in expected:
        return (os.path.basename(finding.get("file") or "") == expected["file"]
                and finding.get("line") is not None and abs(finding["line"] - expected["line"]) <= 1)
    return False


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case):
    folder = CORPUS / case
    expect = yaml.safe_load((folder / "expect.yaml").read_text())
    run = invoke("lint", "--format", "json", *map(str, expect.get("args") or ()),
                 str(folder / "secret.yaml"), str(folder / "config.yaml"))
    assert run.returncode in (0, 1), run.stderr
    findings = json.loads(run.stdout)["findings"]
    if expect["clean"]:
        errors = [f for f in findings if f["severity"] == "error"]
        assert not errors, errors
        assert run.returncode == 0
    else:
        missing = [e for e in expect["expect"] if not any(matches(f, e) for f in findings)]
        assert not missing, f"not reported: {missing}; findings: {[(f['rule'], f['path'], f['severity']) for f in findings]}"
        if any(e["severity"] == "error" for e in expect["expect"]):
            assert run.returncode == 1
