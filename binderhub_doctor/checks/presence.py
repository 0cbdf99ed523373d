"""`kind: required` (a value must be set) and `kind: forbidden` (a key must not be there)."""

from __future__ import annotations

from ..paths import parse_path
from .base import Hit, paths_of, render
from .kinds import MESSAGE, PATHS, SEVERITY, kind


@kind("required", {"path": PATHS, "empty_is_missing": {"type": "boolean"}, "present_severity": SEVERITY,
                  "missing_severity": SEVERITY, "message": MESSAGE,
                  "present_null": {"description": "report a key that is there with a null value (false where the "
                                                  "type rule, BHD303, reports that null already)",
                                   "type": "boolean"}},
      required=("path",))
def required(values, spec, context):
    """Missing values are warnings by default: another values file or --set may supply them."""
    for text in spec["path"] if isinstance(spec["path"], list) else [spec["path"]]:
        path = parse_path(text)
        value = values.get(path)
        empty = value is None or (spec.get("empty_is_missing", True) and value == "")
        if not empty:
            continue
        present = values.has(path)
        if present and value is None and not spec.get("present_null", True):
            continue  # one finding for one mistake
        severity = spec.get("present_severity") if present else spec.get("missing_severity", "warning")
        message = spec.get("message", "{path} is not set")
        yield Hit(path, render(message, values, path), severity=severity)


@kind("forbidden", {"path": PATHS, "message": MESSAGE}, required=("path",))
def forbidden(values, spec, context):
    for path in paths_of(values, spec):
        yield Hit(path, render(spec.get("message", "{path} must not be set"), values, path))
