"""Which values are secrets, and how to show one without revealing it.

A message renders a secret value with :func:`redacted` (``Values.show`` does so for any path);
the output sink (``output.py``) is the safety net behind that, fed by :func:`secret_strings`.
"""

from __future__ import annotations

import json
import re
from typing import Iterable

# Keys whose values are credentials. `token_url`, `push_secret` (a Secret's *name*) and friends
# are not, hence the explicit exclusions.
_SECRET_KEY = re.compile(
    r"(?i)(password|passwd|secret|token|api_?key|private_?key|credentials?|auth)$"
)
_NOT_SECRET_KEY = re.compile(
    r"(?i)^(token_url|push_secret|secretName|existingSecret|imagePullSecrets?|.*_secret_name|auth_enabled|auth_config_url"
    r"|build_token_check_origin|build_token_expires_seconds|authenticator_class|auth_state)$"
)
# Prefixes that identify a token's kind without revealing it.
_PUBLIC_PREFIXES = ("github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "glpat-", "gldt-", "glptt-")


def is_secret_key(key) -> bool:
    return isinstance(key, str) and bool(_SECRET_KEY.search(key)) and not _NOT_SECRET_KEY.match(key)


# Keys that are credentials only as a leaf: a docker config's `auth` holds base64 of
# user:password, but a mapping under `auth` is settings (`dask-gateway.gateway.auth.type`).
_SECRET_ONLY_AS_LEAF = {"auth"}


def is_secret_path(path: tuple) -> bool:
    """True for a credential, or anything inside one (a JSON key pasted as a mapping)."""
    if not path:
        return False
    *parents, last = path
    return is_secret_key(last) or any(is_secret_container(part) for part in parents)


def is_secret_container(key) -> bool:
    """A key whose whole subtree is secret (a `password:` mapping when the `|` was forgotten)."""
    return is_secret_key(key) and key.lower() not in _SECRET_ONLY_AS_LEAF


def looks_like_token(text: str) -> bool:
    """A GitHub or GitLab token, recognised by its documented prefix."""
    return isinstance(text, str) and any(text.startswith(p) and len(text) > len(p) + 8 for p in _PUBLIC_PREFIXES)


def redacted(value) -> str:
    """A stand-in that says what kind of value is there, never what it is."""
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return f"<redacted {type(value).__name__}>"
    text = str(value)
    prefix = next((p for p in _PUBLIC_PREFIXES if text.startswith(p)), "")
    return f"{prefix}…({len(text)} chars)"


def secret_strings(value) -> Iterable[str]:
    """Every string a secret value could leak as: itself, its lines, a key file's secret fields."""
    if isinstance(value, dict):
        for item in value.values():
            yield from secret_strings(item)
        return
    if isinstance(value, list):
        for item in value:
            yield from secret_strings(item)
        return
    if value is None or isinstance(value, bool):
        return
    text = str(value)
    yield text
    parsed = None
    if text.lstrip().startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
    if isinstance(parsed, dict):
        # A key file: its secret fields, not its every line (`"type": "service_account",`).
        for key, item in parsed.items():
            if isinstance(item, str) and (is_secret_key(key) or key == "private_key_id"):
                yield item
                yield from (p for p in item.split("\\n") if len(p) >= 8)
                yield from (p for p in item.splitlines() if len(p) >= 8)
        return
    for line in text.splitlines():
        if len(line.strip()) >= 8:
            yield line.strip()
