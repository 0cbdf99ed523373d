"""Helm is the oracle for how values files are read and merged.

The chart in fixtures/oracle-chart renders ``{{ toJson .Values }}`` and nothing else,
so ``helm template rel oracle-chart -f a.yaml -f b.yaml`` prints exactly the merged
user values as Helm sees them. We run the real helm 3 and helm 4 binaries (from
scripts/setup-test-env) and compare with ``load_values([a, b]).data``.

Numbers: Helm turns every YAML number into a float64 (its YAML goes through JSON),
so numbers are compared as float64 values; ints and floats that are equal as
float64 compare equal. Everything else must match exactly: types (a bool is not
the number 1), strings, nulls, map keys (Helm's keys are always strings) and
list order.

fixtures/oracle/expected-helm{3,4}.json hold the JSON line each helm printed, for
reference; test_recorded_output_is_current checks they are still what helm prints.
Regenerate them after changing the fixtures with:
    ORACLE_REGEN=1 scripts/test tests/test_helm_oracle.py
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from support.tools import FIXTURES, helm_binary, isolated_helm_env

pytestmark = pytest.mark.helm

CHART = FIXTURES / "oracle-chart"
ORACLE = FIXTURES / "oracle"
VALUE_FILES = [ORACLE / "a.yaml", ORACLE / "b.yaml"]
TEMPLATE_SOURCE = "# Source: oracle/templates/values.json.yaml"

HELM_MAJORS = [3, 4]


def helm_template_output(major: int, files: list[Path], tmp_path: Path) -> str:
    """The JSON text that ``helm template`` renders for ``files``."""
    cmd = [str(helm_binary(major)), "template", "rel", str(CHART)]
    for file in files:
        cmd += ["-f", str(file)]
    proc = subprocess.run(
        cmd,
        env=isolated_helm_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"{' '.join(cmd)} failed (rc {proc.returncode}):\n{proc.stderr}"
    return extract_json_line(proc.stdout)


def extract_json_line(stdout: str) -> str:
    """Drop helm's ``---`` / ``# Source:`` header; exactly one JSON line must remain."""
    lines = stdout.splitlines()
    assert lines[:2] == ["---", TEMPLATE_SOURCE], f"unexpected helm output header:\n{stdout}"
    body = [line for line in lines[2:] if line.strip()]
    assert len(body) == 1, f"expected one JSON line after the header, got:\n{stdout}"
    return body[0]


def flatten(value, path: tuple = ()) -> dict[tuple, tuple]:
    """{path: (kind, value)} for every leaf, with numbers as float64.

    Kinds keep bools, numbers, strings and nulls apart (in Python True == 1.0).
    A path is a tuple of map keys (str) and list indexes (int); a map key that is
    not a str becomes "<int>1" etc., so it never matches Helm's string key "1".
    """
    if isinstance(value, dict):
        if not value:
            return {path: ("map", "{}")}
        out: dict[tuple, tuple] = {}
        for key, item in value.items():
            name = key if isinstance(key, str) else f"<{type(key).__name__}>{key!r}"
            out.update(flatten(item, path + (name,)))
        return out
    if isinstance(value, list):
        if not value:
            return {path: ("list", "[]")}
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, path + (index,)))
        return out
    if value is None:
        return {path: ("null", None)}
    if isinstance(value, bool):
        return {path: ("bool", value)}
    if isinstance(value, (int, float)):
        return {path: ("number", float(value))}
    if isinstance(value, str):
        return {path: ("str", value)}
    return {path: (type(value).__name__, repr(value))}


def differences(ours_flat: dict, helm_flat: dict) -> dict:
    """Only the leaves that differ, as {path: {"ours": .., "helm": ..}}."""
    missing = ("missing", None)
    return {
        path: {"ours": ours_flat.get(path, missing), "helm": helm_flat.get(path, missing)}
        for path in sorted(set(ours_flat) | set(helm_flat), key=repr)
        if ours_flat.get(path, missing) != helm_flat.get(path, missing)
    }


def ours() -> dict:
    from binderhub_doctor.values import load_values

    return load_values(VALUE_FILES).data


@pytest.mark.parametrize("major", HELM_MAJORS, ids=lambda m: f"helm{m}")
def test_loader_matches_helm(major: int, tmp_path: Path) -> None:
    helm_values = json.loads(helm_template_output(major, VALUE_FILES, tmp_path))
    diff = differences(flatten(ours()), flatten(helm_values))
    report = "\n".join(f"  {path}: ours={d['ours']} helm={d['helm']}" for path, d in diff.items())
    assert not diff, f"load_values() differs from helm {major} at {len(diff)} leaves:\n{report}"


@pytest.mark.parametrize("major", HELM_MAJORS, ids=lambda m: f"helm{m}")
def test_recorded_output_is_current(major: int, tmp_path: Path) -> None:
    recorded = ORACLE / f"expected-helm{major}.json"
    line = helm_template_output(major, VALUE_FILES, tmp_path)
    if os.environ.get("ORACLE_REGEN") == "1":
        recorded.write_text(line + "\n", encoding="utf-8")
    assert recorded.read_text(encoding="utf-8") == line + "\n", (
        f"{recorded.name} differs from what helm {major} prints now; if the fixtures "
        "changed on purpose, run: ORACLE_REGEN=1 scripts/test tests/test_helm_oracle.py"
    )


def test_flatten_keeps_kinds_apart() -> None:
    """The comparison itself must not let a loader bug through."""
    assert flatten({"a": True}) != flatten({"a": 1})
    assert flatten({"a": 1}) == flatten({"a": 1.0})
    assert flatten({"a": "1"}) != flatten({"a": 1})
    assert flatten({1: "x"}) != flatten({"1": "x"})
    assert flatten({"a": None}) != flatten({})
    assert flatten({"a": {}}) != flatten({"a": []})
    assert flatten({"a": [1, 2]}) != flatten({"a": [2, 1]})
    assert flatten({"a.b": 1}) != flatten({"a": {"b": 1}})
    assert differences({("a",): ("number", 1.0)}, {}) == {
        ("a",): {"ours": ("number", 1.0), "helm": ("missing", None)}
    }
    assert flatten({"big": 12345678901234567890}) == flatten(json.loads('{"big":12345678901234567000}'))
