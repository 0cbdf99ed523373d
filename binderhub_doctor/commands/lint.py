"""`lint`: files -> values -> rules -> findings -> report, and the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import chart_pin, chart_versions, reporters
from ..engine import lint, lint_across
from ..findings import at_least
from ..inputs import InputError, load, load_config_for, value_files
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
    config.select = options.select or config.select
    config.ignore = [*config.ignore, *options.ignore]
    chart_pin.choose(options.chart_version, config)  # a bad --chart-version fails before any file is read
    rules = load_rules([*config.rule_dirs, *options.rule_dirs])
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
        from .commands.fix import run_fix

        return run_fix(options, usage_error)
    try:
        if options.folder_sets:
            linted = lint_sets(options, folder_sets(value_files(options.files)))
            result, rules, values = combine(linted)
        else:
            result, rules, values = lint_files(options)
    except (InputError, RuleFileError, chart_versions.ChartVersionError) as exc:
        raise usage_error(str(exc)) from None
    write_report(options, result, rules, usage_error)
    return exit_code(options, result)


def file_sets(options: LintOptions) -> list[list[Path]]:
    """The values sets to lint: one, or one per folder with --folder-sets."""
    files = value_files(options.files)
    return folder_sets(files) if options.folder_sets else [files]


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


def folder_sets(files: list[Path]) -> list[list[Path]]:
    """One values set per folder: the folder's values files (secret files first), whichever of
    them were named. pre-commit passes only the changed files, alphabetically; this lints each
    deployment's files together and in `helm -f secret.yaml -f config.yaml` order."""
    folders: dict[Path, None] = {}
    for path in files:
        folders.setdefault(path.parent, None)
    return [value_files([str(folder)]) for folder in folders]


def combine(linted):
    """One result for several values sets."""
    from ..engine import LintResult

    first_result, rules, values = linted[0]
    result = LintResult(findings=[], files=[], skipped=[], values_key=first_result.values_key,
                        chart=first_result.chart)
    for each, _, _ in linted:
        result.findings.extend(each.findings)
        result.files.extend(each.files)
        result.skipped.extend(each.skipped)
    return result, rules, values
