"""`lint`: files -> values -> rules -> findings -> report, and the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import chart_pin, chart_versions, reporters
from ..config import ConfigError, check_rule_names
from ..engine import lint, lint_across
from ..findings import at_least
from ..inputs import STDIN, InputError, deployment_folders, load, load_config_for, value_files
from ..output import redact
from ..output_files import OutputError, write_output
from ..ruleset import RuleFileError, load_rules


@dataclass
class LintOptions:
    files: list[str] = field(default_factory=list)
    fmt: str = "text"
    output: str | None = None
    strict: bool = False
    secret_files: list[str] = field(default_factory=list)
    values_key: str | None = None
    chart_version: str | None = None
    rule_dirs: list[str] = field(default_factory=list)
    config_file: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    colour: bool = False
    quiet: bool = False
    folder_sets: bool = False  # each folder's values files form their own set (pre-commit)
    fix: bool = False  # apply the fixable rules' fixes, then report what remains
    diff: bool = False  # print the fixes as a unified diff, write nothing


def lint_files(options: LintOptions):
    """The lint itself, for `lint`, `doctor` and `install`: returns (result, rules, values)."""
    return lint_sets(options, [value_files(options.files)])[0]


def lint_sets(options: LintOptions, file_sets: list[list[Path]], texts: dict | None = None):
    """[(result, rules, values)] for each values set, with the config and rules loaded once;
    ``texts``: {path: text} to lint instead of those files' contents (fixed, not yet written)."""
    config = load_config_for(options.config_file)
    chart_pin.choose(options.chart_version, config)  # a bad --chart-version fails before any file is read
    rules = load_rules([*config.rule_dirs, *options.rule_dirs])
    try:
        check_rule_names(config, rules, options.select, options.ignore)
    except ConfigError as exc:
        raise InputError(str(exc)) from None
    config.select = options.select or config.select
    config.ignore = [*config.ignore, *options.ignore]
    linted = []
    for files in file_sets:
        pin = chart_pin.find_pin(files)
        values = load(files, config, options.secret_files, options.values_key, pin=pin, texts=texts)
        chart = chart_pin.choose(options.chart_version, config, pin)
        linted.append((lint(values, rules, config, chart=chart), rules, values))
    if len(linted) > 1:  # rules comparing the sets, e.g. two releases on one node's builder directories
        lint_across([(result, values) for result, _, values in linted], rules, config)
    return linted


def run_lint(options: LintOptions, usage_error) -> int:
    if options.fix or options.diff:
        from .fix import run_fix

        return run_fix(options, usage_error)
    try:
        named = named_sets(options)
        result, rules, values = combine(lint_sets(options, [files for _, files in named]), [name for name, _ in named])
    except (InputError, RuleFileError, chart_versions.ChartVersionError) as exc:
        raise usage_error(str(exc)) from None
    write_report(options, result, rules, usage_error)
    return exit_code(options, result)


def named_sets(options: LintOptions) -> list[tuple[str | None, list[Path]]]:
    """The values sets to lint, each with its folder's name: one per folder with --folder-sets
    or when several folders are named (several deployments); else one set, named None."""
    if options.folder_sets:
        return folder_sets(value_files(options.files))
    if folders := deployment_folders(options.files):
        return [(folder, value_files([folder])) for folder in folders]
    return [(None, value_files(options.files))]


def write_report(options: LintOptions, result, rules, usage_error) -> None:
    report = reporters.render(options.fmt, result, rules, {"colour": options.colour, "show_fixes": not options.quiet})
    if options.output:
        try:
            write_output(Path(options.output), redact(report))
        except OutputError as exc:
            raise usage_error(str(exc)) from None
    else:
        print(report, end="")


def exit_code(options: LintOptions, result) -> int:
    threshold = "warning" if options.strict else "error"
    return 1 if any(at_least(f.severity, threshold) for f in result.findings) else 0


def folder_sets(files: list[Path]) -> list[tuple[str, list[Path]]]:
    """One values set per folder, with the folder's name: the folder's values files (secret files
    first), whichever of them were named. pre-commit passes only the changed files,
    alphabetically; this lints each deployment's files together and in `helm -f secret.yaml -f
    config.yaml` order."""
    if any(str(path) == STDIN for path in files):
        raise InputError("`-` (standard input) belongs to no folder; --folder-sets takes files or folders")
    folders: dict[Path, None] = {}
    for path in files:
        folders.setdefault(path.parent, None)
    return [(str(folder), value_files([str(folder)])) for folder in folders]


def combine(linted, names: list[str]):
    """One result for several values sets, each kept under its folder's name in ``sets`` (a
    single set is reported as before, with no sets)."""
    from ..engine import LintResult

    if len(linted) == 1:
        return linted[0]
    first_result, rules, values = linted[0]
    result = LintResult(findings=[], files=[], skipped=[], values_key=first_result.values_key,
                        chart=first_result.chart)
    for each, _, _ in linted:
        result.findings.extend(each.findings)
        result.files.extend(each.files)
        result.skipped.extend(each.skipped)
        result.unread.extend(each.unread)
    result.sets = [(name, each) for name, (each, _, _) in zip(names, linted, strict=True)]
    return result, rules, values
