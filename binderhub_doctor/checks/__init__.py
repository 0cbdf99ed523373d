"""The check kinds rule files can name. A rule needs Python only when no kind fits: then it names
a builtin (`kind: builtin`, `function: module.name`) from `checks/builtin/`.

Kinds and builtins register themselves (`kinds.kind`, `kinds.builtin`); importing this package
imports them all, so the tables in `kinds` are complete."""

from __future__ import annotations

from . import agree, pattern, placeholder, presence, schema, secret_location, types  # noqa: F401 - registers the kinds
from . import builtin as _builtin_checks  # noqa: F401 - registers the builtin checks
from .kinds import BUILTINS, KINDS, SET_BUILTINS, CheckKind, declare

# Findings the loader makes about the file itself (syntax, duplicate keys, encoding...).
DOCUMENT_KIND = "document"
BUILTIN_KIND = "builtin"
declare(DOCUMENT_KIND, None, {"problem": {"description": "the loader's name for the problem, e.g. duplicate-key",
                                          "type": "string", "minLength": 1}}, required=("problem",))
declare(BUILTIN_KIND, None, {"function": {"description": "MODULE.FUNCTION of a builtin check",
                                          "type": "string", "minLength": 1}}, required=("function",))
# A builtin that compares the values sets linted together (`lint --folder-sets`, several folders):
# check(sets, spec) with sets = [(values, context)], yielding (index of the set, hit).
SETS_KIND = "across-sets"
declare(SETS_KIND, None, {"function": {"description": "MODULE.FUNCTION of a builtin check comparing values sets",
                                       "type": "string", "minLength": 1}}, required=("function",))


def kind_names() -> list[str]:
    return sorted(KINDS)


def kind_of(spec: dict) -> CheckKind | None:
    return KINDS.get(spec.get("kind"))


def resolve(spec: dict):
    """The function that runs a rule's check."""
    if spec["kind"] == BUILTIN_KIND:
        return BUILTINS[spec["function"]]
    if spec["kind"] == SETS_KIND:
        return SET_BUILTINS[spec["function"]]
    return KINDS[spec["kind"]].check
