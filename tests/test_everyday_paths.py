"""Everyday paths that used to surprise (issue 16): several deployments at once, typos in rule
selectors, standard input, the counts in the summary, `helm binder` alone, and hints that name
the command the way the user ran it."""

from __future__ import annotations

import json
import os
import shutil

import jsonschema
import pytest

from support.tools import EXAMPLES, REPO_ROOT, copy_values, invoke

REPORT_SCHEMA = json.loads((REPO_ROOT / "binderhub_doctor" / "data" / "report-schema.json").read_text())


def env(**extra):
    base = {k: v for k, v in os.environ.items()
            if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "BINDERHUB_DOCTOR_PROG")}
    return {**base, **extra}


def two_deployments(tmp_path):
    """staging has a mistake prod does not have: merged, prod's image_prefix would hide it."""
    staging = copy_values("gcr-prefix-with-scheme", tmp_path / "two" / "staging")
    prod = copy_values("gcr", tmp_path / "two" / "prod")
    return staging, prod


# --- several folders are several deployments ---------------------------------------------------

def test_several_folders_are_linted_each_as_its_own_deployment(tmp_path):
    staging, prod = two_deployments(tmp_path)
    run = invoke("lint", "-q", staging, prod, env=env())
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert any(f"{staging}/config.yaml:4:5: error BHD201" in line for line in lines)
    assert f"{staging}: 1 error in 2 files, chart " in "\n".join(lines)
    assert any(line.startswith(f"{prod}: ✓ no problems found in 2 files") for line in lines)
    assert lines[-1] == "1 error in 2 deployments (4 files)"


def test_several_deployments_in_json_keep_the_contract_and_add_sets(tmp_path):
    staging, prod = two_deployments(tmp_path)
    report = json.loads(invoke("lint", "--format", "json", staging, prod, env=env()).stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    summary = report["summary"]
    assert summary["errors"] == 1 and len(summary["files"]) == 4
    assert [(s["folder"], s["errors"], len(s["files"])) for s in summary["sets"]] == [
        (str(staging), 1, 2), (str(prod), 0, 2)]
    one = json.loads(invoke("lint", "--format", "json", staging, env=env()).stdout)
    assert "sets" not in one["summary"]  # one deployment: the report is exactly as before


def test_files_named_one_by_one_still_merge_as_one_helm_chain(tmp_path):
    staging, prod = two_deployments(tmp_path)
    run = invoke("lint", "--format", "json", staging / "config.yaml", prod / "config.yaml", env=env())
    report = json.loads(run.stdout)
    assert "sets" not in report["summary"]
    assert not any(f["rule"] == "BHD201" for f in report["findings"])  # prod's prefix wins, as in helm -f -f


def test_folders_and_files_mixed_are_refused_in_one_line(tmp_path):
    staging, prod = two_deployments(tmp_path)
    run = invoke("lint", staging, prod, prod / "config.yaml", env=env())
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "either folders" in run.stderr


# --- rule selectors that name no rule ----------------------------------------------------------

@pytest.mark.parametrize("option, value, guess", [
    ("--select", "nonsense", "`binderhub-doctor rules` lists them"),
    ("--ignore", "BHD2O2", "did you mean BHD202?"),  # the letter O
    ("--ignore", "image-prefix-from", "did you mean image-prefix-form?"),
])
def test_an_unknown_rule_on_the_command_line_is_a_usage_error(tmp_path, option, value, guess):
    folder = copy_values("gcr", tmp_path)
    run = invoke("lint", option, value, folder, env=env())
    assert run.returncode == 2 and run.stdout == ""
    assert f"{option}: no rule has the id, id prefix or name `{value}`" in run.stderr
    assert guess in run.stderr and run.stderr.count("\n") == 1


@pytest.mark.parametrize("setting, guess", [
    ("ignore: [BHD2O2]", "ignore: no rule has the id, id prefix or name `BHD2O2`; did you mean BHD202?"),
    ("select: [image-prefx-form]", "select: no rule has the id, id prefix or name `image-prefx-form`"),
    ("severity: {BHD2: error}", "severity: no rule has the id or name `BHD2`"),
    ("per-file-ignores: {'*.yaml': [BHD9]}", "no rule has the id, id prefix or name `BHD9`"),
])
def test_an_unknown_rule_in_the_config_file_is_a_usage_error(tmp_path, setting, guess):
    folder = copy_values("gcr", tmp_path / "deploy")
    (tmp_path / ".binderhub-doctor.yaml").write_text(setting + "\n")
    run = invoke("lint", folder, env=env(), cwd=tmp_path)
    assert run.returncode == 2 and run.stdout == ""
    assert ".binderhub-doctor.yaml: " in run.stderr and guess in run.stderr


def test_known_prefixes_and_names_still_pass(tmp_path):
    folder = copy_values("gcr-prefix-with-scheme", tmp_path)
    run = invoke("lint", "--ignore", "bhd2,hub-url-missing", "--select", "BHD", folder, env=env())
    assert run.returncode == 0, run.stderr


# --- files: standard input, an unwritable report, a folder without values files ----------------

def test_dash_reads_the_values_from_standard_input(tmp_path):
    folder = copy_values("gcr-prefix-with-scheme", tmp_path)
    secret = (folder / "secret.yaml").read_text()
    run = invoke("lint", "--format", "json", "-", folder / "config.yaml", input=secret, env=env())
    report = json.loads(run.stdout)
    assert report["summary"]["files"] == ["<stdin>", str(folder / "config.yaml")]
    assert any(f["rule"] == "BHD201" for f in report["findings"])
    # standard input is decrypted input, never the committed file: credentials there are fine
    assert not any(f["rule"] == "BHD106" for f in report["findings"])
    committed = tmp_path / "elsewhere" / "values.yaml"
    committed.parent.mkdir()
    committed.write_text(secret)
    as_file = json.loads(invoke("lint", "--format", "json", committed, folder / "config.yaml", env=env()).stdout)
    assert any(f["rule"] == "BHD106" for f in as_file["findings"])  # the same values in a committed file
    merged = invoke("lint", "--format", "json", folder, env=env())
    assert {f["rule"] for f in report["findings"]} == {f["rule"] for f in json.loads(merged.stdout)["findings"]}


def test_dash_twice_is_a_usage_error(tmp_path):
    run = invoke("lint", "-", "-", input="a: 1\n", env=env())
    assert run.returncode == 2 and "can be given only once" in run.stderr


def test_output_into_a_missing_folder_says_it_cannot_write(tmp_path):
    folder = copy_values("gcr", tmp_path)
    run = invoke("lint", "--output", tmp_path / "nonexistent" / "dir" / "x.json", folder, env=env())
    assert run.returncode == 2 and run.stdout == ""
    assert "x.json: cannot write" in run.stderr and "internal error" not in run.stderr


def test_a_folder_without_values_files_names_the_patterns_readme_names(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    run = invoke("lint", tmp_path, env=env())
    assert run.returncode == 2
    readme = (REPO_ROOT / "README.md").read_text()
    for pattern in ("*secret*.yaml", "config*.yaml", "values*.yaml"):
        assert pattern in run.stderr and pattern in readme


# --- the summary -------------------------------------------------------------------------------

def test_summary_counts_infos_in_the_plural():
    from binderhub_doctor import reporters
    from binderhub_doctor.engine import LintResult
    from binderhub_doctor.findings import Finding

    infos = [Finding(rule="BHD505", name="github-token-missing", severity="info", file="config.yaml", line=n,
                     column=1, path=None, message="no token") for n in (1, 2)]
    text = reporters.render("text", LintResult(findings=infos, files=["config.yaml"]), [], {})
    assert text.splitlines()[-1] == "2 infos in 1 file"
    one = reporters.render("text", LintResult(findings=infos[:1], files=["config.yaml"]), [], {})
    assert one.splitlines()[-1] == "1 info in 1 file"


def test_a_file_skipped_whole_is_not_counted_as_linted(tmp_path):
    (tmp_path / "secret.yaml").write_bytes(b"\x00GITCRYPT\x00" + bytes(range(256)))
    shutil.copy(EXAMPLES / "gcr" / "config.yaml", tmp_path / "config.yaml")
    last = invoke("lint", tmp_path, env=env()).stdout.splitlines()[-1]
    assert " in 1 file (1 more skipped), chart " in last, last


def test_an_empty_hub_url_is_one_finding(tmp_path):
    folder = copy_values("gcr", tmp_path)
    config = folder / "config.yaml"
    text = config.read_text()
    start = text.index("hub_url:")
    config.write_text(text[:start] + "hub_url:\n" + text[text.index("\n", start) + 1:])
    line = config.read_text().splitlines().index("    hub_url:") + 1
    report = json.loads(invoke("lint", "--format", "json", folder, env=env()).stdout)
    there = [f["rule"] for f in report["findings"] if f["line"] == line]
    assert there == ["BHD303"], there


# --- commands as the user ran them ---------------------------------------------------------------

def test_the_program_alone_prints_help_and_exits_0():
    run = invoke(env=env(BINDERHUB_DOCTOR_PROG="helm binder"))
    assert run.returncode == 0 and run.stderr == ""
    assert run.stdout.startswith("Usage: helm binder [OPTIONS] COMMAND [ARGS]...")
    assert run.stdout == invoke("--help", env=env(BINDERHUB_DOCTOR_PROG="helm binder")).stdout
    assert "\\n" not in run.stdout and "lint" in run.stdout


@pytest.mark.parametrize("prog", ["helm binder", None])
def test_fix_hints_name_the_command_as_the_user_ran_it(tmp_path, prog):
    folder = copy_values("gcr", tmp_path)
    config = folder / "config.yaml"
    config.write_text("\n".join(line for line in config.read_text().splitlines() if "hub_url:" not in line) + "\n")
    extra = {"BINDERHUB_DOCTOR_PROG": prog} if prog else {}
    report = json.loads(invoke("lint", "--format", "json", folder, env=env(**extra)).stdout)
    fix = next(f["fix"] for f in report["findings"] if f["rule"] == "BHD501")
    expected = "helm binder connect" if prog else "binderhub-doctor connect"
    other = "binderhub-doctor connect" if prog else "helm binder connect"
    assert f"`{expected} <release>`" in fix and other not in fix


def test_rules_are_listed_by_id():
    lines = invoke("rules", env=env()).stdout.splitlines()
    ids = [line.split()[0] for line in lines]
    assert len(ids) > 50 and ids == sorted(ids)
    listed = [rule["id"] for rule in json.loads(invoke("rules", "--format", "json", env=env()).stdout)["rules"]]
    assert listed == sorted(listed)


# --- the same everywhere ---------------------------------------------------------------------

COMMANDS = ["lint", "values", "rules", "explain", "check-registry", "check-github", "check-gitlab", "doctor",
            "install", "upgrade", "connect", "init"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_no_color(command):
    run = invoke(command, "--no-color", "--help", env=env())
    assert run.returncode == 0 and "--no-color" in run.stdout


def test_no_color_on_a_command_is_honoured_for_that_run_only(tmp_path):
    folder = copy_values("gcr-prefix-with-scheme", tmp_path)
    coloured = invoke("lint", folder, env=env(FORCE_COLOR="1"))
    assert "\033[" in coloured.stdout
    assert "\033[" not in invoke("lint", "--no-color", folder, env=env(FORCE_COLOR="1")).stdout
    assert "\033[" not in invoke("lint", folder, env=env(FORCE_COLOR="1", NO_COLOR="1")).stdout
    assert "\033[" in invoke("lint", folder, env=env(FORCE_COLOR="1")).stdout


def test_check_gitlab_without_a_gitlab_provider_says_skipped(tmp_path):
    folder = copy_values("gcr", tmp_path)
    run = invoke("check-gitlab", folder, env=env())
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "- GitLab: skipped: no GitLab provider configured"
    assert "all checks passed" not in run.stdout


def test_doctor_counts_infos_in_the_plural(tmp_path):
    from binderhub_doctor.commands.doctor import lint_section
    from binderhub_doctor.engine import LintResult
    from binderhub_doctor.findings import Finding

    infos = [Finding(rule="BHD505", name="github-token-missing", severity="info", file="config.yaml", line=n,
                     column=1, path=None, message="no token") for n in (1, 2)]
    assert lint_section(LintResult(findings=infos, files=["config.yaml"])).summary == "2 infos in 1 file"


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o nosort -F"), ("zsh", "compdef"),
                                           ("fish", "complete --no-files --command binderhub-doctor")])
def test_shell_completion_scripts_as_readme_shows_them(shell, marker):
    run = invoke(env=env(_BINDERHUB_DOCTOR_COMPLETE=f"{shell}_source"))
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert marker in run.stdout


def test_shell_completion_completes_commands_and_options():
    run = invoke(env=env(_BINDERHUB_DOCTOR_COMPLETE="bash_complete", COMP_WORDS="binderhub-doctor lint --sel",
                         COMP_CWORD="2"))
    assert run.stdout.split() == ["plain,--select"]
    run = invoke(env=env(_BINDERHUB_DOCTOR_COMPLETE="bash_complete", COMP_WORDS="binderhub-doctor che",
                         COMP_CWORD="1"))
    assert run.stdout.split() == ["plain,check-github", "plain,check-gitlab", "plain,check-registry"]


def test_standard_input_has_no_folder_for_folder_sets():
    run = invoke("lint", "--folder-sets", "-", input="a: 1\n", env=env())
    assert run.returncode == 2 and "belongs to no folder" in run.stderr


def test_folder_sets_take_folders_and_files_mixed(tmp_path):
    staging, prod = two_deployments(tmp_path)
    run = invoke("lint", "--folder-sets", "--format", "json", staging, prod / "config.yaml", env=env())
    sets = json.loads(run.stdout)["summary"]["sets"]
    assert [(s["folder"], len(s["files"])) for s in sets] == [(str(staging), 2), (str(prod), 2)]


def test_a_probe_that_refuses_its_input_prints_nothing_on_stdout(tmp_path):
    values = tmp_path / "config.yaml"
    values.write_text("config:\n  GitHubRepoProvider:\n    api_base_path: http://ghe.example.org/api/v3\n")
    run = invoke("check-github", values, env=env())
    assert run.returncode == 2 and run.stdout == ""
    assert "plain http to another machine" in run.stderr and run.stderr.count("\n") == 1
