"""`kind: secret-location`: a credential written into a file that is not the secret file."""

from __future__ import annotations

from .base import Hit, paths_of, render
from .kinds import MESSAGE, PATHS, kind


@kind("secret-location", {"path": PATHS, "message": MESSAGE}, required=("path",))
def check(values, spec, context):
    for path in paths_of(values, spec):
        value = values.get(path)
        if value in (None, "") or values.in_secret_file(path):
            continue
        doc = values.document_of(path)
        message = spec.get("message", "{path} is a credential, but it is in {file}, which is not the secret file")
        yield Hit(path, render(message, values, path, file=doc.file if doc else "this file"))
