"""The public JSON reports, parsed and checked against their schemas in binderhub_doctor/data/.

`doctor`'s schema refers to lint's (its findings) and to status's (the release section) by
file name, as a reader who downloads the three files side by side resolves them; the registry
here holds each under that name."""

from __future__ import annotations

import json

import jsonschema
from referencing import Registry, Resource

from .tools import REPO_ROOT

DATA = REPO_ROOT / "binderhub_doctor" / "data"
SCHEMA_FILES = ("report-schema.json", "status-report-schema.json", "doctor-report-schema.json")


def _load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


SCHEMAS = {name: _load(name) for name in SCHEMA_FILES}
REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(schema)) for name, schema in SCHEMAS.items())


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = SCHEMAS[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=REGISTRY)


def checked(text: str, schema: str) -> dict:
    """``text`` (a command's stdout) as JSON, after checking it against ``schema``: the first
    violation fails the test with its place in the document."""
    document = json.loads(text)
    validator(schema).validate(document)
    return document


def status_report(text: str) -> dict:
    return checked(text, "status-report-schema.json")


def doctor_report(text: str) -> dict:
    return checked(text, "doctor-report-schema.json")
