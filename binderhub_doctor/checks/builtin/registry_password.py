"""`registry.password` when it holds a Google service-account key (gcr.io, Artifact Registry)."""

from __future__ import annotations

import json

from ..base import Hit, line_in_block
from ..kinds import builtin
from ..placeholder import find as find_placeholder

PASSWORD = ("registry", "password")
KEY_FIELDS = ("type", "project_id", "private_key_id", "private_key", "client_email")


@builtin
def not_a_string(values, spec, context):
    value = values.get(PASSWORD)
    if isinstance(value, (dict, list)):
        yield Hit(PASSWORD, "registry.password is a YAML mapping, not a string: the `|` after `password:` "
                            "is missing, so YAML read the JSON key file as YAML and the chart cannot use it")
    elif isinstance(value, (int, float, bool)):
        yield Hit(PASSWORD, "registry.password is read as a number or boolean, not a string; quote it")


@builtin
def json_key(values, spec, context):
    """A password that looks like a JSON key file must parse and be a complete, filled-in key."""
    value = values.get(PASSWORD)
    if not isinstance(value, str) or not value.lstrip().startswith("{"):
        return
    try:
        key = json.loads(value)
    except json.JSONDecodeError as exc:
        yield Hit(PASSWORD, f"registry.password looks like a JSON key file but is not valid JSON: "
                            f"{exc.msg} at line {exc.lineno} column {exc.colno} of the key",
                  position=line_in_block(values, PASSWORD, exc.lineno))
        return
    if not isinstance(key, dict):
        yield Hit(PASSWORD, "registry.password is JSON but not a key file (expected a JSON object)")
        return
    missing = [f for f in KEY_FIELDS if not key.get(f)]
    filled = [f for f in KEY_FIELDS if isinstance(key.get(f), str) and find_placeholder(key[f])]
    if filled:
        yield Hit(PASSWORD, "the JSON key in registry.password still has placeholders in "
                            + ", ".join(f"`{f}`" for f in filled)
                            + "; paste the whole key file downloaded for the service account")
    elif missing:
        yield Hit(PASSWORD, "the JSON key in registry.password lacks " + ", ".join(f"`{f}`" for f in missing)
                            + "; paste the whole key file downloaded for the service account")
    elif key.get("type") != "service_account":
        yield Hit(PASSWORD, f"the JSON key in registry.password has type `{key.get('type')}`, "
                            "but a registry push key must be a `service_account` key")
