"""`kind: schema`: JSON Schema at a path, for organisations' own rules.

jsonschema is imported only when such a rule runs, so plain `lint` starts fast.
"""

from __future__ import annotations

from .base import Hit, paths_of, render
from .kinds import MESSAGE, PATHS, kind


@kind("schema", {"schema": {"description": "a JSON Schema", "type": "object"}, "path": PATHS, "message": MESSAGE},
      required=("schema",))
def check(values, spec, context):
    import jsonschema

    validator_class = jsonschema.validators.validator_for(spec["schema"])
    validator = validator_class(spec["schema"])
    for path in paths_of(values, spec) if "path" in spec else [()]:
        for error in validator.iter_errors(values.get(path)):
            where = path + tuple(error.absolute_path)
            message = spec.get("message") or f"{{path}}: {_describe(error)}"
            yield Hit(where, render(message, values, where))


def _describe(error) -> str:
    # jsonschema quotes the instance in its messages; a secret could be that instance.
    if error.validator == "type":
        return f"must be of type {error.validator_value}"
    if error.validator == "enum":
        return "must be one of " + ", ".join(map(str, error.validator_value))
    if error.validator == "required":
        return error.message.split(" is a required")[0] + " is required"
    if error.validator == "additionalProperties":
        return "has keys that are not allowed here"
    if error.validator == "pattern":
        return f"must match {error.validator_value}"
    return f"fails the schema's `{error.validator}` constraint"
