"""`binderhub-doctor lint` as a user runs it: formats, exit codes, file arguments, options."""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap

import jsonschema
import pytest

from support.tools import EXAMPLES, REPO_ROOT, SHARED, copy_values, invoke, needs_shared

REPORT_SCHEMA = json.loads((REPO_ROOT / "binderhub_doctor" / "data" / "report-schema.json").read_text())
# No maintained Python package ships the SARIF 2.1.0 schema (sarif-om and sarif-tools do not).
SARIF_SCHEMA = SHARED / "reference" / "sarif-schema-2.1.0.json"


def env(**extra):
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")}
    return {**base, **extra}


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def broken_pair(tmp_path):
    return copy_values("gcr-prefix-with-scheme", tmp_path)


# --- formats -----------------------------------------------------------------------------

def test_json_output_follows_the_documented_contract(tmp_path):
    run = invoke("lint", "--format", "json", str(broken_pair(tmp_path)))
    assert run.returncode == 1
    report = json.loads(run.stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    finding = next(f for f in report["findings"] if f["rule"] == "BHD201")
    assert finding["path"] == "config.BinderHub.image_prefix"
    assert finding["file"].endswith("config.yaml") and finding["line"] == 4 and finding["column"] == 5
    assert finding["severity"] == "error" and finding["fix"] and finding["url"].startswith("https://")
    assert report["summary"]["errors"] == sum(f["severity"] == "error" for f in report["findings"])


@needs_shared("reference/sarif-schema-2.1.0.json", "the SARIF 2.1.0 schema, which no maintained package ships")
@pytest.mark.parametrize("case", ["gcr-prefix-with-scheme", "gcr-tab-indent", "gcr", "gcr-password-bad-json"])
def test_sarif_output_validates_against_the_sarif_schema(tmp_path, case):
    folder = copy_values(case, tmp_path)
    run = invoke("lint", "--format", "sarif", str(folder))
    log = json.loads(run.stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    ids = {rule["id"] for rule in driver["rules"]}
    assert {"BHD001", "BHD201"} <= ids
    assert all(rule["helpUri"].startswith("https://") for rule in driver["rules"])
    for result in log["runs"][0]["results"]:
        assert result["ruleId"] in ids
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1


def test_github_format_writes_workflow_commands(tmp_path):
    run = invoke("lint", "--format", "github", str(broken_pair(tmp_path)))
    assert run.returncode == 1
    line = next(text for text in run.stdout.splitlines() if "BHD201" in text)
    assert line.startswith("::error file=")
    assert ",line=4,col=5," in line
    assert "::image_prefix" in line


def test_text_format_shows_location_rule_message_fix_and_summary(tmp_path):
    run = invoke("lint", str(broken_pair(tmp_path)), env=env(NO_COLOR="1"))
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    hit = next(i for i, text in enumerate(lines) if "BHD201" in text)
    assert lines[hit].startswith(f"{tmp_path}/config.yaml:4:5: error BHD201 ")
    assert lines[hit + 1].strip().startswith("fix: ")
    assert "1 error" in lines[-1] and " in 2 files, chart " in lines[-1] and lines[-1].endswith("(the newest known)")
    assert "\x1b[" not in run.stdout


def test_colour_only_when_asked_and_no_color_wins(tmp_path):
    coloured = invoke("lint", str(broken_pair(tmp_path)), env=env(FORCE_COLOR="1"))
    assert "\x1b[31merror" in coloured.stdout
    plain = invoke("lint", str(tmp_path), env=env(FORCE_COLOR="1", NO_COLOR="1"))
    assert "\x1b[" not in plain.stdout


def test_output_file_is_written_and_stdout_stays_empty(tmp_path):
    out = tmp_path / "report.sarif"
    run = invoke("lint", "--format", "sarif", "--output", str(out), str(broken_pair(tmp_path)))
    assert run.returncode == 1 and run.stdout == ""
    assert json.loads(out.read_text())["version"] == "2.1.0"


# --- exit codes ----------------------------------------------------------------------------

def test_clean_examples_exit_0():
    for folder in ("gcr", "dockerhub", "acr", "custom"):
        run = invoke("lint", str(EXAMPLES / folder))
        assert run.returncode == 0, run.stdout
        assert "no problems found" in run.stdout


def test_warnings_pass_unless_strict():
    folder = EXAMPLES / "needs-attention"
    assert invoke("lint", str(folder)).returncode == 0
    assert invoke("lint", "--strict", str(folder)).returncode == 1


@pytest.mark.parametrize("args, message", [
    (["lint", "no-such-file.yaml"], "no-such-file.yaml: file not found"),
    (["lint", "--format", "xml", "x.yaml"], "Invalid value for '--format'"),
    (["lint", "--chart-version", "banana", str(EXAMPLES / "gcr")], "is not a BinderHub chart version"),
    (["lint", "--config", "missing.yaml", str(EXAMPLES / "gcr")], "config file not found"),
    (["explain", "BHD999"], "no rule `BHD999`"),
])
def test_unusable_input_exits_2_with_one_clear_line(args, message):
    run = invoke(*args)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_broken_rule_file_exits_2_naming_file_and_field(tmp_path):
    rules = tmp_path / "org-rules"
    rules.mkdir()
    write(rules, "mine.yaml", """\
        rules:
          - id: ORG001
            name: my-rule
            severity: fatal
            summary: s
            why: w
            fix: f
            check: {kind: pattern, path: config.BinderHub.hub_url, match: "^https://"}
        """)
    run = invoke("lint", "--rules", str(rules), str(EXAMPLES / "gcr"))
    assert run.returncode == 2
    assert "mine.yaml: field rules.0.severity" in run.stderr


def test_directory_and_fifo_and_unreadable_files(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no values files in this folder" in invoke("lint", str(empty)).stderr
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    run = invoke("lint", str(fifo))
    assert run.returncode == 2 and "not a regular file" in run.stderr


# --- inputs --------------------------------------------------------------------------------

def test_no_arguments_lints_secret_and_config_here(tmp_path):
    broken_pair(tmp_path)
    run = invoke("lint", "--format", "json", cwd=tmp_path)
    report = json.loads(run.stdout)
    assert report["summary"]["files"] == ["secret.yaml", "config.yaml"]
    assert run.returncode == 1


def test_no_arguments_and_no_files_says_what_to_do(tmp_path):
    run = invoke("lint", cwd=tmp_path)
    assert run.returncode == 2
    assert "no secret.yaml or config.yaml" in run.stderr


def test_meta_chart_values_key_detected_and_forced(tmp_path):
    meta = write(tmp_path, "values.yaml", """\
        binderhubEnabled: true
        binderhub:
          config:
            BinderHub:
              image_prefix: https://gcr.io/p/binder-
        """)
    report = json.loads(invoke("lint", "--format", "json", str(meta)).stdout)
    assert report["summary"]["values_key"] == "binderhub"
    assert any(f["path"] == "binderhub.config.BinderHub.image_prefix" and f["rule"] == "BHD201" for f in report["findings"])
    plain = json.loads(invoke("lint", "--format", "json", "--no-values-key", str(meta)).stdout)
    assert plain["summary"]["values_key"] is None
    assert not any(f["rule"] == "BHD201" for f in plain["findings"])


def test_merged_values_point_into_the_file_that_set_them(tmp_path):
    write(tmp_path, "secret.yaml", "config:\n  BinderHub:\n    image_prefix: https://gcr.io/p/x-\n")
    write(tmp_path, "config.yaml", "config:\n  BinderHub:\n    hub_url: http://192.0.2.1\n")
    report = json.loads(invoke("lint", "--format", "json", str(tmp_path)).stdout)
    finding = next(f for f in report["findings"] if f["rule"] == "BHD201")
    assert finding["file"].endswith("secret.yaml") and finding["line"] == 3
    # a later file wins: config.yaml now fixes the prefix
    write(tmp_path, "config.yaml", "config:\n  BinderHub:\n    image_prefix: gcr.io/p/binder-\n")
    report = json.loads(invoke("lint", "--format", "json", str(tmp_path)).stdout)
    assert not any(f["rule"] == "BHD201" for f in report["findings"])


def test_git_crypt_encrypted_file_is_skipped_not_failed(tmp_path):
    (tmp_path / "secret.yaml").write_bytes(b"\x00GITCRYPT\x00" + bytes(range(256)))
    shutil.copy(EXAMPLES / "gcr" / "config.yaml", tmp_path / "config.yaml")
    run = invoke("lint", str(tmp_path))
    assert "secret.yaml: skipped: encrypted (git-crypt)" in run.stdout
    assert run.returncode == 0


# --- suppressions and configuration ---------------------------------------------------------

def test_suppression_comments_on_the_line_above_and_for_the_file(tmp_path):
    write(tmp_path, "config.yaml", """\
        config:
          BinderHub:
            # binderhub-doctor: disable=BHD202
            image_prefix: examplebot/binder-prod
            hub_url: http://192.0.2.10  # binderhub-doctor: disable=hub-url-form
        """)
    report = json.loads(invoke("lint", "--format", "json", str(tmp_path / "config.yaml")).stdout)
    rules = {f["rule"] for f in report["findings"]}
    assert "BHD202" not in rules
    unused = [f for f in report["findings"] if f["name"] == "unused-suppression"]
    assert len(unused) == 1 and unused[0]["line"] == 5 and "hub-url-form" in unused[0]["message"]


def test_disable_file_suppression(tmp_path):
    write(tmp_path, "config.yaml", """\
        # binderhub-doctor: disable-file=BHD202,BHD505
        config:
          BinderHub:
            image_prefix: examplebot/binder-prod
        """)
    report = json.loads(invoke("lint", "--format", "json", str(tmp_path / "config.yaml")).stdout)
    assert not {"BHD202", "BHD505", "BHD008"} & {f["rule"] for f in report["findings"]}


def test_config_file_found_upwards_ignores_and_overrides(tmp_path):
    project = tmp_path / "deploy"
    project.mkdir()
    broken_pair(project)
    write(tmp_path, ".binderhub-doctor.yaml", """\
        ignore: [BHD505]
        severity: {BHD201: warning}
        """)
    report = json.loads(invoke("lint", "--format", "json", cwd=project).stdout)
    rules = {f["rule"]: f for f in report["findings"]}
    assert "BHD505" not in rules
    assert rules["BHD201"]["severity"] == "warning"


def test_per_file_ignores_and_select(tmp_path):
    broken_pair(tmp_path)
    write(tmp_path, "cfg.yaml", 'per-file-ignores: {"config.yaml": [BHD201]}\n')
    report = json.loads(invoke("lint", "--format", "json", "--config", str(tmp_path / "cfg.yaml"), str(tmp_path)).stdout)
    assert "BHD201" not in {f["rule"] for f in report["findings"]}
    selected = json.loads(invoke("lint", "--format", "json", "--select", "BHD2", str(tmp_path)).stdout)
    assert selected["findings"] and all(f["rule"].startswith("BHD2") for f in selected["findings"])


def test_org_rules_folder_adds_rules(tmp_path):
    rules = tmp_path / "org-rules"
    rules.mkdir()
    write(rules, "https.yaml", """\
        rules:
          - id: ORG001
            name: hub-url-https
            severity: error
            summary: Our hubs are served over https.
            why: Policy.
            fix: Use https.
            check: {kind: pattern, path: config.BinderHub.hub_url, match: "^https://", message: "{path} must use https"}
        """)
    run = invoke("lint", "--format", "json", "--rules", str(rules), str(EXAMPLES / "gcr"))
    findings = json.loads(run.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["ORG001"]
    assert findings[0]["message"] == "config.BinderHub.hub_url must use https"
    assert run.returncode == 1


# --- rules and explain ---------------------------------------------------------------------

def test_rules_lists_every_rule_and_json_has_ids():
    text = invoke("rules").stdout
    data = json.loads(invoke("rules", "--format", "json").stdout)
    assert len(data["rules"]) == len(text.strip().splitlines())
    assert {"BHD001", "BHD201", "BHD501"} <= {r["id"] for r in data["rules"]}


def test_explain_by_name_shows_examples():
    run = invoke("explain", "image-prefix-form")
    assert run.returncode == 0
    assert run.stdout.startswith("BHD201 image-prefix-form (error)")
    assert "Reported at config.yaml:3:5:" in run.stdout and "Not reported:" in run.stdout


def test_explain_suggests_close_names():
    run = invoke("explain", "image-prefix-from")
    assert run.returncode == 2 and "did you mean image-prefix-form" in run.stderr


# --- offline and light -----------------------------------------------------------------------

def test_lint_imports_no_network_library_and_opens_no_socket():
    script = textwrap.dedent(f"""\
        import socket, sys
        def refuse(*a, **k):
            raise AssertionError("lint opened a socket")
        socket.socket = refuse
        socket.create_connection = refuse
        from binderhub_doctor.cli import main
        try:
            main(["lint", "--format", "json", {str(EXAMPLES / "gcr")!r}])
        except SystemExit as exc:
            code = exc.code
        heavy = sorted(m for m in ("requests", "docker", "urllib3", "jsonschema") if m in sys.modules)
        print("EXIT", code, "HEAVY", heavy, file=sys.stderr)
        """)
    import subprocess

    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "EXIT 0 HEAVY []" in run.stderr, run.stderr


def test_folder_sets_lint_each_folder_together_secret_first(tmp_path):
    clean, broken = tmp_path / "clean", tmp_path / "broken"
    clean.mkdir()
    broken.mkdir()
    shutil.copy(EXAMPLES / "gcr" / "secret.yaml", clean / "secret.yaml")
    shutil.copy(EXAMPLES / "gcr" / "config.yaml", clean / "config.yaml")
    broken_pair(broken)
    # only config.yaml files named, in pre-commit's alphabetical order
    run = invoke("lint", "--format", "json", "--folder-sets", str(broken / "config.yaml"), str(clean / "config.yaml"))
    report = json.loads(run.stdout)
    assert report["summary"]["files"] == [str(broken / "secret.yaml"), str(broken / "config.yaml"),
                                          str(clean / "secret.yaml"), str(clean / "config.yaml")]
    assert {f["file"] for f in report["findings"] if f["severity"] == "error"} == {str(broken / "config.yaml")}
    # without the secret file, the clean folder would miss its registry password
    alone = json.loads(invoke("lint", "--format", "json", str(clean / "config.yaml")).stdout)
    assert "registry-credentials-missing" in {f["name"] for f in alone["findings"]}
    assert "registry-credentials-missing" not in {f["name"] for f in report["findings"]}


def test_process_substitution_is_read_like_helm_reads_it(tmp_path):
    # `lint <(sops -d secret.enc.yaml) config.yaml`: the shell passes a /dev/fd pipe
    import subprocess

    from support.tools import cli_path

    script = f'{cli_path()} lint --format json <(cat {EXAMPLES}/gcr/secret.yaml) {EXAMPLES}/gcr/config.yaml'
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    report = json.loads(run.stdout)
    assert report["summary"]["files"][0].startswith("/dev/fd/")
    assert report["findings"] == []  # the pipe is the (decrypted) secret file: no "secret outside" warnings


@pytest.mark.parametrize("command", ["lint", "values", "check-registry", "check-github", "check-gitlab", "doctor"])
def test_every_command_states_the_same_secret_file_and_chart_version_defaults(command):
    """The files are loaded the same way for every command (inputs.py, chart_pin.py); a --help
    that tells an older story (doctor's said the chart was always the newest) misleads."""
    done = invoke(command, "--help")
    text = " ".join(done.stdout.split())
    assert "(default: files named *secret*.yaml or under secrets/)" in text
    if "--chart-version" in text:
        assert "chart-version of the config file, else the binderhub chart a Chart.yaml or requirements.yaml " \
               "beside the values pins, else the newest known" in text
