"""Every check kind a rule file can name, run through a rule of an organisation's own folder
(`--rules DIR`): what it reports, and what it leaves alone."""

from __future__ import annotations

import yaml

from binderhub_doctor import checks
from binderhub_doctor.engine import lint, lint_across
from binderhub_doctor.ruleset import check_problem, load_rules
from binderhub_doctor.values import load_values
from support.tools import values_of


def findings_of(tmp_path, check: dict, config: dict, secret: dict | None = None) -> list:
    """The findings of one rule ORG001 with ``check`` over these values files."""
    folder = tmp_path / "org-rules"
    folder.mkdir(exist_ok=True)
    rule = {"id": "ORG001", "name": "org-rule", "severity": "warning", "summary": "s", "why": "w",
            "fix": "the rule's fix", "check": check}
    (folder / "org.yaml").write_text(yaml.safe_dump({"rules": [rule]}))
    values = values_of(tmp_path, yaml.safe_dump(config), None if secret is None else yaml.safe_dump(secret))
    result = lint(values, load_rules([folder]), raise_errors=True)
    return [f for f in result.findings if f.rule == "ORG001"]


HUB = {"config": {"BinderHub": {"hub_url": "http://192.0.2.1", "image_prefix": "gcr.io/p/binder-"}}}


def test_pattern_match_and_forbid(tmp_path):
    match = {"kind": "pattern", "path": "config.BinderHub.hub_url", "match": "^https://", "message": "{path} is {value}"}
    [found] = findings_of(tmp_path, match, HUB)
    assert (found.path, found.message, found.line) == ("config.BinderHub.hub_url", 'config.BinderHub.hub_url is "http://192.0.2.1"', 3)
    assert findings_of(tmp_path, {**match, "match": "^http://"}, HUB) == []
    forbid = {"kind": "pattern", "path": "config.BinderHub.*", "forbid": "GCR", "ignore_case": True}
    assert [f.path for f in findings_of(tmp_path, forbid, HUB)] == ["config.BinderHub.image_prefix"]
    assert findings_of(tmp_path, {**forbid, "ignore_case": False}, HUB) == []


def test_type(tmp_path):
    check = {"kind": "type", "path": "config.BinderHub.use_registry", "type": "boolean"}
    [found] = findings_of(tmp_path, check, {"config": {"BinderHub": {"use_registry": "false"}}})
    assert "not a boolean; remove the quotes" in found.message
    assert findings_of(tmp_path, check, {"config": {"BinderHub": {"use_registry": False}}}) == []
    # `.inf` reaches the rules as its text (the loader reports the value itself): no crash, a type
    [infinite] = findings_of(tmp_path, {**check, "type": ["integer", "boolean"]},
                             {"config": {"BinderHub": {"use_registry": float("inf")}}})
    assert "is a string (\".inf\"), but must be an integer or boolean" in infinite.message


def test_required_is_a_warning_when_missing_and_the_given_severity_when_empty(tmp_path):
    check = {"kind": "required", "path": ["config.BinderHub.hub_url", "config.BinderHub.auth_enabled"],
             "present_severity": "error"}
    found = findings_of(tmp_path, check, {"config": {"BinderHub": {"hub_url": ""}}})
    assert {(f.path, f.severity) for f in found} == {("config.BinderHub.hub_url", "error"),
                                                    ("config.BinderHub.auth_enabled", "warning")}
    assert findings_of(tmp_path, {**check, "empty_is_missing": False},
                       {"config": {"BinderHub": {"hub_url": "", "auth_enabled": True}}}) == []


def test_forbidden(tmp_path):
    check = {"kind": "forbidden", "path": "config.BinderHub.image_prefix", "message": "{key} is not ours"}
    [found] = findings_of(tmp_path, check, HUB)
    assert found.message == "image_prefix is not ours"
    assert findings_of(tmp_path, {**check, "path": "config.BinderHub.nothing_here"}, HUB) == []


def test_placeholder_everywhere_or_at_paths_and_skipped_paths(tmp_path):
    values = {"config": {"BinderHub": {"hub_url": "http://<IP>", "image_prefix": "<project>/binder-"}}}
    assert {f.path for f in findings_of(tmp_path, {"kind": "placeholder"}, values)} == {
        "config.BinderHub.hub_url", "config.BinderHub.image_prefix"}
    only = {"kind": "placeholder", "path": "config.BinderHub.hub_url"}
    assert [f.path for f in findings_of(tmp_path, only, values)] == ["config.BinderHub.hub_url"]
    skip = {"kind": "placeholder", "skip": ["config.BinderHub"]}
    assert findings_of(tmp_path, skip, values) == []


def test_secret_location(tmp_path):
    check = {"kind": "secret-location", "path": "registry.password"}
    [found] = findings_of(tmp_path, check, {"registry": {"password": "hunter2-hunter2"}})
    assert "config.yaml, which is not the secret file" in found.message
    assert "hunter2" not in found.message
    assert findings_of(tmp_path, check, {"config": {}}, secret={"registry": {"password": "hunter2-hunter2"}}) == []


def test_agree_compares_hosts_urls_or_text(tmp_path):
    values = {"registry": {"url": "https://gcr.io/"}, "config": {"DockerRegistry": {"url": "https://GCR.io"}}}
    check = {"kind": "agree", "path": "registry.url", "other": "config.DockerRegistry.url", "compare": "host"}
    assert findings_of(tmp_path, check, values) == []
    [found] = findings_of(tmp_path, {**check, "compare": "text"}, values)
    assert found.message == 'registry.url ("https://gcr.io/") does not agree with config.DockerRegistry.url ("https://GCR.io")'
    assert findings_of(tmp_path, {**check, "compare": "url"}, {
        "registry": {"url": "https://r.example.org/"}, "config": {"DockerRegistry": {"url": "https://r.example.org"}}}) == []


def test_schema(tmp_path):
    check = {"kind": "schema", "path": "config.BinderHub",
             "schema": {"type": "object", "properties": {"hub_url": {"type": "string", "pattern": "^https://"}}}}
    [found] = findings_of(tmp_path, check, HUB)
    assert (found.path, found.message) == ("config.BinderHub.hub_url", "config.BinderHub.hub_url: must match ^https://")
    assert findings_of(tmp_path, {**check, "path": "config.Nothing"}, HUB) == []


def test_builtin(tmp_path):
    check = {"kind": "builtin", "function": "image_prefix.form"}
    [found] = findings_of(tmp_path, check, {"config": {"BinderHub": {"image_prefix": "https://gcr.io/p/binder-"}}})
    assert "starts with a URL scheme" in found.message


def test_document(tmp_path):
    check = {"kind": "document", "problem": "duplicate-key"}
    folder = tmp_path / "dup"
    folder.mkdir()
    (folder / "config.yaml").write_text("config:\n  BinderHub:\n    hub_url: a\n    hub_url: b\n")
    rules_dir = tmp_path / "org-rules"
    rules_dir.mkdir()
    (rules_dir / "org.yaml").write_text(yaml.safe_dump({"rules": [{
        "id": "ORG001", "name": "org-rule", "severity": "warning", "summary": "s", "why": "w", "fix": "f",
        "check": check}]}))
    rules = [r for r in load_rules([rules_dir]) if r.check.get("problem") != "duplicate-key" or r.id == "ORG001"]
    result = lint(load_values([folder / "config.yaml"]), rules, raise_errors=True)
    assert [(f.rule, f.line) for f in result.findings if f.rule == "ORG001"] == [("ORG001", 4)]


def test_across_sets(tmp_path):
    """Runs only over several values sets, reporting in the set a hit is about; a per-set builtin
    is not one (its arguments differ), so a rule naming it is refused."""
    check = {"kind": "across-sets", "function": "builder_dirs.shared_between_sets"}
    assert check_problem(check) is None
    assert "not a builtin check comparing values sets" in check_problem({**check, "function": "image_prefix.form"})
    rules_dir = tmp_path / "org-rules"
    rules_dir.mkdir()
    (rules_dir / "org.yaml").write_text(yaml.safe_dump({"rules": [{
        "id": "ORG001", "name": "org-rule", "severity": "warning", "summary": "s", "why": "w", "fix": "f",
        "check": check}]}))
    rules = load_rules([rules_dir])
    linted = []
    for name in ("prod", "staging"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.yaml").write_text("imageBuilderType: pink\n")
        values = load_values([tmp_path / name / "config.yaml"])
        linted.append((lint(values, rules, raise_errors=True), values))
    assert not [f for result, _ in linted for f in result.findings if f.rule == "ORG001"]  # one set: nothing
    lint_across(linted, rules, raise_errors=True)
    assert [[f.file for f in result.findings if f.rule == "ORG001"] for result, _ in linted] == \
        [[], [str(tmp_path / "staging" / "config.yaml")]]


def test_every_kind_has_a_test_here():
    tested = {"pattern", "type", "required", "forbidden", "placeholder", "secret-location", "agree", "schema",
              "builtin", "document", "across-sets"}
    assert set(checks.kind_names()) == tested


def test_every_builtin_is_used_by_a_shipped_rule():
    used = {r.check.get("function") for r in load_rules()}
    registered = set(checks.BUILTINS) | set(checks.SET_BUILTINS)
    assert sorted(registered - used) == [], "registered builtins no rule names: remove them"
