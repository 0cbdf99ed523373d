"""`lint --fix` over copies of the corpus (../shared/corpus) and of the real deployments
(../shared/realworld/deployments): a second `--fix` changes nothing, and the files still read as
the same values except at the paths fixed (and where a moved value landed); for a sample, real
helm reads the fixed files as our loader does. Every guide pitfall in the corpus is repaired."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from support.helm_setup import helm_values_json
from support.tools import SHARED, invoke, isolated_helm_env, needs_shared

CORPUS = SHARED / "corpus"
DEPLOYMENTS = SHARED / "realworld" / "deployments"
FIXED_LINE = re.compile(r"^\S+: fixed (BHD\d+) \[[a-z0-9-]+\](?: at (\S+))?$", re.M)


def corpus_case(folder: Path) -> tuple[list[str], list[str]]:
    """(lint options, files) of a corpus case, as its expect.yaml says it is linted."""
    expect = yaml.safe_load((folder / "expect.yaml").read_text()) or {}
    return [str(a) for a in expect.get("args") or []], ["secret.yaml", "config.yaml"]


def deployment_case(folder: Path) -> tuple[list[str], list[str]]:
    lint = yaml.safe_load((folder / "deployment.yaml").read_text())["lint"]
    options = ["--values-key", lint["values_key"]] if lint.get("values_key") else []
    for secret in lint.get("secret_files") or []:
        options += ["--secret-file", secret]
    if lint.get("chart_version"):
        options += ["--chart-version", str(lint["chart_version"])]
    return options, list(lint["files"])


def cases():
    if CORPUS.is_dir():
        for folder in sorted(p for p in CORPUS.iterdir() if (p / "expect.yaml").is_file()):
            yield pytest.param(folder, corpus_case, id=f"corpus-{folder.name}")
    if DEPLOYMENTS.is_dir():
        for folder in sorted(p.parent for p in DEPLOYMENTS.glob("*/deployment.yaml")):
            yield pytest.param(folder, deployment_case, id=f"deployment-{folder.name}")


def values_json(folder: Path, options: list[str], files: list[str]):
    """The merged values as the loader reads them (as `values --format json` prints them, but
    with the secrets, which `values` redacts), or None when Helm refuses a file."""
    from binderhub_doctor.documents import FATAL_PROBLEMS
    from binderhub_doctor.values import load_values

    values = load_values([folder / f for f in files], auto_values_key=False)
    if any(p.rule in FATAL_PROBLEMS for doc in values.documents for p in doc.problems):
        return None
    return json.loads(json.dumps(values.root))


def leaves(node, path: str = "") -> dict[str, object]:
    if isinstance(node, dict) and node:
        out = {}
        for key, item in node.items():
            out.update(leaves(item, f"{path}.{key}" if path else str(key)))
        return out
    return {path: node}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def fix(folder: Path, options: list[str], files: list[str]) -> list[tuple[str, str | None]]:
    run = invoke("lint", "--fix", "--format", "json", *options, *files, cwd=folder)
    assert run.returncode in (0, 1), run.stderr
    json.loads(run.stdout)  # the report is still the JSON contract
    return FIXED_LINE.findall(run.stderr)


def only_fixed_paths_differ(before: dict, after: dict, fixed: list[tuple[str, str]]) -> list[str]:
    """The leaves that changed without a fix explaining it: not under a fixed path, and not a
    moved value landing in its new home."""
    old, new = leaves(before), leaves(after)
    roots = [path for _, path in fixed if path]

    def under_fixed(path: str) -> bool:
        return any(path == root or path.startswith(root + ".") for root in roots)

    removed = [old[p] for p in old if (p not in new or new[p] != old[p]) and under_fixed(p)]
    unexplained = []
    for path in sorted(set(old) | set(new)):
        if old.get(path, ...) == new.get(path, ...) or under_fixed(path):
            continue
        if path not in old and new[path] in removed:
            removed.remove(new[path])  # a moved value, counted once
            continue
        unexplained.append(path)
    return unexplained


@needs_shared("corpus", "the corpus of misconfigurations")
@pytest.mark.parametrize("source, case", list(cases()))
def test_fix_twice_is_fix_once_and_only_fixed_values_change(tmp_path, source, case):
    folder = tmp_path / source.name
    shutil.copytree(source, folder, symlinks=True)
    options, files = case(folder)
    before = values_json(folder, options, files)
    fixed = fix(folder, options, files)
    once = snapshot(folder)
    assert fix(folder, options, files) == []
    assert snapshot(folder) == once
    after = values_json(folder, options, files)
    if fixed:
        assert after is not None, "the fixed files must read as values"
    if before is not None:
        assert only_fixed_paths_differ(before, after, fixed) == []


# The install guide's pitfalls, each in the corpus case that has it: (case, rule fixed).
PITFALLS = [
    ("gcr-password-missing-pipe", "BHD103"),
    ("prefix-with-scheme", "BHD201"),
    ("prefix-no-trailing-dash", "BHD202"),
    ("deprecated-build-image", "BHD305"),
    ("legacy-hub-url-key", "BHD403"),
]


@needs_shared("corpus", "the corpus of misconfigurations")
@pytest.mark.parametrize("name, rule", PITFALLS)
def test_fix_repairs_each_guide_pitfall_in_the_corpus(tmp_path, name, rule):
    folder = tmp_path / name
    shutil.copytree(CORPUS / name, folder)
    options, files = corpus_case(folder)
    assert rule in [r for r, _ in fix(folder, options, files)]
    report = json.loads(invoke("lint", "--format", "json", *options, *files, cwd=folder).stdout)
    assert rule not in {f["rule"] for f in report["findings"]}
    assert report["summary"]["errors"] == 0, report["findings"]


def helm_json(files: list[Path], env: dict, chart: Path):
    ok, text = helm_values_json(3, files, env, chart)
    assert ok, text
    return json.loads(base64.b64decode(text.removeprefix("values: ")))


@pytest.mark.helm
@needs_shared("corpus", "the corpus of misconfigurations")
@pytest.mark.parametrize("name", [name for name, _ in PITFALLS])
def test_helm_reads_the_fixed_files_as_values_does(tmp_path, name):
    folder = tmp_path / name
    shutil.copytree(CORPUS / name, folder)
    chart = tmp_path / "oracle-b64"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: oracle-b64\nversion: 0.1.0\n")
    (chart / "templates" / "values.b64.yaml").write_text("values: {{ toJson .Values | b64enc }}\n")
    env = isolated_helm_env(tmp_path)
    paths = [folder / "secret.yaml", folder / "config.yaml"]
    before = helm_json(paths, env, chart)
    options, files = corpus_case(folder)
    fixed = fix(folder, options, files)
    after = helm_json(paths, env, chart)
    assert after == values_json(folder, [], files)
    assert only_fixed_paths_differ(before, after, fixed) == []
