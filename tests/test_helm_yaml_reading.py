"""Issue 13, minimised: every way the loader used to read a values file differently from Helm.

Each case is checked against the real helm 3 and helm 4 first (so the expectation is Helm's,
not ours), then against the loader: the same values where Helm reads the file, and an error
problem at the named line where Helm refuses it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from support.helm_setup import helm_values_json
from support.tools import FIXTURES, helm_binary, isolated_helm_env

BOM = "\ufeff"

# (id, file text, what Helm reads)
READ_LIKE_HELM = [
    # the loader crashed
    ("float-key-beyond-float32", "1e39: x\n", {".inf": "x"}),
    ("float-key-beyond-float32-spelled-oddly", "k:\n  +00.5e308: z\n", {"k": {".inf": "z"}}),
    # the loader refused a file Helm reads
    ("anchor-defined-twice", "a: &x 1\nb: &x 2\nc: *x\n", {"a": 1, "b": 2, "c": 2}),
    ("escaped-single-quote", 'v: "\\\'"\n', {"v": "'"}),
    ("colon-before-flow-end", "l: [a:]\n", {"l": ["a:"]}),
    ("trailing-text-after-flow-root", "{a: 1} b\n", {"a": 1}),
    # the loader read different data
    ("non-specific-tags", "a: ! 1\nb: ! y\nc: ! ~\n", {"a": "1", "b": "y", "c": "~"}),
    ("collection-tags-on-scalars", "d: !!map x\ne: !!seq y\nf: !!merge z\n", {"d": "x", "e": "y", "f": "z"}),
    ("underscore-after-leading-dot", "a: .5_0\n", {"a": 0.5}),
    ("signed-hex-beyond-int64", "b: +0x8000000000000000\nc: -0x8000000000000001\n",
     {"b": "+0x8000000000000000", "c": "-0x8000000000000001"}),
    ("integer-key-above-2-53", "9007199254740993: k\n", {"9007199254740993": "k"}),
    ("binary-with-invalid-utf8", "a: !!binary gICA\nb: !!binary 4oI=\n", {"a": "\ufffd" * 3, "b": "\ufffd" * 2}),
    ("merge-tag-on-another-key", "a: {!!merge x: 1}\n", {"a": {"x": 1}}),
    ("comma-read-into-a-tag", "l: [!, a]\n", {"l": ["a"]}),
    ("comma-read-into-a-tag-handle", "a: !!,merge 1_0.5\nb: [!![x, 1]\n", {"a": "1_0.5", "b": ["1"]}),
    ("bom-starting-a-later-line", f"config:\n{BOM}  BinderHub: 1\n", {"config": None, f"{BOM}  BinderHub": 1}),
    ("timestamp-tag-with-two-spaces", "a: !!timestamp 2001-1-1  10:00:00\n", {"a": "2001-1-1  10:00:00"}),
]

# (id, file text, line of the error)
REFUSED_LIKE_HELM = [
    ("int-tag-on-text", "a: !!int abc\n", 1),
    ("bool-tag-on-number", "x: 1\na: !!bool 1\n", 2),
    ("float-tag-on-bool", "a: !!float true\n", 1),
    ("null-tag-on-text", "a: !!null x\n", 1),
    ("timestamp-tag-on-number", "a: !!timestamp 123\n", 1),
    ("timestamp-tag-on-impossible-date", "a: !!timestamp 2001-02-29\n", 1),
    ("int-tag-on-nothing", "a: !!int\n", 1),
    ("uint64-key", "x: 1\n0x8000000000000000: x\n", 2),
    ("escaped-slash", 'a: "\\/"\n', 1),
    ("question-mark-in-flow-list", "a: [a?]\n", 1),
    ("question-mark-in-flow-map", "a: {k: a?b}\n", 1),
    ("yaml-1.2-directive", "%YAML 1.2\n---\na: 1\n", 1),
    ("merge-of-a-list-of-non-maps", "a: &m [1]\nb:\n  <<: [*m]\n", 3),
    ("bom-starting-a-later-list-item", f"- a\n{BOM}- b\n", 2),
    ("excessive-aliasing", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [" + ", ".join(["*a"] * 10) + "]\n"
     "c: &c [" + ", ".join(["*b"] * 10) + "]\nd: [" + ", ".join(["*c"] * 10) + "]\n", 4),
]


def helm_reads(major: int, path: Path, tmp_path: Path):
    ok, text = helm_values_json(major, [path], isolated_helm_env(tmp_path))
    return (True, json.loads(text)) if ok else (False, text)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "values.yaml"
    path.write_bytes(text.encode("utf-8"))
    return path


def load(path: Path):
    from binderhub_doctor.documents import load_document

    return load_document(path)


@pytest.mark.helm
@pytest.mark.parametrize("text, expected", [c[1:] for c in READ_LIKE_HELM], ids=[c[0] for c in READ_LIKE_HELM])
def test_the_loader_reads_what_helm_reads(tmp_path, text, expected):
    path = write(tmp_path, text)
    for major in (3, 4):
        assert helm_reads(major, path, tmp_path) == (True, expected), f"helm {major}"
    doc = load(path)
    assert doc.data == expected
    assert not [p for p in doc.problems if p.severity == "error"], doc.problems


@pytest.mark.helm
@pytest.mark.parametrize("text, line", [c[1:] for c in REFUSED_LIKE_HELM], ids=[c[0] for c in REFUSED_LIKE_HELM])
def test_the_loader_refuses_what_helm_refuses(tmp_path, text, line):
    path = write(tmp_path, text)
    for major in (3, 4):
        ok, error = helm_reads(major, path, tmp_path)
        assert not ok, f"helm {major} read it: {error}"
    errors = [p for p in load(path).problems if p.severity == "error"]
    assert errors and errors[0].position.line == line, errors


@pytest.mark.helm
def test_a_broken_later_document_helm3_ignores_helm4_refuses_we_warn(tmp_path):
    path = write(tmp_path, "a: 1\n---\nb: [\n")
    assert helm_reads(3, path, tmp_path) == (True, {"a": 1})
    ok, error = helm_reads(4, path, tmp_path)
    assert not ok and "did not find expected node content" in error
    doc = load(path)
    assert doc.data == {"a": 1}
    [problem] = doc.problems
    assert problem.severity == "warning" and problem.position.line == 2
    assert "Helm 3 ignores and Helm 4 refuses" in problem.message


@pytest.mark.helm
@pytest.mark.parametrize("text", ["a: 1\n---x: 2\n", "--- {a: 1}\n", "a: |\n  x\n---b: 1\n"])
def test_text_after_dashes_helm3_reads_helm4_refuses_we_warn(tmp_path, text):
    path = write(tmp_path, text)
    ok, values = helm_reads(3, path, tmp_path)
    assert ok
    ok, error = helm_reads(4, path, tmp_path)
    assert not ok and "invalid Yaml document separator" in error
    doc = load(path)
    assert doc.data == values
    [problem] = doc.problems
    assert problem.severity == "warning" and "Helm 4 refuses the file" in problem.message


@pytest.mark.helm
def test_helm4_adds_a_line_break_to_a_file_without_one_and_we_read_like_helm3(tmp_path):
    path = tmp_path / "values.yaml"
    path.write_bytes(b"a: |+\n  x")
    assert helm_reads(3, path, tmp_path) == (True, {"a": "x"})
    assert helm_reads(4, path, tmp_path) == (True, {"a": "x\n"})
    assert load(path).data == {"a": "x"}


@pytest.mark.helm
def test_two_leading_boms_are_refused_because_helm_garbles_the_file(tmp_path):
    path = tmp_path / "values.yaml"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfa: 1\nimage: 2\n")
    for major in (3, 4):
        assert helm_reads(major, path, tmp_path) == (True, {"a": 1, "mage": 2})
    [problem] = load(path).problems
    assert problem.severity == "error" and "two byte-order marks" in problem.message


@pytest.mark.helm
def test_excessive_aliasing_is_helms_limit_not_ours(tmp_path):
    """The aliasing case expands to about 11,000 values, far below our own 250,000 limit."""
    from binderhub_doctor.documents import MAX_NODES

    text = dict((c[0], c[1]) for c in REFUSED_LIKE_HELM)["excessive-aliasing"]
    ok, error = helm_reads(3, write(tmp_path, text), tmp_path)
    assert "excessive aliasing" in error
    [problem] = load(tmp_path / "values.yaml").problems
    assert "excessive aliasing" in problem.message and MAX_NODES > 100_000


def test_a_tag_mismatch_is_a_lint_error_naming_the_line(tmp_path):
    from support.tools import cli_path

    path = write(tmp_path, "config:\n  BinderHub:\n    use_registry: !!bool 1\n")
    run = subprocess.run([str(cli_path()), "lint", "--format", "json", str(path)], capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 1, run.stderr
    [finding] = [f for f in json.loads(run.stdout)["findings"] if f["rule"] == "BHD001"]
    assert finding["line"] == 3 and "cannot decode !!int `1` as a !!bool" in finding["message"]


# --------------------------------------------------------------------------- a null subchart key

PARENT = FIXTURES / "null-subchart" / "parent"


def render(major: int, tmp_path: Path, *extra: str):
    values = tmp_path / "null.yaml"
    values.write_text("hub: null\n")
    return subprocess.run([str(helm_binary(major)), "template", "rel", str(PARENT), "-f", str(values), *extra],
                          env=isolated_helm_env(tmp_path), capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.helm
@pytest.mark.parametrize("major", [3, 4])
def test_a_null_subchart_key_keeps_the_subcharts_defaults_and_drops_the_parents(tmp_path, major):
    refused = render(major, tmp_path)
    assert refused.returncode == 1 and "at '/hub/services': missing property 'binder'" in refused.stderr
    rendered = render(major, tmp_path, "--skip-schema-validation")
    assert rendered.returncode == 0, rendered.stderr
    subchart = rendered.stdout.split("# Source: parent/charts/hub/templates/hub.json.yaml\n")[1].splitlines()[0]
    assert json.loads(subchart) == {"own": "the subchart's default", "services": {}}


def test_null_jupyterhub_is_bhd412_saying_what_helm_does(tmp_path):
    from binderhub_doctor.config import Config
    from binderhub_doctor.documents import Document, parse_text
    from binderhub_doctor.engine import lint
    from binderhub_doctor.ruleset import load_rules
    from binderhub_doctor.values import build_values

    doc = parse_text("jupyterhub: null\n", Document("config.yaml"))
    result = lint(build_values([doc]), load_rules([]), Config())
    [finding] = [f for f in result.findings if f.rule == "BHD412"]
    assert finding.severity == "error" and finding.line == 1
    assert "keeps the JupyterHub chart's own defaults" in finding.message
    assert "jupyterhub.hub.services.binder" in finding.message
