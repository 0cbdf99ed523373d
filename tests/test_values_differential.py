"""Differential test: `binderhub-doctor values --format json` against the real `helm template`.

tests/support/tricky_yaml.py generates values files that YAML readers disagree on; each case runs
through our `values` command (in process) and through helm 3 and helm 4 rendering
`{{ toJson .Values }}`. Where helm prints values, ours must be the same JSON text, byte for byte;
where helm refuses the file, `values` must refuse it too (exit 2, one line).

Helm 4 differs from Helm 3 by design for files with several documents (it merges them all, and
refuses a broken later one), and it adds a line break to a file that does not end in one (which
a block scalar at the end keeps); those cases are compared with helm 3 only. A file that starts with
two byte-order marks is refused on purpose (Helm then drops the first character of later lines).

The chart prints the JSON base64-encoded: Helm parses rendered templates as YAML, so a value
holding a YAML line break that JSON leaves raw (U+0085) would make the chart fail, not the values.

A fixed seed and BHD_DIFF_CASES cases (default 120) keep it around a minute; for local fuzzing:
    BHD_DIFF_CASES=5000 BHD_DIFF_SEED=7 .venv/bin/python -m pytest -p no:cacheprovider -q \\
        tests/test_values_differential.py
"""

from __future__ import annotations

import base64
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from support.helm_setup import helm_values_json
from support.tools import isolated_helm_env
from support.tricky_yaml import TrickyYaml

CASES = int(os.environ.get("BHD_DIFF_CASES", "120"))
SEED = int(os.environ.get("BHD_DIFF_SEED", "13"))
DOUBLE_BOM = b"\xef\xbb\xbf" * 2


def base64_chart(folder: Path) -> Path:
    chart = folder / "oracle-b64"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: oracle-b64\nversion: 0.1.0\n")
    (chart / "templates" / "values.b64.yaml").write_text("values: {{ toJson .Values | b64enc }}\n")
    return chart


def helm_json(major: int, files: list[Path], env: dict, chart: Path) -> tuple[bool, str]:
    """(True, the JSON helm's chart printed, base64-decoded) or (False, helm's error)."""
    ok, text = helm_values_json(major, files, env, chart)
    return (ok, base64.b64decode(text.removeprefix("values: ")).decode("utf-8")) if ok else (ok, text)


def ours(files: list[Path], config: Path) -> tuple[bool, str]:
    from binderhub_doctor.cli import cli

    result = CliRunner().invoke(cli, ["values", "--format", "json", "--no-values-key", "--config", str(config),
                                      *map(str, files)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    if result.exit_code == 0:
        return True, result.stdout.rstrip("\n")
    assert result.exit_code == 2 and result.stdout == "", (result.exit_code, result.output)
    return False, result.stderr.strip()


def several_documents(raw: bytes) -> bool:
    """Helm 4 splits documents itself at every line starting with `---` (refusing text after
    the dashes), so such files are compared with helm 3 only."""
    return any(line.lstrip(b"\xef\xbb\xbf").startswith((b"---", b"...")) for line in raw.splitlines())


def compare(index: int, files: list[Path], raws: list[bytes], our_result: tuple[bool, str], env: dict,
            chart: Path):
    """(disagreements, whether helm 3 read the files)."""
    ok, text = our_result
    problems = []
    read_by_helm3 = False
    if any(raw.startswith(DOUBLE_BOM) for raw in raws):
        return ([] if not ok else [f"case {index}: a file with two leading BOMs was not refused"]), False
    for major in (3, 4):
        if major == 4 and any(several_documents(raw) or not raw.endswith(b"\n") for raw in raws):
            continue  # Helm 4 splits documents itself: documented differences (README, BHD005)
        helm_ok, helm_text = helm_json(major, files, env, chart)
        read_by_helm3 = read_by_helm3 or (major == 3 and helm_ok)
        if (ok, ok and text) != (helm_ok, helm_ok and helm_text):
            shown = "\n".join(f"  file {n}: {raw!r}" for n, raw in enumerate(raws))
            problems.append(f"case {index} (seed {SEED}), helm {major}:\n{shown}\n  helm: {helm_text}\n  ours: {text}")
    return problems, read_by_helm3


@pytest.mark.helm
def test_values_agrees_with_helm_on_generated_tricky_yaml(tmp_path):
    generator = TrickyYaml(SEED)
    config = tmp_path / "empty-config.yaml"
    config.write_text("{}\n")
    env = isolated_helm_env(tmp_path)
    chart = base64_chart(tmp_path)
    jobs = []
    for index in range(CASES):
        raws = generator.case()
        files = []
        for number, raw in enumerate(raws):
            path = tmp_path / f"case{index}-{number}.yaml"
            path.write_bytes(raw)
            files.append(path)
        jobs.append((index, files, raws))
    # ours in process, one at a time (the CLI runner swaps sys.stdout); helm two at a time
    our_results = [ours(files, config) for _, files, _ in jobs]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job, our: compare(*job, our, env, chart), jobs, our_results))
    found = [problem for problems, _ in results for problem in problems]
    assert not found, f"{len(found)} disagreements with helm:\n" + "\n".join(found[:10])
    read = sum(1 for _, read_by_helm3 in results if read_by_helm3)
    # the generator must produce files Helm reads and files it refuses, or this proves little
    assert 0.1 * CASES <= read <= 0.9 * CASES, f"helm 3 read {read} of {CASES} cases"


@pytest.mark.parametrize("seed", [1, 2])
def test_the_generator_is_seeded(seed):
    first, again, other = TrickyYaml(seed), TrickyYaml(seed), TrickyYaml(seed + 100)
    cases = [first.case() for _ in range(5)]
    assert cases == [again.case() for _ in range(5)]
    assert cases != [other.case() for _ in range(5)]


@pytest.mark.helm
def test_values_json_is_helms_json_for_a_known_file(tmp_path):
    """A fixed file whose helm output is known, so the comparison itself is checked."""
    path = tmp_path / "values.yaml"
    path.write_text("b: 0x10\na: [1e21, 1e-7, 0.5, '<&>', \"\\N\\P\"]\nc: {9007199254740993: k, 1e39: inf}\n")
    config = tmp_path / "c.yaml"
    config.write_text("{}\n")
    expected = ('{"a":[1e+21,1e-7,0.5,"\\u003c\\u0026\\u003e","\x85\\u2029"],"b":16,'
                '"c":{".inf":"inf","9007199254740993":"k"}}')
    assert ours([path], config) == (True, expected)
    chart = base64_chart(tmp_path)
    for major in (3, 4):
        assert helm_json(major, [path], isolated_helm_env(tmp_path), chart) == (True, expected)
    assert json.loads(expected)["b"] == 16
