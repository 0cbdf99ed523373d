"""Which values are secrets, how to show one without revealing it, and a last-line scrubber.

Every output path (reporters, probes, error messages) goes through :class:`Redactor.scrub`, so
a secret that slipped into a message by mistake is still never printed.
"""

from __future__ import annotations

import base64
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
_MIN_SCRUB_LENGTH = 4
# `password: null` is no secret, and scrubbing these words would break every JSON report.
_NOT_SECRETS = {"null", "true", "false"}


def is_secret_key(key) -> bool:
    return isinstance(key, str) and bool(_SECRET_KEY.search(key)) and not _NOT_SECRET_KEY.match(key)


def is_secret_path(path: tuple) -> bool:
    """True for a credential, or anything inside one (a JSON key pasted as a mapping)."""
    return any(is_secret_key(part) for part in path)


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
    """Every string a secret value could leak as: itself, its lines, its JSON fields, base64 forms."""
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
    for line in text.splitlines():
        if len(line.strip()) >= 8:
            yield line.strip()
    if text.lstrip().startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            for key in ("private_key", "private_key_id", "client_secret"):
                if isinstance(parsed.get(key), str):
                    yield parsed[key]
                    yield from (p for p in parsed[key].split("\\n") if len(p) >= 8)
                    yield from (p for p in parsed[key].splitlines() if len(p) >= 8)


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()):
        self._secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        for secret in secrets:
            if isinstance(secret, str) and len(secret) >= _MIN_SCRUB_LENGTH and secret.lower() not in _NOT_SECRETS:
                self._secrets.add(secret)
                # The same secret may travel as base64 (docker config `auth`, Basic headers).
                encoded = base64.b64encode(secret.encode()).decode()
                self._secrets.add(encoded.rstrip("="))
                # JSON-escaped form, as it would appear inside a json.dumps'd string.
                self._secrets.add(json.dumps(secret)[1:-1])

    def add_pair(self, username: str | None, password: str | None) -> None:
        """user:password as a Basic header or a docker config `auth` would carry it."""
        if username and password:
            pair = f"{username}:{password}"
            self._secrets.add(base64.b64encode(pair.encode()).decode().rstrip("="))

    def merge(self, other: "Redactor") -> None:
        self._secrets |= other._secrets

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def scrub(self, text: str) -> str:
        if not text or not self._secrets:
            return text
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, redacted(secret))
        return text
