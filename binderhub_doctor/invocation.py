"""How the user ran us: `helm binder` when Helm runs us as its plugin, else `binderhub-doctor`.

scripts/helm-binder (plugin.yaml's command) sets BINDERHUB_DOCTOR_PROG=`helm binder`. Hints name
the commands the way the user types them, so rule texts and docs write `binderhub-doctor CMD` and
as_invoked() rewrites it for plugin users.
"""

from __future__ import annotations

import os

STANDALONE = "binderhub-doctor"


def program_name() -> str:
    return os.environ.get("BINDERHUB_DOCTOR_PROG") or STANDALONE


def as_invoked(text: str | None) -> str | None:
    """``text`` with each quoted command (`` `binderhub-doctor lint` ``) named as the user runs it."""
    name = program_name()
    if not text or name == STANDALONE:
        return text
    return text.replace(f"`{STANDALONE} ", f"`{name} ")
