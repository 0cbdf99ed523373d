"""`lint`: files -> values -> rules -> findings -> report, and the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import chart_pin, chart_versions, reporters
from .config import ConfigError, check_rule_names
from .engine import lint
from .findings import at_least
from .inputs import STDIN, InputError, deployment_folders, load, load_config_for, value_files
from .output import redact
from .output_files import OutputError, write_output
from .ruleset import RuleFileError, load_rules


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


def lint_files(options: LintOptions):
    """The lint itself, for `lint`, `doctor` and `install`: returns (result, rules, values)."""
    return lint_sets(options, [value_files(options.files)])[0]


def lint_sets(options: LintOptions, file_sets: list[list[Path]]):
    """[(result, rules, values)] for each values set, with the config and rules loaded once."""
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
        values = load(files, config, options.secret_files, options.values_key, pin=pin)
        chart = chart_pin.choose(options.chart_version, config, pin)
        linted.append((lint(values, rules, config, chart=chart), rules, values))
    return linted


def run_lint(options: LintOptions, usage_error) -> int:
    try:
        if options.folder_sets:
            named = folder_sets(value_files(options.files))
        elif folders := deployment_folders(options.files):
            named = [(folder, value_files([folder])) for folder in folders]
        else:
            named = None
        if named:
            linted = lint_sets(options, [files for _, files in named])
            result, rules, values = combine(linted, [name for name, _ in named])
        else:
            result, rules, values = lint_files(options)
    except (InputError, RuleFileError, chart_versions.ChartVersionError) as exc:
        raise usage_error(str(exc)) from None
    report = reporters.render(options.fmt, result, rules, {"colour": options.colour, "show_fixes": not options.quiet})
    if options.output:
        try:
            write_output(Path(options.output), redact(report))
        except OutputError as exc:
            raise usage_error(str(exc)) from None
    else:
        print(report, end="")
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
    from .engine import LintResult

    first_result, rules, values = linted[0]
    result = LintResult(findings=[], files=[], skipped=[], values_key=first_result.values_key,
                        chart=first_result.chart)
    for each, _, _ in linted:
        result.findings.extend(each.findings)
        result.files.extend(each.files)
        result.skipped.extend(each.skipped)
        result.unread.extend(each.unread)
    if len(linted) > 1:
        result.sets = [(name, each) for name, (each, _, _) in zip(names, linted, strict=True)]
    return result, rules, values
