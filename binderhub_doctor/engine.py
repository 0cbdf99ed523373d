"""Runs the rules over loaded values and turns what they find into Findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import chart_pin, chart_versions, checks
from .chart_pin import ChartChoice
from .checks.base import Context, Hit, conditions_hold
from .config import Config
from .documents import Position
from .findings import Finding
from .invocation import as_invoked
from .ruleset import Rule
from .suppressions import Suppressions
from .values import Values

UNUSED_SUPPRESSION = "unused-suppression"
SOPS_NOTE = "encrypted (SOPS): its keys were checked, its encrypted values could not be"


class InternalError(Exception):
    """A check crashed: a bug in binderhub-doctor, never the user's fault."""

    def __init__(self, rule: Rule, original: BaseException):
        super().__init__(f"rule {rule.id} ({rule.name}) failed with {type(original).__name__}")
        self.rule = rule
        self.original = original


@dataclass
class LintResult:
    findings: list[Finding]
    files: list[str]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    unread: list[str] = field(default_factory=list)  # files skipped whole (git-crypt): not linted at all
    # Several deployments linted in one run (one folder each): (folder, its own result). Empty for one.
    sets: list[tuple[str, LintResult]] = field(default_factory=list)
    values_key: str | None = None
    chart: ChartChoice | None = None  # the chart version linted against, and where it came from

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def lint(values: Values, rules: list[Rule], config: Config | None = None,
         chart_version: str | None = None, raise_errors: bool = False, chart: ChartChoice | None = None) -> LintResult:
    """``chart``: the version chosen by chart_pin.choose; ``chart_version`` is the short form for
    callers that only have a version (the values' own pins are then not looked at)."""
    config = config or Config()
    if chart is None:
        chart = chart_pin.choose(chart_version, config)
    context = _context(chart)
    suppressions = Suppressions.scan(values.documents)
    findings = _Findings(values, config, suppressions)
    for rule, hit in _document_hits(values, rules):
        findings.add(rule, hit)
    for rule in rules:
        if not _runs(rule, values, config, context):
            continue
        try:
            for hit in checks.resolve(rule.check)(values, rule.check, context) or ():
                findings.add(rule, hit)
        except Exception as exc:  # a bug in a check must not hide the other findings
            if raise_errors:
                raise InternalError(rule, exc) from exc
            findings.add(rule, _crash(exc))
    for rule, hit in _unused_suppression_hits(rules, config, suppressions):
        findings.add(rule, hit)

    return LintResult(
        findings=findings.unique(),
        files=[d.file for d in values.documents],
        skipped=[(d.file, d.skipped or SOPS_NOTE) for d in values.documents if d.skipped or d.encrypted],
        unread=[d.file for d in values.documents if d.skipped],
        values_key=".".join(values.prefix) or None,
        chart=chart,
    )


def _crash(exc: Exception) -> Hit:
    return Hit(None, f"internal error: this rule crashed ({type(exc).__name__}); please report it", severity="error",
               fix="Rerun with BINDERHUB_DOCTOR_DEBUG=1 for details, or --ignore this rule for now.")


def _context(chart: ChartChoice) -> Context:
    return Context(chart_version=chart.version)


def lint_across(linted: list[tuple[LintResult, Values]], rules: list[Rule], config: Config | None = None,
                raise_errors: bool = False) -> None:
    """Run the rules that compare values sets linted together (`lint --folder-sets`, several
    folders) and add each finding to the result of the set it is about."""
    config = config or Config()
    sets = [(values, _context(result.chart or chart_pin.choose(None, config))) for result, values in linted]
    for rule in rules:
        if rule.check["kind"] != checks.SETS_KIND or not config.enabled(rule):
            continue
        try:
            hits = list(checks.resolve(rule.check)(sets, rule.check) or ())
        except Exception as exc:  # a bug in a check must not hide the other findings
            if raise_errors:
                raise InternalError(rule, exc) from exc
            hits = [(len(linted) - 1, _crash(exc))]  # reported with the last set
        for index, hit in hits:
            result, values = linted[index]
            findings = _Findings(values, config, Suppressions.scan(values.documents))
            findings.add(rule, hit)
            result.findings = sorted([*result.findings, *findings.found], key=Finding.sort_key)


class _Findings:
    """Turns the hits of rules into findings, leaving out what the configuration or a suppression
    comment turns off."""

    def __init__(self, values: Values, config: Config, suppressions: Suppressions):
        self.values = values
        self.config = config
        self.suppressions = suppressions
        self.found: list[Finding] = []

    def add(self, rule: Rule, hit: Hit) -> None:
        values, config = self.values, self.config
        if not config.enabled(rule):
            return
        if hit.path is not None and not values.has(hit.path) and values.unsettled(hit.path):
            return  # an encrypted or unreadable file may well hold what looks missing
        position = hit.position or (values.origin(hit.path) if hit.path is not None else None)
        if position is None and hit.path is not None:
            position = default_position(values)
        severity = config.severity_override(rule) or hit.severity or rule.severity
        finding = Finding(
            rule=rule.id, name=rule.name, severity=severity,
            file=position.file if position else None,
            line=position.line if position else None,
            column=position.column if position else None,
            path=values.display_path(hit.path) if hit.path is not None else None,
            message=as_invoked(hit.message), fix=as_invoked((hit.fix or rule.fix or "").strip() or None), url=rule.url,
        )
        if config.ignored_in_file(rule, finding.file) or self.suppressions.suppresses(finding, rule):
            return
        self.found.append(finding)

    def unique(self) -> list[Finding]:
        """In report order, each finding once (two rules' hits can meet at one place)."""
        unique = {(f.rule, f.file, f.line, f.column, f.path, f.message): f for f in self.found}
        return sorted(unique.values(), key=Finding.sort_key)


def _document_hits(values: Values, rules: list[Rule]):
    """(rule, hit) for what went wrong while reading the files, each under the rule for its problem."""
    by_problem = {r.check.get("problem"): r for r in rules if r.check["kind"] == checks.DOCUMENT_KIND}
    prefix = values.prefix
    for doc in values.documents:
        for problem in doc.problems:
            rule = by_problem.get(problem.rule) or by_problem["yaml-syntax"]
            path = problem.path[len(prefix):] if problem.path and problem.path[:len(prefix)] == prefix else None
            yield rule, Hit(path, problem.message, severity=problem.severity, position=problem.position,
                            fix=problem.hint)


def _runs(rule: Rule, values: Values, config: Config, context: Context) -> bool:
    """Whether a rule's check runs: enabled, meant for this chart version, its `when` met."""
    if rule.check["kind"] in (checks.DOCUMENT_KIND, checks.SETS_KIND) or not config.enabled(rule):
        return False
    return chart_versions.applies(rule.charts, context.chart_key) and conditions_hold(values, rule.when)


def _unused_suppression_hits(rules: list[Rule], config: Config, suppressions: Suppressions):
    unused_rule = next((r for r in rules if r.name == UNUSED_SUPPRESSION), None)
    if unused_rule is None or not config.enabled(unused_rule):
        return
    known = {r.id for r in rules} | {r.name for r in rules}
    # a rule comparing values sets runs after each set's lint (lint_across): its suppressions
    # cannot be judged here
    across = {key for r in rules if r.check["kind"] == checks.SETS_KIND for key in (r.id, r.name)}
    for item in suppressions.unused():
        if item.rule in across:
            continue
        what = "is not a rule" if item.rule not in known else "suppresses nothing here"
        yield unused_rule, Hit(None, f"suppression of `{item.rule}` {what}; remove the comment",
                               position=_position(item))


def default_position(values: Values):
    """Where a finding about a missing value points: the top of the last file (usually
    config.yaml, where such settings belong), so every finding has a place in CI annotations."""
    for doc in reversed(values.documents):
        if not doc.skipped:
            return Position(doc.file, 1, 1)
    return None


def _position(item):
    return Position(item.file, item.line, 1)
