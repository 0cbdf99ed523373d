"""`lint --fix` and `lint --diff`: apply the fixable rules' fixes (fixes.py), as `ruff check --fix`
does, then report what remains.

Each round lints the current text, asks each fixable finding's fixer for its edit, applies the
edits that do not overlap, and lints again, until nothing is left to fix (at most MAX_ROUNDS
rounds). Files are read and written as bytes are: a UTF-8 byte-order mark is kept, line endings
are whatever the text holds, and the file is replaced atomically with its permissions (a secret
file stays 0600). Files Helm cannot read, git-crypt and SOPS files are never edited. `--diff`
prints a unified diff instead of writing, with every secret value in it redacted.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import chart_versions
from ..documents import GIT_CRYPT_MAGIC, MAX_BYTES
from ..findings import Finding
from ..fixes import REVEALING, Target, TextEdit, edit_for
from ..inputs import STDIN, STDIN_NAME, InputError, display_name
from ..output_files import write_atomically
from ..printable import printable
from ..ruleset import RuleFileError
from ..secrets import is_secret_container, is_secret_key
from ..values import is_secret_filename
from .lint import LintOptions, combine, exit_code, lint_sets, named_sets, write_report

MAX_ROUNDS = 10  # a fix never undoes another, so this bound is never reached in practice
UTF8_BOM = "\ufeff"


@dataclass
class Source:
    """A values file as --fix edits it: its text (after any BOM) as read and as fixed so far."""

    path: Path
    original: str
    bom: bool
    text: str = ""

    def __post_init__(self):
        self.text = self.text or self.original

    @property
    def changed(self) -> bool:
        return self.text != self.original


@dataclass
class Fixed:
    rule: str
    name: str
    file: str
    line: int | None
    path: str | None

    def describe(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return printable(f"{where}: fixed {self.rule} [{self.name}]" + (f" at {self.path}" if self.path else ""))


@dataclass
class Withheld:
    """A fixable finding whose fix was not made: the fixed text would be reported by other rules
    (``by``: their (id, name)). Only ids and names are shown, never a value."""

    finding: Finding
    by: list[tuple[str, str]]

    def reason(self) -> str:
        return "the fixed value would be reported by " + ", ".join(f"{rule} [{name}]" for rule, name in self.by)

    def describe(self) -> str:
        f = self.finding
        where = (f.file or "") + (f":{f.line}" if f.line else "")
        return printable(f"{where}: not fixed {f.rule} [{f.name}]" + (f" at {f.path}" if f.path else "")
                         + f": {self.reason()}; fix it by hand")

    def key(self) -> tuple:
        return _finding_key(self.finding)


@dataclass
class FixRun:
    sources: dict[str, Source] = field(default_factory=dict)  # by display name
    fixed: list[Fixed] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)  # as the last round left them


def run_fix(options: LintOptions, usage_error) -> int:
    try:
        named = named_sets(options)
        sets = [files for _, files in named]
        if not options.diff and any(str(p) == STDIN for files in sets for p in files):
            # ruff prints the fixed text instead; ours would hold the secrets, which we never print
            raise InputError("`-` (standard input): --fix has no file to write its fixes to; "
                             "see them with `lint --diff -`, or pass the file itself")
        run = FixRun(sources={_name(s): s for p in {p for files in sets for p in files}
                              if (s := read_source(p)) is not None})
        for _ in range(MAX_ROUNDS):
            if not fix_round(options, sets, run):
                break
        # what remains, as the files will read once written (--diff reports only the diff)
        remains = None if options.diff else lint_sets(options, sets, texts=_texts(run))
    except (InputError, RuleFileError, chart_versions.ChartVersionError) as exc:
        raise usage_error(str(exc)) from None
    changed = [s for s in run.sources.values() if s.changed]
    if remains is None:
        for source in changed:
            sys.stdout.write(unified_diff(source, secret_file=_secret_file(source, options)))
        for item in run.withheld:
            print(item.describe(), file=sys.stderr)
        count = len(run.fixed)
        print((f"would fix {count} finding{'s' if count != 1 else ''} in {len(changed)} "
               f"file{'s' if len(changed) != 1 else ''}" if count else "nothing to fix") + _withheld_note(run),
              file=sys.stderr)
        return 1 if changed else 0
    for source in changed:
        try:
            write_atomically(source.path, (UTF8_BOM if source.bom else "") + source.text)
        except OSError as exc:
            raise usage_error(f"{source.path}: cannot write: {exc.strerror or type(exc).__name__}") from None
    stream = sys.stdout if options.fmt == "text" and not options.output else sys.stderr
    for item in [*run.fixed, *run.withheld]:
        print(item.describe(), file=stream)
    if run.fixed or run.withheld:
        count = len(run.fixed)
        print(f"fixed {count} finding{'s' if count != 1 else ''}{_withheld_note(run)}; what remains:", file=stream)
    for result, rules, _ in remains:
        _hint_withheld(result, rules, run.withheld)
    result, rules, _ = combine(remains, [name for name, _ in named])
    write_report(options, result, rules, usage_error)
    return exit_code(options, result)


def _withheld_note(run: FixRun) -> str:
    count = len(run.withheld)
    return f", {count} not fixed (fix {'it' if count == 1 else 'them'} by hand)" if count else ""


def _hint_withheld(result, rules, withheld: list[Withheld]) -> None:
    """A finding whose fix was withheld keeps no hint that names the value the fix would have
    written (that value is what the other rule reports): the rule's general advice instead, and
    why it was not fixed."""
    reasons = {item.key(): item.reason() for item in withheld}
    advice = {rule.id: rule.fix for rule in rules}
    for index, finding in enumerate(result.findings):
        reason = reasons.get(_finding_key(finding))
        if reason is not None:
            general = advice.get(finding.rule)
            result.findings[index] = replace(finding, fix=(f"{general.strip()} " if general else "")
                                             + f"Not fixed by --fix: {reason}.")


def _finding_key(finding: Finding) -> tuple:
    return (finding.rule, finding.file, finding.line, finding.column, finding.path)


def fix_round(options: LintOptions, sets, run: FixRun) -> bool:
    """One lint and the edits it allows; True when something changed. An edit after which a rule
    reports something new is dropped: a fix never writes a value another rule reports."""
    edits: dict[str, list[tuple[TextEdit, object, str]]] = {}
    linted = lint_sets(options, sets, texts=_texts(run))
    before = _reported(linted)
    run.withheld = []  # this round's: a later round, on fixed text, may make the fix after all
    reported_anew: dict[TextEdit, list[tuple[str, str]]] = {}
    for result, rules, values in linted:
        fixers = {rule.id: rule.autofix for rule in rules if rule.autofix}
        documents = {doc.file: doc for doc in values.documents}
        for finding in result.findings:
            source = run.sources.get(finding.file or "")
            document = documents.get(finding.file or "")
            if finding.rule not in fixers or source is None or document is None or \
                    document.skipped or document.encrypted:
                continue
            edit = edit_for(fixers[finding.rule], Target(finding, values, document, source.text))
            if edit is not None:
                edits.setdefault(finding.file, []).append((edit, finding, fixers[finding.rule]))
    changed = False
    for name, wanted in edits.items():
        source = run.sources[name]
        applied: list[TextEdit] = []
        for edit, finding, fixer_name in sorted(wanted, key=lambda item: (item[0].start, item[0].end)):
            if edit in applied:  # two findings, one rewrite (a scheme and a missing dash)
                run.fixed.append(_fixed(finding))
            elif all(edit.start > other.end or edit.end < other.start for other in applied):
                if fixer_name not in REVEALING and edit not in reported_anew:
                    reported_anew[edit] = _reported_anew(options, sets, run, source, edit, before)
                if fixer_name in REVEALING or not reported_anew[edit]:
                    applied.append(edit)
                    run.fixed.append(_fixed(finding))
                else:
                    run.withheld.append(Withheld(finding, reported_anew[edit]))
            # an edit that overlaps or touches another waits for the next round, made against the new text
        for edit in sorted(applied, key=lambda e: e.start, reverse=True):
            source.text = edit.apply(source.text)
        changed = changed or bool(applied)
    return changed


def _reported_anew(options: LintOptions, sets, run: FixRun, source: Source, edit: TextEdit,
                   before: set) -> list[tuple[str, str]]:
    """The rules (id, name) that report a warning or error at a values path in the text with
    ``edit`` applied that was not there before (an info that something could not be checked does
    not count); empty when there is none."""
    texts = {**_texts(run), source.path: edit.apply(source.text)}
    after = [f for result, _, _ in lint_sets(options, sets, texts=texts) for f in result.findings
             if f.severity != "info" and f.path is not None and (f.rule, f.path) not in before]
    return sorted({(f.rule, f.name) for f in after})


def _reported(linted) -> set[tuple[str, str | None]]:
    return {(f.rule, f.path) for result, _, _ in linted for f in result.findings if f.severity != "info"}


def _fixed(finding) -> Fixed:
    return Fixed(finding.rule, finding.name, finding.file or "", finding.line, finding.path)


def _texts(run: FixRun) -> dict[Path, str]:
    """The texts to lint instead of the files: the fixed ones, and standard input (read once)."""
    return {source.path: source.text for source in run.sources.values() if source.changed or str(source.path) == STDIN}


def read_source(path: Path) -> Source | None:
    """The file's text when --fix may edit it: a readable regular file of UTF-8 text, not
    git-crypt; None otherwise (lint then reports what it can about it). Standard input is read
    here, once (`lint --diff -`)."""
    try:
        if str(path) == STDIN:
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        elif not path.is_file():
            return None
        else:
            raw = path.read_bytes()
    except (OSError, AttributeError):
        return None
    if raw.startswith(GIT_CRYPT_MAGIC) or len(raw) > MAX_BYTES:
        return None
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw[3 if bom else 0:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith(UTF8_BOM):
        return None  # two marks: Helm misreads the file, and lint says so
    return Source(path=path, original=text, bom=bom)


def _name(source: Source) -> str:
    return STDIN_NAME if str(source.path) == STDIN else display_name(source.path)


def _secret_file(source: Source, options: LintOptions) -> bool:
    return is_secret_filename(_name(source)) or any(
        Path(s).resolve() == source.path.resolve() for s in options.secret_files)


# --- the diff, with secret values redacted ------------------------------------------------------------

def unified_diff(source: Source, secret_file: bool) -> str:
    import difflib

    name = printable(_name(source))
    old = redacted_lines(source.original, secret_file)
    new = redacted_lines(source.text, secret_file)
    return "".join(difflib.unified_diff(old, new, fromfile=f"a/{name}", tofile=f"b/{name}"))


def _shown(body: str) -> str:
    """A line of the diff: control characters spelled out (a line ending, CRLF too, is `\n`)."""
    return printable(body, keep_tabs=True) + "\n"


# A plain key ends in a non-space, so the spaces before its `:` are `\s*`'s alone (a lazy key that
# could also end in spaces backtracks quadratically on a long line without a colon).
_KEY_LINE = re.compile(r"^(\s*(?:-\s+)?)(\"[^\"]*\"|'[^']*'|[^\s:#'\"](?:[^:#]*[^\s:#])?)\s*:(\s+|$)(.*)$")
_BLOCK_START = re.compile(r"^(?:[|>][-+0-9]*)?\s*(#.*)?$")
REDACTED = "<redacted>"


def redacted_lines(text: str, secret_file: bool) -> list[str]:
    """The text's lines for a diff, every secret value replaced with <redacted>: the value of a
    secret key, every line of a value that continues below one (a block scalar, a pasted JSON key,
    aligned or not), and in a secret file every line that is not a `key: value`. Keys,
    indentation, `|` and comments outside values stay, so the diff still shows what a fix changed
    in the layout. The output sink masks any known secret still left (under an unusual key)."""
    out = []
    inside: int | None = None  # the indentation of the secret key whose value continues below
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        indent = len(body) - len(body.lstrip(" "))
        stripped = body.strip()
        if inside is not None:
            continues = not stripped or indent > inside or stripped.startswith(('"', "{", "}", "-----"))
            if continues:
                out.append(_shown(" " * indent + REDACTED if stripped else ""))
                continue
            inside = None
        match = _KEY_LINE.match(body)
        if stripped.startswith("#") or not stripped:
            out.append(_shown(body))
            continue
        if match is None:
            out.append(_shown(" " * indent + REDACTED if secret_file else body))
            continue
        lead, key, space, rest = match.groups()
        key_name = key.strip("\"'")
        secret = is_secret_key(key_name) or is_secret_container(key_name)
        block = _BLOCK_START.match(rest)
        if block is not None:
            if secret:
                inside = len(lead)
            out.append(_shown(body))
        elif secret:
            out.append(_shown(f"{lead}{key}:{space}{REDACTED}"))
        else:
            out.append(_shown(body))
    return out
