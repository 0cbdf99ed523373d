"""CI integration: the GitHub Actions workflow example, the GitHub output format picked under
Actions, the pre-commit hook manifest and the documented .pre-commit-config.yaml snippet."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.tools import REPO_ROOT, copy_values, invoke

WORKFLOW = REPO_ROOT / "examples" / "github-workflow.yaml"
HOOKS_MANIFEST = REPO_ROOT / ".pre-commit-hooks.yaml"
CI_DOCS = [REPO_ROOT / "docs" / "ci.md", REPO_ROOT / "README.md"]


class ActionsYamlLoader(yaml.SafeLoader):
    """Reads YAML as GitHub Actions does (YAML 1.2 booleans): PyYAML's YAML 1.1 defaults turn
    the `on:` key into True."""


ActionsYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ActionsYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load_workflow() -> dict:
    return yaml.load(WORKFLOW.read_text(), Loader=ActionsYamlLoader)


def all_steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job["steps"]:
            yield job_id, job, step


def lint_steps(workflow: dict, fmt: str):
    return [step for _, _, step in all_steps(workflow)
            if "run" in step and "binderhub-doctor lint" in step["run"] and f"--format {fmt}" in step["run"]]


def env_without_actions() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}


# --- the workflow example ---------------------------------------------------------------------

def test_workflow_has_the_keys_actions_needs():
    workflow = load_workflow()

    assert isinstance(workflow.get("name"), str)
    assert set(workflow["on"]) >= {"push", "pull_request"}
    assert workflow["jobs"], "no jobs"
    for job_id, job in workflow["jobs"].items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", job_id), job_id
        assert isinstance(job["runs-on"], str) and job["runs-on"]
        assert isinstance(job["steps"], list) and job["steps"]
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"a step needs exactly one of uses/run: {step}"
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", step["uses"]), step["uses"]


def test_workflow_uploads_the_sarif_file_the_lint_writes():
    workflow = load_workflow()
    (sarif_step,) = lint_steps(workflow, "sarif")
    output = shlex.split(sarif_step["run"])
    written = output[output.index("--output") + 1]

    uploads = [(job, step) for _, job, step in all_steps(workflow)
               if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert len(uploads) == 1
    job, upload = uploads[0]
    assert upload["with"]["sarif_file"] == written
    permissions = {**workflow.get("permissions", {}), **job.get("permissions", {})}
    assert permissions.get("security-events") == "write"
    # The upload must also run when the lint found errors (its step failed): that is when the
    # alerts matter.
    for step in (sarif_step, upload):
        assert re.search(r"!cancelled\(\)|always\(\)", step.get("if", "")), step
    steps = job["steps"]
    assert steps.index(sarif_step) < steps.index(upload)


def test_workflow_installs_the_tool_before_linting():
    workflow = load_workflow()
    for job_id, job, step in all_steps(workflow):
        if "run" in step and "binderhub-doctor lint" in step["run"]:
            earlier = job["steps"][:job["steps"].index(step)]
            assert any("pip install" in s.get("run", "") and "binderhub-doctor" in s.get("run", "")
                       for s in earlier), f"job {job_id} lints before installing binderhub-doctor"
            assert any(s.get("uses", "").startswith("actions/checkout@") for s in earlier)


def workflow_command(step: dict, workflow: dict) -> list[str]:
    """The step's `run` line as argv, with the workflow's env variables filled in."""
    text = step["run"]
    for name, value in workflow.get("env", {}).items():
        text = text.replace(f"${name}", str(value)).replace(f"${{{name}}}", str(value))
    argv = shlex.split(text)
    assert argv[0] == "binderhub-doctor" and "$" not in text, text
    return argv[1:]


def test_workflow_lint_commands_work_on_a_values_set(tmp_path):
    """Run the workflow's own command lines: the SARIF step writes SARIF 2.1.0 with the finding,
    the annotation step writes ::error lines; both fail (exit 1) on the broken values."""
    workflow = load_workflow()
    folder = copy_values("gcr-prefix-with-scheme", tmp_path)
    (sarif_step,) = lint_steps(workflow, "sarif")
    (github_step,) = lint_steps(workflow, "github")

    sarif_run = invoke(*workflow_command(sarif_step, workflow), cwd=folder, env=env_without_actions())
    github_run = invoke(*workflow_command(github_step, workflow), cwd=folder, env=env_without_actions())

    assert sarif_run.returncode == 1, sarif_run.stderr
    sarif = json.loads((folder / "binderhub-doctor.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert any(r["level"] == "error"
               and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "config.yaml"
               for r in results), results
    assert github_run.returncode == 1, github_run.stderr
    assert re.search(r"^::error file=config\.yaml,line=\d+,col=\d+", github_run.stdout, re.MULTILINE)


# --- --format github under GitHub Actions -----------------------------------------------------

def error_findings(folder: Path) -> list[dict]:
    done = invoke("lint", "--format", "json", "secret.yaml", "config.yaml", cwd=folder, env=env_without_actions())
    errors = [f for f in json.loads(done.stdout)["findings"] if f["severity"] == "error"]
    assert errors, "the test case should have error findings"
    return errors


@pytest.mark.parametrize("case", ["gcr-prefix-with-scheme", "gcr-password-missing-pipe"])
def test_github_actions_env_picks_github_format(tmp_path, case):
    folder = copy_values(case, tmp_path)
    errors = error_findings(folder)

    done = invoke("lint", "secret.yaml", "config.yaml", cwd=folder,
                   env={**env_without_actions(), "GITHUB_ACTIONS": "true"})

    assert done.returncode == 1, done.stderr
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    for finding in errors:
        prefix = f"::error file={finding['file']},line={finding['line']},col={finding['column']},"
        assert any(line.startswith(prefix) and f"title={finding['rule']} " in line for line in annotations), \
            f"{prefix} ({finding['rule']}) not in:\n{done.stdout}"
    assert not re.search(r"^\S+:\d+:\d+: error ", done.stdout, re.MULTILINE), "text-format lines in github output"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_explicit_format_wins_over_github_actions(tmp_path, fmt):
    folder = copy_values("gcr-prefix-with-scheme", tmp_path)
    (first_error, *_) = error_findings(folder)

    done = invoke("lint", "--format", fmt, "secret.yaml", "config.yaml", cwd=folder,
                   env={**env_without_actions(), "GITHUB_ACTIONS": "true"})

    assert done.returncode == 1, done.stderr
    assert "::error" not in done.stdout
    if fmt == "text":
        location = f"{first_error['file']}:{first_error['line']}:{first_error['column']}: error {first_error['rule']}"
        assert location in done.stdout
    elif fmt == "json":
        assert json.loads(done.stdout)["findings"]
    else:
        assert json.loads(done.stdout)["version"] == "2.1.0"


@pytest.mark.parametrize("value", [None, "false", "1", ""])
def test_text_format_outside_github_actions(tmp_path, value):
    folder = copy_values("gcr-prefix-with-scheme", tmp_path)
    env = env_without_actions()
    if value is not None:
        env["GITHUB_ACTIONS"] = value

    done = invoke("lint", "secret.yaml", "config.yaml", cwd=folder, env=env)

    assert done.returncode == 1, done.stderr
    assert "::error" not in done.stdout
    assert re.search(r"^config\.yaml:\d+:\d+: error ", done.stdout, re.MULTILINE), done.stdout


# --- the pre-commit hook manifest and the documented config -----------------------------------

def load_hooks() -> dict[str, dict]:
    hooks = yaml.safe_load(HOOKS_MANIFEST.read_text())
    assert isinstance(hooks, list)
    return {hook["id"]: hook for hook in hooks}


def test_hooks_manifest_declares_both_hooks():
    hooks = load_hooks()
    assert set(hooks) == {"binderhub-doctor-lint", "binderhub-doctor-check-registry"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        assert hook.get("pass_filenames", True) is True
        assert hook["require_serial"] is True  # one invocation: the files form one values set

    lint = hooks["binderhub-doctor-lint"]
    assert shlex.split(lint["entry"]) == ["binderhub-doctor", "lint", "--folder-sets"]
    assert "stages" not in lint  # runs at commit time
    probe = hooks["binderhub-doctor-check-registry"]
    assert shlex.split(probe["entry"]) == ["binderhub-doctor", "check-registry"]
    assert probe["stages"] == ["manual"]  # network: only when asked for


@pytest.mark.parametrize("path, matches", [
    ("secret.yaml", True), ("config.yaml", True), ("values.yaml", True), ("config.yml", True),
    ("secret-staging.yaml", True), ("config-prod.yaml", True), ("values.prod.yaml", True),
    ("deploy/staging/secret.yaml", True), ("secrets/config/prod.yaml", False),
    (".pre-commit-config.yaml", False), ("notes.yaml", False), ("myconfig.yaml", False),
    ("chart/templates/deployment.yaml", False), ("config.json", False), ("config.yaml.bak", False),
])
def test_lint_hook_default_files_pattern(path, matches):
    pattern = re.compile(load_hooks()["binderhub-doctor-lint"]["files"])
    assert bool(pattern.search(path)) is matches  # pre-commit applies `files` with re.search


def test_hook_entries_are_commands_of_the_installed_cli():
    for hook in load_hooks().values():
        done = invoke(*shlex.split(hook["entry"])[1:], "--help", env=env_without_actions())
        assert done.returncode == 0, f"{hook['entry']} --help: {done.stderr}"
        assert "[FILES]..." in done.stdout  # pass_filenames: the command takes the files


def test_pre_commit_accepts_the_hooks_manifest():
    pre_commit = Path(sys.executable).parent / "pre-commit"
    assert pre_commit.exists(), f"{pre_commit} not found; pre-commit is in the [test] extra"
    done = subprocess.run([str(pre_commit), "validate-manifest", str(HOOKS_MANIFEST)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def documented_pre_commit_configs() -> list[dict]:
    configs = []
    for doc in CI_DOCS:
        if doc.exists():
            for block in re.findall(r"```yaml\n(.*?)```", doc.read_text(), re.DOTALL):
                data = yaml.safe_load(block)
                if isinstance(data, dict) and "repos" in data:
                    configs.append(data)
    return configs


def test_documented_pre_commit_config_uses_the_hooks_and_skips_the_probe_on_pre_commit_ci():
    configs = documented_pre_commit_configs()
    assert configs, f"no .pre-commit-config.yaml snippet in {[str(d) for d in CI_DOCS]}"
    hook_ids = set(load_hooks())
    for config in configs:
        (repo,) = [r for r in config["repos"] if "binderhub-doctor" in r["repo"]]
        assert re.fullmatch(r"v\d+\.\d+\.\d+|main", repo["rev"]), repo["rev"]
        used = {hook["id"] for hook in repo["hooks"]}
        assert used <= hook_ids and "binderhub-doctor-lint" in used
        assert "binderhub-doctor-check-registry" in config["ci"]["skip"]


def test_documented_rev_is_the_newest_release_or_main_before_the_first():
    """A `rev` that names no tag fails `pre-commit install`: the snippet pins the newest release
    in CHANGELOG.md, or `main` (to be frozen to a commit) while there is none."""
    from support.tools import released_versions

    released = released_versions()
    expected = f"v{released[0]}" if released else "main"
    for config in documented_pre_commit_configs():
        (repo,) = [r for r in config["repos"] if "binderhub-doctor" in r["repo"]]
        assert repo["rev"] == expected
