"""Rule files: the shipped ones are valid, and a broken rule in an organisation's folder stops
the run with exit 2 and one line naming the file, the rule and the field."""

from __future__ import annotations

import jsonschema
import pytest
import yaml

from binderhub_doctor import checks
from binderhub_doctor.ruleset import builtin_rules_dir, check_problem, load_rules, rule_schema
from support.tools import REPO_ROOT, invoke, run_cli

RULE = {"id": "ORG001", "name": "org-rule", "severity": "warning", "summary": "s", "why": "w", "fix": "f"}


def write_rule(folder, check: dict):
    folder.mkdir(exist_ok=True)
    (folder / "org.yaml").write_text(yaml.safe_dump({"rules": [{**RULE, "check": check}]}))
    return folder


@pytest.mark.parametrize("check, expected", [
    ({"kind": "agree", "path": "registry.url"}, "rule ORG001: check.other: missing; kind agree needs it"),
    ({"kind": "pattern", "match": "^https://"}, "rule ORG001: check.path: missing; kind pattern needs it"),
    ({"kind": "pattern", "path": "config.BinderHub.hub_url", "mach": "^https://"},
     "rule ORG001: check.mach: kind pattern has no parameter `mach`; did you mean `match`?"),
    ({"kind": "pattern", "path": "config.BinderHub.hub_url"},
     "rule ORG001: check: kind pattern needs `match` or `forbid`"),
    ({"kind": "pattern", "path": "config.BinderHub.hub_url", "match": "("},
     "rule ORG001: check.match: not a usable regular expression"),
    ({"kind": "builtin", "function": "traits.catalog"}, "rule ORG001: check.function: `traits.catalog` is not a builtin check"),
    ({"kind": "builtin", "function": "no_such_module.form"},
     "rule ORG001: check.function: `no_such_module.form` is not a builtin check"),
    ({"kind": "type", "path": "config.BinderHub.use_registry", "type": "str"}, "rule ORG001: check.type: 'str' is not one of"),
    ({"kind": "required", "path": "config.BinderHub.hub_url", "missing_severity": "fatal"},
     "rule ORG001: check.missing_severity: 'fatal' is not one of"),
    ({"kind": "schema", "schema": "not a schema"}, "rule ORG001: check.schema: 'not a schema' is not of type 'object'"),
])
def test_a_broken_check_names_the_file_the_rule_and_the_field(tmp_path, check, expected):
    folder = write_rule(tmp_path / "org-rules", check)
    run = invoke("lint", "--rules", folder, REPO_ROOT / "examples" / "gcr")
    assert run.returncode == 2, run.stdout
    assert run.stderr.startswith(f"binderhub-doctor: error: {folder / 'org.yaml'}: {expected}"), run.stderr
    assert run.stderr.count("\n") == 1 and run.stdout == ""


def test_a_pattern_in_re2_syntax_that_python_lacks_loads_and_runs(tmp_path):
    """Patterns run on RE2, so RE2 alone judges them: `\\pL` (a Unicode letter) is RE2, not Python."""
    folder = write_rule(tmp_path / "org-rules", {"kind": "pattern", "path": "config.BinderHub.image_prefix",
                                                  "forbid": "^\\pL+$", "message": "{path} is only letters"})
    values = tmp_path / "config.yaml"
    values.write_text("config:\n  BinderHub:\n    image_prefix: abc\n")
    run = invoke("lint", "--rules", folder, values)
    assert run.returncode == 1, run.stderr
    assert "config.BinderHub.image_prefix is only letters" in run.stdout


def test_an_unknown_kind_lists_the_kinds(tmp_path):
    folder = write_rule(tmp_path / "org-rules", {"kind": "regex", "path": "a"})
    run = invoke("rules", "--rules", folder)
    assert run.returncode == 2
    assert "check.kind: 'regex' is not one of ['across-sets', 'agree', 'builtin'" in run.stderr


def test_the_real_cli_refuses_a_broken_rule_in_one_line(tmp_path):
    folder = write_rule(tmp_path / "org-rules", {"kind": "agree", "path": "registry.url"})
    run = run_cli("lint", "--rules", folder, REPO_ROOT / "examples" / "gcr")
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"binderhub-doctor: error: {folder / 'org.yaml'}: rule ORG001: check.other: missing; kind agree needs it\n"


def test_a_valid_organisation_rule_runs(tmp_path):
    folder = write_rule(tmp_path / "org-rules", {"kind": "pattern", "path": "config.BinderHub.hub_url",
                                                 "match": "^https://", "message": "{path} must use https"})
    run = invoke("lint", "--rules", folder, "--select", "ORG001", REPO_ROOT / "examples" / "gcr")
    assert run.returncode == 0  # a warning
    assert "warning ORG001 config.BinderHub.hub_url must use https [org-rule]" in run.stdout


def test_shipped_rule_files_match_the_rule_schema():
    validator = jsonschema.Draft202012Validator(rule_schema(), format_checker=jsonschema.FormatChecker())
    for path in sorted(builtin_rules_dir().glob("*.yaml")):
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text())))
        assert not errors, f"{path.name}: {errors[0].message}"


@pytest.mark.parametrize("rule", load_rules(), ids=lambda rule: rule.id)
def test_every_shipped_check_passes_its_kinds_parameter_schema(rule):
    assert check_problem(rule.check, parameters=True) is None


def test_every_kind_declares_its_parameters():
    for name in checks.kind_names():
        kind = checks.KINDS[name]
        assert kind.params["properties"], name
        assert set(kind.params["required"]) <= set(kind.params["properties"]), name
        jsonschema.Draft202012Validator.check_schema(kind.schema())


@pytest.mark.parametrize("condition, expected", [
    ({"path": "config.BinderHub.use_registry", "equal": True},
     "field rules.0.when.0: Additional properties are not allowed ('equal' was unexpected)"),
    ({"path": "config.BinderHub.hub_url", "matches": "(https"}, "rule ORG001: when[0].matches: not a usable regular expression"),
])
def test_a_broken_condition_is_refused(tmp_path, condition, expected):
    folder = tmp_path / "org-rules"
    folder.mkdir()
    (folder / "org.yaml").write_text(yaml.safe_dump({"rules": [{
        **RULE, "check": {"kind": "required", "path": "config.BinderHub.hub_url"}, "when": [condition]}]}))
    run = invoke("rules", "--rules", folder)
    assert run.returncode == 2
    assert expected in run.stderr
