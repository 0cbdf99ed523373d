"""A rule's documentation, for `explain` and for docs/rules.md (generated, never hand-edited)."""

from __future__ import annotations

import re

import yaml

SEVERITY_POLICY = """\
## Severity policy

- **error**: Helm refuses the render or the install (a schema, a template's `fail`, a file Helm
  cannot parse), or BinderHub demonstrably fails (it stops, every launch fails or rebuilds, every
  push is refused), *for the chart version being linted* (`--chart-version`, the config file's
  `chart-version`, the chart your Chart.yaml pins, else the newest known). Every error rule's
  **Why** cites its source: an upstream URL, or a file at a version (`binderhub/app.py@b9fad995`).
- **warning**: a value that is ignored, misplaced, deprecated or a risk, and a value that is
  missing (another values file or `--set` may supply it).
- **info**: advice, and what could not be checked. A value the tool cannot know is never an
  error: a value encrypted with SOPS, a git-crypt file, or a file that could not be read. A rule
  that compares two values does not conclude when such a file may set one of them; it says (info)
  what it could not check.
"""
# A source a rule's `why` cites: a URL (not a `https://<host>` template, not an example host) or
# `file@version`.
# The look-behinds let a `file@version` or `owner/repo@sha` start only where a word starts, so a
# long run of word characters is scanned once, not once per position (linear time on any text).
_SOURCE = re.compile(r"https?://(?![\w.-]*example\.)[\w-]+(?:\.[\w-]+)+(?:/[^\s<>`)]*)?"
                     r"|(?<![\w./-])[\w./-]+\.(?:py|ya?ml|tpl|txt|json|go)@[\w.-]+"
                     r"|(?<![\w-])[\w-]+/[\w.-]+@[0-9a-f]{7,}")


def cites_source(text: str) -> bool:
    return _SOURCE.search(text) is not None

# An example's `at: FILE:LINE:COLUMN` says where a failing example is reported (the tests check
# it); it is never a value: no chart has a top-level key `at`.
LOCATION_KEY = "at"


def example_files(example: dict) -> dict[str, str]:
    """An example as {file name: YAML text}: plain values go to config.yaml."""
    body = {key: value for key, value in example.items() if key != LOCATION_KEY}
    files = body["files"] if set(body) == {"files"} else {"config.yaml": body}
    return {name: text if isinstance(text, str) else _dump(text) for name, text in files.items()}


def example_location(example: dict) -> str | None:
    """Where a failing example is reported, as `config.yaml:4:5`, when the example says so."""
    return example.get(LOCATION_KEY)


def _dump(values) -> str:
    return yaml.safe_dump(values, sort_keys=False, default_flow_style=False, allow_unicode=True)


def _at(example: dict, quote: str = "") -> str:
    location = example_location(example)
    return f" at {quote}{location}{quote}" if location else ""


def explain_text(rule) -> str:
    lines = [f"{rule.id} {rule.name} ({rule.severity})", "", rule.summary.strip(), "",
             "Why: " + rule.why.strip(), "", "Fix: " + rule.fix.strip(), "", "Fixable: " + _fixable(rule)]
    if rule.charts:
        note = rule.charts.get("note") or ", ".join(f"{k} {v}" for k, v in rule.charts.items())
        lines += ["", f"Chart versions: {note}"]
    for kind, title in (("fail", "Reported"), ("pass", "Not reported")):
        for example in rule.examples.get(kind, []):
            lines += ["", f"{title}{_at(example)}:"]
            for name, text in example_files(example).items():
                lines.append(f"  # {name}")
                lines += ["  " + line for line in text.rstrip("\n").splitlines()]
    if rule.docs:
        lines += ["", f"Reference: {rule.docs}"]
    lines += ["", f"Docs: {rule.url}"]
    return "\n".join(lines)


def _fixable(rule) -> str:
    if rule.autofix:
        return "yes: `lint --fix` rewrites it where there is exactly one correct result (`lint --diff` shows the change)"
    return "no, by hand"


def markdown(rules) -> str:
    rules = sorted(rules, key=lambda rule: rule.id)  # by id, as `rules` lists them: a reader looks one up by its id
    out = ["# binderhub-doctor rules", "",
           "Generated from `rules/*.yaml` by `python -m binderhub_doctor.rule_docs`; do not edit by hand.", "",
           SEVERITY_POLICY,
           "## Rules", "",
           "| id | name | severity | fixable | summary |", "| --- | --- | --- | --- | --- |"]
    for rule in rules:
        out.append(f"| [{rule.id}](#{rule.id.lower()}-{rule.name}) | {rule.name} | {rule.severity} | "
                   f"{'yes' if rule.autofix else ''} | {rule.summary} |")
    for rule in rules:
        out += ["", f"## {rule.id} {rule.name}", "", f"Severity: **{rule.severity}**. Topic: {rule.topic}.", "",
                rule.summary.strip(), "", f"**Why.** {rule.why.strip()}", "", f"**Fix.** {rule.fix.strip()}",
                "", f"**Fixable.** {_fixable(rule)}."]
        if rule.charts and rule.charts.get("note"):
            out += ["", f"**Chart versions.** {rule.charts['note']}"]
        if rule.docs:
            out += ["", f"**Reference.** <{rule.docs}>"]
        for kind, title in (("fail", "Reported"), ("pass", "Not reported")):
            for example in rule.examples.get(kind, []):
                out += ["", f"{title}{_at(example, '`')}:", ""]
                for name, text in example_files(example).items():
                    out += ["```yaml", f"# {name}", text.rstrip("\n"), "```"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys
    from pathlib import Path

    from .ruleset import load_rules

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/rules.md")
    target.write_text(markdown(load_rules()), encoding="utf-8")
    print(f"wrote {target}")
