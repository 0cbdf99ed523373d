"""Reporters only format: every decision (what, where, how severe) was made before them."""

from __future__ import annotations

import importlib

FORMATS = ("text", "json", "sarif", "github")


def render(fmt: str, result, rules, options: dict) -> str:
    module = importlib.import_module(f"binderhub_doctor.reporters.{fmt}_report")
    return module.render(result, rules, options)
