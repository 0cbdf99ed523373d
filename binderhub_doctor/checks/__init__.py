"""The check kinds rule files can name. A rule needs Python only when no kind fits: then it names
a builtin (`kind: builtin`, `function: module.name`) from `checks/builtin/`."""

from __future__ import annotations

import importlib

from . import agree, pattern, placeholder, presence, secret_location, types

KINDS = {
    "pattern": pattern.check,
    "type": types.check,
    "required": presence.required,
    "forbidden": presence.forbidden,
    "placeholder": placeholder.check,
    "secret-location": secret_location.check,
    "agree": agree.check,
}
LAZY_KINDS = {"schema": "binderhub_doctor.checks.schema"}
# Findings the loader makes about the file itself (syntax, duplicate keys, encoding...).
DOCUMENT_KIND = "document"


def kind_names() -> list[str]:
    return sorted([*KINDS, *LAZY_KINDS, "builtin", DOCUMENT_KIND])


def resolve(spec: dict):
    kind = spec["kind"]
    if kind in KINDS:
        return KINDS[kind]
    if kind in LAZY_KINDS:
        return importlib.import_module(LAZY_KINDS[kind]).check
    if kind == "builtin":
        return builtin_check(spec["function"])
    raise KeyError(kind)


def builtin_check(name: str):
    module_name, _, function = name.rpartition(".")
    module = importlib.import_module(f"binderhub_doctor.checks.builtin.{module_name}")
    return getattr(module, function)
