"""`lint --fix` and `lint --diff` (commands/fix.py, fixes.py): each fixable rule's fix, then a
re-lint without that rule's finding and without a new one; what a fix keeps byte for byte; the
diff that writes nothing and shows no secret."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from support.tools import EXAMPLES, copy_values, invoke

JSON_KEY_LINES = '''    {
      "type": "service_account",'''


@pytest.fixture(autouse=True)
def fresh_secret_registry():
    """Each test's runs know only their own secrets: the output sink's registry lives as long as
    the process, and a key pasted without `|` makes its project id a secret for the rest of it."""
    from binderhub_doctor.output import SECRETS

    SECRETS.__init__()


def mistake(folder: Path, example: str, changes: dict[str, dict[str, str]]) -> Path:
    """examples/``example`` copied into ``folder`` with ``changes`` ({file: {old: new}}) made."""
    copy_values(example, folder)
    for file, replacements in changes.items():
        text = (folder / file).read_text(encoding="utf-8")
        for old, new in replacements.items():
            assert text.count(old) == 1, f"`{old}` is not once in examples/{example}/{file}"
            text = text.replace(old, new)
        (folder / file).write_text(text, encoding="utf-8")
    return folder


# rule id -> (example, changes, the value expected at a path after the fix, or None)
FIXABLE = {
    "scheme": ("BHD201", "gcr", {"config.yaml": {"image_prefix: gcr.io/": "image_prefix: https://gcr.io/"}},
               ("config.BinderHub.image_prefix", "gcr.io/example-project-123/binder-")),
    # the old hint led from the scheme straight into BHD202; the fix goes to the end at once
    "scheme-and-no-dash": ("BHD201", "gcr", {"config.yaml": {"image_prefix: gcr.io/example-project-123/binder-":
                                                            "image_prefix: https://gcr.io/example-project-123/binder"}},
                           ("config.BinderHub.image_prefix", "gcr.io/example-project-123/binder-")),
    "upper-case": ("BHD201", "gcr", {"config.yaml": {"binder-\n": "Binder-\n"}},
                   ("config.BinderHub.image_prefix", "gcr.io/example-project-123/binder-")),
    "no-dash": ("BHD202", "gcr", {"config.yaml": {"binder-\n": "binder\n"}},
                ("config.BinderHub.image_prefix", "gcr.io/example-project-123/binder-")),
    "registry-url-scheme": ("BHD211", "gcr", {"secret.yaml": {"url: https://gcr.io": "url: gcr.io"}},
                            ("registry.url", "https://gcr.io")),
    "docker-hub-v1-slash": ("BHD211", "dockerhub", {"secret.yaml": {"  username: examplebot":
                                                                  "  url: https://index.docker.io/v1\n  username: examplebot"}},
                            ("registry.url", "https://index.docker.io/v1/")),
    "docker-hub-v1-bare": ("BHD211", "dockerhub", {"secret.yaml": {"  username: examplebot":
                                                                 "  url: index.docker.io/v1\n  username: examplebot"}},
                           ("registry.url", "https://index.docker.io/v1/")),
    "hub-url-scheme": ("BHD502", "gcr", {"config.yaml": {"hub_url: http://192.0.2.10": "hub_url: 192.0.2.10"}},
                       ("config.BinderHub.hub_url", "http://192.0.2.10")),
    "password-without-pipe": ("BHD103", "gcr", {"secret.yaml": {"  password: |\n": "  password:\n"}}, None),
    "password-misaligned": ("BHD001", "gcr", {"secret.yaml": {'      "client_id"': '  "client_id"'}}, None),
    "password-misaligned-first-line": ("BHD001", "gcr", {"secret.yaml": {JSON_KEY_LINES: '''    {
  "type": "service_account",'''}}, None),
    "deprecated-trait": ("BHD305", "gcr", {"config.yaml": {"    hub_url: http://192.0.2.10\n":
                                                          "    hub_url: http://192.0.2.10\n    build_image: quay.io/jupyterhub/repo2docker:2024.07.0\n"}},
                         ("config.KubernetesBuildExecutor.build_image", "quay.io/jupyterhub/repo2docker:2024.07.0")),
    "legacy-key-moved": ("BHD403", "gcr", {"config.yaml": {"    hub_url: http://192.0.2.10\n": "hub:\n  url: http://192.0.2.10\n"}},
                         ("config.BinderHub.hub_url", "http://192.0.2.10")),
    "legacy-key-in-secret-file": ("BHD403", "dockerhub", {"secret.yaml": {"  username: examplebot":
                                                                     "  authHost: https://index.docker.io/v1/\n  username: examplebot"}},
                                  ("registry.url", "https://index.docker.io/v1/")),
    "legacy-key-duplicate": ("BHD403", "gcr", {"config.yaml": {"    hub_url: http://192.0.2.10\n":
                                                              "    hub_url: http://192.0.2.10\nhub:\n  url: http://192.0.2.10\n"}},
                             ("config.BinderHub.hub_url", "http://192.0.2.10")),
}


# Rules whose hint names the one value to write: what precedes it in the hint.
VALUE_HINTS = {"BHD201": ": `", "BHD202": ": `", "BHD211": "`url: ", "BHD502": ": `"}


def lint_json(folder: Path, *args: str) -> tuple[int, dict]:
    run = invoke("lint", "--format", "json", *args, cwd=folder)
    assert run.returncode in (0, 1), run.stderr
    return run.returncode, json.loads(run.stdout)


def found(report: dict) -> set[tuple[str, str | None]]:
    return {(f["rule"], f["path"]) for f in report["findings"]}


def value_at(folder: Path, dotted: str):
    run = invoke("values", "--format", "json", "secret.yaml", "config.yaml", cwd=folder)
    assert run.returncode == 0, run.stderr
    node = json.loads(run.stdout)
    for part in dotted.split("."):
        node = node[part]
    return node


@pytest.mark.parametrize("case", list(FIXABLE))
def test_fix_removes_the_finding_and_adds_none(tmp_path, case):
    rule, example, changes, expected = FIXABLE[case]
    folder = mistake(tmp_path, example, changes)
    _, before = lint_json(folder)
    assert rule in {f["rule"] for f in before["findings"]}, before["findings"]
    if rule in VALUE_HINTS:  # the hint names the value the fix writes, so following it is as good
        hint = next(f["fix"] for f in before["findings"] if f["rule"] == rule)
        assert f"{VALUE_HINTS[rule]}{expected[1]}`" in hint, hint
    run = invoke("lint", "--fix", "--format", "json", cwd=folder)
    assert run.returncode in (0, 1), run.stderr
    assert re.search(rf"fixed {rule} ", run.stderr), run.stderr
    after = json.loads(run.stdout)
    assert rule not in {f["rule"] for f in after["findings"]}, after["findings"]
    assert found(after) <= found(before), f"new findings: {found(after) - found(before)}"
    assert found(lint_json(folder)[1]) == found(after)  # the report is the files' state
    if expected:
        assert value_at(folder, expected[0]) == expected[1]


@pytest.mark.parametrize("case", ["password-without-pipe", "password-misaligned", "password-misaligned-first-line"])
def test_json_key_rewrite_keeps_the_key_and_lines_it_up(tmp_path, case):
    _, example, changes, _ = FIXABLE[case]
    folder = mistake(tmp_path, example, changes)
    invoke("lint", "--fix", cwd=folder)
    assert (folder / "secret.yaml").read_text() == (EXAMPLES / "gcr" / "secret.yaml").read_text()


def test_second_fix_changes_nothing_and_says_so(tmp_path):
    folder = mistake(tmp_path, "gcr", {"config.yaml": {"image_prefix: gcr.io/": "image_prefix: https://gcr.io/"}})
    first = invoke("lint", "--fix", cwd=folder)
    assert "fixed BHD201" in first.stdout
    after_once = {p.name: p.read_bytes() for p in folder.iterdir()}
    second = invoke("lint", "--fix", cwd=folder)
    assert "fixed" not in second.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == after_once
    assert second.stdout == invoke("lint", cwd=folder).stdout


def test_fix_keeps_bom_crlf_comments_and_secret_permissions(tmp_path):
    folder = mistake(tmp_path, "gcr", FIXABLE["password-misaligned"][2])
    secret = folder / "secret.yaml"
    text = secret.read_text().replace("\n", "\r\n")
    secret.write_bytes(b"\xef\xbb\xbf" + text.encode())
    secret.chmod(0o600)
    config = folder / "config.yaml"
    config.write_text("# deploy notes\r\n" + config.read_text().replace("\n", "\r\n").replace(
        "image_prefix: gcr.io/example-project-123/binder-", "image_prefix: 'HTTPS://gcr.io/example-project-123/binder'  # push here"))
    run = invoke("lint", "--fix", cwd=folder)
    assert run.returncode == 0, run.stdout
    raw = secret.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw[3:].startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert raw.decode("utf-8-sig").replace("\r\n", "\n") == (EXAMPLES / "gcr" / "secret.yaml").read_text()
    assert "# The whole JSON key" in raw.decode()
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    assert config.read_bytes().decode() == (
        "# deploy notes\r\nconfig:\r\n  BinderHub:\r\n    use_registry: true\r\n"
        "    image_prefix: 'gcr.io/example-project-123/binder-'  # push here\r\n    hub_url: http://192.0.2.10\r\n")


CANARY = "CANARYc4n4ry5ecretv4lue0123456789"


def test_diff_writes_nothing_shows_the_change_and_no_secret(tmp_path):
    folder = mistake(tmp_path, "gcr", {"secret.yaml": {"  password: |\n": "  password:\n", "FAKEFAKEFAKE": CANARY,
                                                       "00000000feedface": CANARY},
                                       "config.yaml": {"image_prefix: gcr.io/": "image_prefix: https://gcr.io/"}})
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    run = invoke("lint", "--diff", cwd=folder)
    assert run.returncode == 1
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before
    # (the project id is masked too: with the `|` missing, every field of the key counts as secret)
    assert "-    image_prefix: https://gcr.io/" in run.stdout
    assert "+    image_prefix: gcr.io/" in run.stdout
    assert "-  password:\n+  password: |\n" in run.stdout
    assert CANARY not in run.stdout + run.stderr
    assert "FAKE" not in run.stdout and "BEGIN PRIVATE KEY" not in run.stdout
    assert "would fix 2 findings in 2 files" in run.stderr
    invoke("lint", "--fix", cwd=folder)
    clean = invoke("lint", "--diff", cwd=folder)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_fix_exit_code_is_lints_on_what_remains(tmp_path):
    folder = mistake(tmp_path, "gcr", {"config.yaml": {"image_prefix: gcr.io/": "image_prefix: https://gcr.io/",
                                                       "hub_url: http://192.0.2.10": "hub_url: binder.example.org"}})
    run = invoke("lint", "--fix", cwd=folder)
    assert run.returncode == 1  # hub_url's scheme is the user's call: http or https
    assert "fixed BHD201" in run.stdout and "BHD502" in run.stdout
    assert "hub_url: binder.example.org" in (folder / "config.yaml").read_text()


@pytest.mark.parametrize("changes", [
    # a moved setting whose new home is set to something else: which one is meant is unknown
    {"config.yaml": {"    hub_url: http://192.0.2.10\n": "    hub_url: http://192.0.2.10\nhub:\n  url: http://192.0.2.99\n"}},
    # a key with a missing comma has no single repair
    {"secret.yaml": {'"service_account",': '"service_account"'}},
    # an image_prefix without `/` could go to any registry
    {"config.yaml": {"image_prefix: gcr.io/example-project-123/binder-": "image_prefix: binder-"}},
])
def test_no_fix_without_exactly_one_result(tmp_path, changes):
    folder = mistake(tmp_path, "gcr", changes)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    run = invoke("lint", "--diff", cwd=folder)
    assert (run.returncode, run.stdout) == (0, "")
    invoke("lint", "--fix", cwd=folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_encrypted_files_are_never_edited(tmp_path):
    folder = mistake(tmp_path, "gcr", {"config.yaml": {"image_prefix: gcr.io/": "image_prefix: https://gcr.io/"}})
    crypt = b"\x00GITCRYPT\x00" + bytes(range(256))
    (folder / "secret.yaml").write_bytes(crypt)
    sops = folder / "values-sops.yaml"
    sops.write_text("registry:\n  url: ENC[AES256_GCM,data:abc=,iv:x=,tag:y=,type:str]\n"
                    "sops:\n  version: 3.8.1\n  mac: ENC[AES256_GCM,data:m=,iv:x=,tag:y=,type:str]\n")
    sops_before = sops.read_bytes()
    run = invoke("lint", "--fix", "secret.yaml", "config.yaml", "values-sops.yaml", cwd=folder)
    assert "fixed BHD201" in run.stdout
    assert (folder / "secret.yaml").read_bytes() == crypt
    assert sops.read_bytes() == sops_before


def test_rules_say_which_are_fixable():
    from binderhub_doctor.fixes import FIXERS
    from binderhub_doctor.ruleset import load_rules

    rules = load_rules()
    fixable = {r.id for r in rules if r.autofix}
    assert {"BHD001", "BHD103", "BHD201", "BHD202", "BHD211", "BHD305", "BHD403", "BHD502"} <= fixable
    assert all(r.autofix in FIXERS for r in rules if r.autofix)
    listed = json.loads(invoke("rules", "--format", "json").stdout)["rules"]
    assert {r["id"] for r in listed if r["fixable"]} == fixable
    assert "Fixable: yes" in invoke("explain", "BHD201").stdout
    assert "Fixable: no" in invoke("explain", "BHD104").stdout


def test_an_organisations_rule_naming_no_fixer_is_refused(tmp_path):
    org = tmp_path / "org"
    org.mkdir()
    (org / "org.yaml").write_text(
        "rules:\n  - id: ORG001\n    name: hub-url-https\n    severity: error\n    summary: s\n    why: w\n"
        "    fix: f\n    autofix: hub-urls\n"
        "    check: {kind: pattern, path: config.BinderHub.hub_url, match: '^https://', message: m}\n")
    run = invoke("rules", "--rules", str(org))
    assert run.returncode == 2
    assert "autofix: no fixer `hub-urls`; did you mean `hub-url`?" in run.stderr


def test_a_fix_that_another_rule_would_report_is_not_made(tmp_path):
    """Without its scheme, `https://gcr.io/binder` is `gcr.io/binder-`, which has no project level
    (BHD203): no single right answer, so the finding stays for the user."""
    folder = mistake(tmp_path, "gcr", {"config.yaml": {"image_prefix: gcr.io/example-project-123/binder-":
                                                       "image_prefix: https://gcr.io/binder"}})
    before = (folder / "config.yaml").read_bytes()
    run = invoke("lint", "--fix", cwd=folder)
    assert "BHD201" in run.stdout and "fixed" not in run.stdout
    assert (folder / "config.yaml").read_bytes() == before
    assert "gcr.io/binder-" not in run.stdout  # nor does the hint lead there
    assert "with the levels its registry needs" in run.stdout


def test_the_project_level_hint_keeps_the_trailing_dash(tmp_path):
    folder = mistake(tmp_path, "gcr", {"config.yaml": {"image_prefix: gcr.io/example-project-123/binder-":
                                                       "image_prefix: gcr.io/binder"}})
    _, report = lint_json(folder)
    hints = {f["rule"]: f["fix"] for f in report["findings"]}
    assert hints["BHD203"] == "Add a project level, e.g. `gcr.io/binder/binder-`."


def test_the_scheme_hint_leads_to_a_prefix_no_rule_reports(tmp_path):
    folder = mistake(tmp_path, "gcr", FIXABLE["scheme-and-no-dash"][2])
    _, report = lint_json(folder)
    hint = next(f["fix"] for f in report["findings"] if f["rule"] == "BHD201")
    assert hint == "Write it without the scheme: `gcr.io/example-project-123/binder-`."
    assert {f["rule"] for f in report["findings"]} & {"BHD202", "BHD203"} == set()


def test_diff_spells_out_control_characters(tmp_path):
    """The diff quotes the file's lines: a bidi override in a comment or a CRLF line ending must
    not reorder or rewrite what the terminal shows."""
    folder = mistake(tmp_path, "gcr", {"config.yaml": {"image_prefix: gcr.io/": "image_prefix: https://gcr.io/",
                                                       "  BinderHub:\n": "  BinderHub:  # \u202eevil\n"}})
    config = folder / "config.yaml"
    config.write_bytes(config.read_bytes().replace(b"\n", b"\r\n"))
    run = invoke("lint", "--diff", cwd=folder)
    assert run.returncode == 1
    assert "\r" not in run.stdout and "\u202e" not in run.stdout
    assert "  BinderHub:  # \\u202eevil\n" in run.stdout


def test_fix_under_a_meta_charts_values_key(tmp_path):
    """mybinder.org-deploy's layout: BinderHub's values under `binderhub:`; fixes land there."""
    (tmp_path / "config.yaml").write_text(
        "binderhub:\n  config:\n    BinderHub:\n      use_registry: true\n"
        "      image_prefix: HTTPS://gcr.io/example-project-123/binder\n      hub_url: 192.0.2.10\n"
        "      build_image: quay.io/jupyterhub/repo2docker:2024.07.0\n")
    run = invoke("lint", "--fix", "--values-key", "binderhub", "config.yaml", cwd=tmp_path)
    assert {"BHD201", "BHD305", "BHD502"} <= set(re.findall(r"fixed (BHD\d+)", run.stdout)), run.stdout
    assert (tmp_path / "config.yaml").read_text() == (
        "binderhub:\n  config:\n    BinderHub:\n      use_registry: true\n"
        "      image_prefix: gcr.io/example-project-123/binder-\n      hub_url: http://192.0.2.10\n"
        "    KubernetesBuildExecutor:\n      build_image: quay.io/jupyterhub/repo2docker:2024.07.0\n")


# examples/gcr with a scheme and another project: without the scheme, BHD205 reports the project
OTHER_PROJECT = {"config.yaml": {"image_prefix: gcr.io/example-project-123/binder-": "image_prefix: https://gcr.io/my-project/binder-"}}
NOT_FIXED = ("config.yaml:4: not fixed BHD201 [image-prefix-form] at config.BinderHub.image_prefix: the fixed value "
             "would be reported by BHD205 [image-prefix-gcr-project]; fix it by hand")


def test_a_withheld_fix_is_named_with_its_reason(tmp_path):
    folder = mistake(tmp_path, "gcr", {**OTHER_PROJECT, "secret.yaml": {"FAKEFAKEFAKE": CANARY}})
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    diff = invoke("lint", "--diff", cwd=folder)
    assert (diff.returncode, diff.stdout) == (0, "")
    assert diff.stderr == f"{NOT_FIXED}\nnothing to fix, 1 not fixed (fix it by hand)\n"
    fix = invoke("lint", "--fix", cwd=folder)
    assert fix.returncode == 1
    assert fix.stdout.startswith(f"{NOT_FIXED}\nfixed 0 findings, 1 not fixed (fix it by hand); what remains:\n")
    assert "error BHD201" in fix.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    as_json = invoke("lint", "--fix", "--format", "json", cwd=folder)
    assert NOT_FIXED in as_json.stderr and "not fixed" not in json.loads(as_json.stdout)["findings"][0]["message"]
    assert CANARY not in diff.stdout + diff.stderr + fix.stdout + fix.stderr + as_json.stdout + as_json.stderr
    both = invoke("lint", "--fix", "--diff", cwd=folder)  # --diff wins: it writes nothing
    assert both.stderr == diff.stderr and {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_withheld_fix_next_to_a_made_one(tmp_path):
    folder = mistake(tmp_path, "gcr", {"config.yaml": {**OTHER_PROJECT["config.yaml"],
                                                       "hub_url: http://192.0.2.10": "hub_url: 192.0.2.10"}})
    run = invoke("lint", "--fix", cwd=folder)
    assert "config.yaml:5: fixed BHD502 [hub-url-form]" in run.stdout
    assert NOT_FIXED in run.stdout and "fixed 1 finding, 1 not fixed (fix it by hand); what remains:" in run.stdout
    diff = invoke("lint", "--diff", cwd=folder)  # what is left: the withheld one alone
    assert diff.stderr.endswith("nothing to fix, 1 not fixed (fix it by hand)\n")


def test_the_hint_of_a_withheld_fix_does_not_propose_its_value(tmp_path):
    folder = mistake(tmp_path, "gcr", OTHER_PROJECT)
    plain = lint_json(folder)[1]["findings"]
    assert [f["rule"] for f in plain] == ["BHD201"]
    run = invoke("lint", "--fix", "--format", "json", cwd=folder)
    hint = json.loads(run.stdout)["findings"][0]["fix"]
    assert "gcr.io/my-project/binder-`" not in hint, hint
    assert hint.startswith("Use `<registry host>/<project>/<prefix>-`")  # the rule's general advice
    assert hint.endswith("Not fixed by --fix: the fixed value would be reported by BHD205 [image-prefix-gcr-project].")


def test_fix_refuses_standard_input_and_diff_reads_it_once(tmp_path):
    text = (EXAMPLES / "gcr" / "config.yaml").read_text().replace("image_prefix: gcr.io/", "image_prefix: https://gcr.io/")
    fix = invoke("lint", "--fix", "-", input=text, cwd=tmp_path)
    assert fix.returncode == 2 and fix.stdout == ""
    assert fix.stderr.count("\n") == 1 and "--fix has no file to write its fixes to" in fix.stderr
    diff = invoke("lint", "--diff", "-", input=text, cwd=tmp_path)
    assert diff.returncode == 1, diff.stderr
    assert diff.stdout.startswith("--- a/<stdin>\n+++ b/<stdin>\n")
    assert "+    image_prefix: gcr.io/example-project-123/binder-\n" in diff.stdout
    assert diff.stderr == "would fix 1 finding in 1 file\n"
    assert invoke("lint", "--fix", "--diff", "-", input=text, cwd=tmp_path).stdout == diff.stdout


def _two_deployments(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of examples/gcr: `a` with a scheme in image_prefix, `b` with hub_url a bare
    IP address (each fixable, each in one folder only)."""
    a = mistake(tmp_path / "a", "gcr", FIXABLE["scheme"][2])
    b = mistake(tmp_path / "b", "gcr", FIXABLE["hub-url-scheme"][2])
    return a, b


def test_fix_several_folders_fixes_each_and_reports_each(tmp_path):
    a, b = _two_deployments(tmp_path)
    run = invoke("lint", "--fix", "a", "b", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert "a/config.yaml:4: fixed BHD201 [image-prefix-form]" in run.stdout
    assert "b/config.yaml:5: fixed BHD502 [hub-url-form]" in run.stdout
    assert re.search(r"^a: ✓ no problems found in 2 files", run.stdout, re.M)
    assert re.search(r"^b: ✓ no problems found in 2 files", run.stdout, re.M)
    assert "image_prefix: gcr.io/example-project-123/binder-\n" in (a / "config.yaml").read_text()
    assert "hub_url: http://192.0.2.10\n" in (b / "config.yaml").read_text()


def test_fix_with_folder_sets(tmp_path):
    a, b = _two_deployments(tmp_path)
    run = invoke("lint", "--fix", "--folder-sets", "b/config.yaml", "a/config.yaml", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert {"BHD201", "BHD502"} <= set(re.findall(r"fixed (BHD\d+)", run.stdout))
    assert re.search(r"^a: ✓", run.stdout, re.M) and re.search(r"^b: ✓", run.stdout, re.M)
    assert invoke("lint", "--diff", "--folder-sets", "a/config.yaml", "b/config.yaml", cwd=tmp_path).stdout == ""


def test_fix_output_file_gets_the_report_and_stderr_the_fixes(tmp_path):
    folder = mistake(tmp_path, "gcr", {"config.yaml": {"image_prefix: gcr.io/": "image_prefix: https://gcr.io/",
                                                       "hub_url: http://192.0.2.10": "hub_url: binder.example.org"}})
    run = invoke("lint", "--fix", "--output", "report.json", "--format", "json", "secret.yaml", "config.yaml", cwd=folder)
    assert run.returncode == 1  # the hub_url that remains
    assert run.stdout == ""
    assert run.stderr.splitlines() == ["config.yaml:4: fixed BHD201 [image-prefix-form] at config.BinderHub.image_prefix",
                                       "fixed 1 finding; what remains:"]
    report = json.loads((folder / "report.json").read_text())
    assert [f["rule"] for f in report["findings"]] == ["BHD502"]


@pytest.mark.parametrize(("changes", "concern"), [
    (OTHER_PROJECT, "; the key in registry.password belongs to project `example-project-123`, so use that project "
                    "unless its service account may push to `my-project`."),
    ({"config.yaml": {"image_prefix: gcr.io/": "image_prefix: https://eu.gcr.io/"}},
     "; it then pushes to `eu.gcr.io`, but registry.url (the registry the credentials are for) is `gcr.io`: "
     "make the two agree."),
])
def test_the_scheme_hint_says_what_the_other_rule_would_report(tmp_path, changes, concern):
    """Plain `lint`: a scheme hides the prefix from the rules comparing it with the credentials,
    so the hint that removes the scheme says what they would then report."""
    folder = mistake(tmp_path, "gcr", changes)
    hint = next(f["fix"] for f in lint_json(folder)[1]["findings"] if f["rule"] == "BHD201")
    assert hint.startswith("Write it without the scheme: `") and hint.endswith(concern), hint


@pytest.mark.parametrize(("hub_url", "example"), [
    ("binder.example.org", "http://binder.example.org"),  # the host name's letters are kept
    ("htp://binder.example.org", "http://binder.example.org"),
    ("//binder.example.org/", "http://binder.example.org/"),
])
def test_the_hub_url_hint_keeps_the_host(tmp_path, hub_url, example):
    folder = mistake(tmp_path, "gcr", {"config.yaml": {"hub_url: http://192.0.2.10": f"hub_url: {hub_url}"}})
    hint = next(f["fix"] for f in lint_json(folder)[1]["findings"] if f["rule"] == "BHD502")
    assert hint == f"Write the full URL, e.g. `{example}`.", hint
