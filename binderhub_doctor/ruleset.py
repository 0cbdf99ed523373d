"""Rule files: `rules/*.yaml` shipped with the tool, plus any `--rules DIR` an organisation adds.

The shipped files are validated against `data/rule-schema.json` by the test suite; extra rule
folders are validated when they are loaded (that needs jsonschema, imported only then).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import checks, data_files
from .paths import closest

DOCS_BASE = "https://github.com/binderhub-doctor/binderhub-doctor/blob/main/docs/rules.md"


class RuleFileError(Exception):
    """A rule file that cannot be used; the message names the file and the field."""


@dataclass
class Rule:
    id: str
    name: str
    severity: str
    summary: str
    why: str
    fix: str
    check: dict
    docs: str | None = None
    charts: dict | None = None
    when: list = field(default_factory=list)
    examples: dict = field(default_factory=dict)
    source: str = ""
    topic: str = ""
    autofix: str | None = None  # the fixer `lint --fix` applies (fixes.FIXERS)

    @property
    def url(self) -> str:
        """This rule's section of docs/rules.md, which links on to `docs` (the upstream reference)."""
        return f"{DOCS_BASE}#{self.id.lower()}-{self.name}"

    def summary_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "severity": self.severity, "summary": self.summary,
                "topic": self.topic, "url": self.url, "fixable": self.autofix is not None}


def builtin_rules_dir() -> Path:
    """`rules/` of a checkout, or the copy installed as package data."""
    installed = Path(__file__).resolve().parent / "rules"
    if installed.is_dir():
        return installed
    # An editable install or a plain checkout: the repository's top-level rules/.
    return Path(__file__).resolve().parent.parent / "rules"


def load_rules(extra_dirs: list[str | Path] = ()) -> list[Rule]:
    rules: list[Rule] = []
    for path in sorted(builtin_rules_dir().glob("*.yaml")):
        rules.extend(_rules_from_file(path, validate=False))
    for folder in extra_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            raise RuleFileError(f"{folder}: rule folder not found (given with --rules or in the config file)")
        files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
        if not files:
            raise RuleFileError(f"{folder}: no rule files (*.yaml) in this folder")
        for path in files:
            rules.extend(_rules_from_file(path, validate=True))
    _check_unique(rules)
    return rules


def _rules_from_file(path: Path, validate: bool) -> list[Rule]:
    try:
        data = data_files.load_yaml(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"{path}: cannot read rule file: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise RuleFileError(f"{path}{where}: rule file is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if validate:
        validate_rule_file(data, path)
    elif not isinstance(data, dict):
        raise RuleFileError(f"{path}: a rule file must be a mapping with a `rules:` list")
    rules = []
    for item in data.get("rules", []):
        check = item["check"]
        problem = check_problem(check, parameters=validate)
        if problem:
            raise RuleFileError(f"{path}: rule {item['id']}: {problem}")
        if validate:
            _check_patterns(item, path)
            _check_fixer(item, path)
        rules.append(Rule(
            id=item["id"], name=item["name"], severity=item["severity"], summary=item["summary"],
            why=item["why"], fix=item["fix"], check=check, docs=item.get("docs"),
            charts=item.get("charts"), when=item.get("when", []), examples=item.get("examples", {}),
            source=str(path), topic=data.get("topic", path.stem), autofix=item.get("autofix"),
        ))
    return rules


def _check_fixer(item: dict, path: Path) -> None:
    if "autofix" not in item:
        return
    from .fixes import FIXERS

    if item["autofix"] not in FIXERS:
        guess = closest(item["autofix"], list(FIXERS))
        hint = f"; did you mean `{guess}`?" if guess else f"; the fixers are {', '.join(sorted(FIXERS))}"
        raise RuleFileError(f"{path}: rule {item['id']}: autofix: no fixer `{item['autofix']}`{hint}")


def _check_patterns(item: dict, path: Path) -> None:
    """An organisation's patterns compile now, so that a broken one stops the run with its rule
    and field named, instead of crashing the rule on the first value it meets."""
    check = item["check"]
    fields = [(f"check.{key}", check[key], bool(check.get("ignore_case"))) for key in ("match", "forbid")
              if key in check]
    if check["kind"] == "pattern" and not fields:
        raise RuleFileError(f"{path}: rule {item['id']}: a pattern check needs `match` or `forbid`")
    fields += [(f"when[{i}].matches", c["matches"], False) for i, c in enumerate(item.get("when", []))
               if "matches" in c]
    if not fields:
        return
    from .checks.rule_regex import RuleRegexError, compile_rule_regex

    for where, pattern, ignore_case in fields:
        try:
            compile_rule_regex(pattern, ignore_case)
        except RuleRegexError as exc:
            raise RuleFileError(f"{path}: rule {item['id']}: {where}: not a usable regular "
                                f"expression: {exc}") from None


def rule_schema() -> dict:
    """The schema of a rule file; the check kinds come from the kinds registered in `checks`."""
    schema = json.loads((Path(__file__).parent / "data" / "rule-schema.json").read_text())
    check = schema["properties"]["rules"]["items"]["properties"]["check"]
    check["properties"]["kind"] = {"enum": checks.kind_names()}
    return schema


def validate_rule_file(data, path: Path) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(rule_schema(), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise RuleFileError(f"{path}: field {where}: {error.message}")


def check_problem(check: dict, parameters: bool = True) -> str | None:
    """What is wrong with a rule's `check:` mapping, naming the field; None when it is usable.
    The kind and a builtin's name are always checked; with ``parameters``, also the parameters
    against the kind's schema (that needs jsonschema: the shipped rules are checked by the tests)."""
    kind = checks.kind_of(check)
    if kind is None:
        return f"check.kind: unknown check kind `{check.get('kind')}` (one of: {', '.join(checks.kind_names())})"
    registry = {checks.BUILTIN_KIND: checks.BUILTINS, checks.SETS_KIND: checks.SET_BUILTINS}.get(kind.name)
    if registry is not None and check.get("function") not in registry:
        if "function" not in check:
            return f"check.function: missing; kind {kind.name} names its check as `function: MODULE.FUNCTION`"
        what = "builtin check" if kind.name == checks.BUILTIN_KIND else "builtin check comparing values sets"
        return f"check.function: `{check['function']}` is not a {what}"
    if not parameters:
        return None
    import jsonschema

    validator = jsonschema.Draft202012Validator(kind.schema(), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(check), key=lambda e: (list(e.absolute_path), e.message))
    return _describe_parameter_error(kind, errors[0]) if errors else None


def _describe_parameter_error(kind: checks.CheckKind, error) -> str:
    declared = list(kind.params["properties"])
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return f"check.{missing}: missing; kind {kind.name} needs it"
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - {"kind", *declared})[0]
        guess = closest(unknown, declared)
        hint = f"did you mean `{guess}`?" if guess else f"it takes {', '.join(declared)}"
        return f"check.{unknown}: kind {kind.name} has no parameter `{unknown}`; {hint}"
    if error.validator == "anyOf" and not error.absolute_path:
        needed = " or ".join(f"`{option['required'][0]}`" for option in error.validator_value)
        return f"check: kind {kind.name} needs {needed}"
    if error.context:  # one of several forms: say what is wrong with the closest one
        from jsonschema.exceptions import best_match

        error = best_match(error.context)
    field_name = ".".join(str(p) for p in error.absolute_path)
    return f"check.{field_name}: {error.message}"


def _check_unique(rules: list[Rule]) -> None:
    seen: dict[str, Rule] = {}
    for rule in rules:
        for key in (rule.id, rule.name):
            if key in seen:
                raise RuleFileError(
                    f"{rule.source}: rule {rule.id} reuses `{key}`, already used by {seen[key].id} in {seen[key].source}")
            seen[key] = rule


def find_rule(rules: list[Rule], key: str) -> Rule | None:
    key = key.strip()
    for rule in rules:
        if key.upper() == rule.id or key.lower() == rule.name:
            return rule
    return None
