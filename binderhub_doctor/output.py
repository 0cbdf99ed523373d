"""The one way out: everything a command prints (stdout, stderr, click's own messages, helm's
streamed output) and every report it writes to a file passes through :func:`redact`.

This is the last safety net, not the redaction itself: values are redacted where they are
rendered into a message (``Values.show``, ``secrets.redacted``). The net catches a secret that
reached the output anyway (a server that echoes the credentials, a probe's bearer token), and it
must never damage other text, so it

- learns secrets only from secret fields (the values layer and the probes tell it, see
  :class:`SecretRegistry`), never from a value merely found near a key such as ``auth``;
- replaces only whole secret values, between token boundaries: never a part of a word, never a
  JSON key that happens to spell a secret;
- ignores secrets too short or too common to tell apart from ordinary text (``binder``,
  ``password``, ``jupyterhub``, any word that also appears outside a secret field). Those are
  protected only where a message renders a value, which is why that rendering must redact.
"""

from __future__ import annotations

import base64
import io
import json
import re
import sys
import threading
from typing import Iterable
from urllib.parse import quote

from .secrets import redacted

# Shorter secrets, and words, occur in ordinary text; masking them there would mangle it and
# point at the secret ("…(6 chars)hub-doctor").
MIN_SECRET_LENGTH = 8
_WORDLIKE = re.compile(r"[A-Za-z]+(?:[-_.][A-Za-z]+)*")
_MAX_WORD_LENGTH = 16
_TOKEN = re.compile(r"[A-Za-z0-9_]+")
# A secret ends where a token ends: after it, no letter, digit or underscore; before it the
# same, or an escape that precedes it in JSON (`\n`, `\u0022`) or in a URL (`%22`).
_BEFORE = r"(?:(?<![A-Za-z0-9_])|(?<=%[0-9A-Fa-f]{2})|(?<=\\[nrtbf])|(?<=\\u[0-9A-Fa-f]{4}))"
_AFTER = r"(?![A-Za-z0-9_])"


class SecretRegistry:
    """The whole secret values one run knows, and the forms they travel in."""

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        """Know nothing again: a run starts with no secret (and no common word) of the last."""
        self._candidates: dict[str, str] = {}  # form -> how to show it
        self._common: set[str] = set()  # tokens seen outside secret fields (lower case)
        self._pattern: re.Pattern | None = None
        self._dirty = True

    def add(self, secrets: Iterable[str | None]) -> None:
        """Secret values, as found in a secret field (or a credential a probe received)."""
        for secret in secrets:
            if not isinstance(secret, str) or not secret.strip():
                continue
            secret = secret.strip()
            self._learn(secret)
            self._learn(json.dumps(secret)[1:-1])  # inside a JSON string
            self._learn(quote(secret, safe=""))  # inside a URL
            # alone as base64 (a docker config `auth`, a Basic header), standard and URL-safe
            encoded = base64.b64encode(secret.encode()).decode()
            self._learn(encoded, encoded=True)
            self._learn(encoded.rstrip("="), encoded=True)
            self._learn(base64.urlsafe_b64encode(secret.encode()).decode().rstrip("="), encoded=True)

    def add_pair(self, username: str | None, password: str | None) -> None:
        """user:password as a Basic header or a docker config `auth` carries it."""
        if username and password:
            encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
            self._learn(encoded, encoded=True)
            self._learn(encoded.rstrip("="), encoded=True)

    def add_common_text(self, texts: Iterable[str]) -> None:
        """Text outside secret fields (keys, ordinary values): a secret that also appears there
        as a whole token is a common word, and masking it would mangle the report."""
        for text in texts:
            if isinstance(text, str):
                for token in _TOKEN.findall(text):
                    if len(token) >= MIN_SECRET_LENGTH and token.lower() not in self._common:
                        self._common.add(token.lower())
                        self._dirty = True
                if len(text) >= MIN_SECRET_LENGTH and text.lower() not in self._common:
                    self._common.add(text.lower())
                    self._dirty = True

    def _learn(self, form: str, encoded: bool = False) -> None:
        if form in self._candidates:
            return
        self._candidates[form] = redacted(form) if not encoded else f"…({len(form)} chars)"
        self._dirty = True

    def distinctive(self, secret: str) -> bool:
        """Long enough and unlike any word, so that masking it can only hide the secret: a
        short word, or a word used outside secret fields too, is left alone here."""
        if len(secret) < MIN_SECRET_LENGTH:
            return False
        if _WORDLIKE.fullmatch(secret):
            return len(secret) > _MAX_WORD_LENGTH and secret.lower() not in self._common
        return True

    def pattern(self) -> re.Pattern | None:
        if self._dirty:
            forms = sorted((f for f in self._candidates if self.distinctive(f)), key=len, reverse=True)
            self._pattern = re.compile(
                _BEFORE + "(?:" + "|".join(map(re.escape, forms)) + ")" + _AFTER, re.IGNORECASE
            ) if forms else None
            self._dirty = False
        return self._pattern

    def redact(self, text: str) -> str:
        pattern = self.pattern()
        if not text or pattern is None:
            return text
        return pattern.sub(lambda match: self._shown(match.group(0)), text)

    def _shown(self, found: str) -> str:
        return self._candidates.get(found) or redacted(found)


# One per process: the values loaded and the probes run by this command all feed it.
SECRETS = SecretRegistry()


def redact(text: str) -> str:
    """``text`` with every known whole secret replaced: for reports written to files."""
    return SECRETS.redact(text)


class RedactingStream(io.TextIOBase):
    """A text stream that redacts known secrets, then writes to ``target``.

    Text is held back until a line ends (a `\\n`, or a `\\r` that a progress line starts
    with) or the writer flushes, so a secret written in two pieces (print's arguments) is
    still seen whole."""

    def __init__(self, target, registry: SecretRegistry = SECRETS):
        self.target = target
        self.registry = registry
        self._held = ""
        self._lock = threading.Lock()  # helm's stdout and stderr are pumped by threads

    # click and print() look at these to decide how to write
    @property
    def encoding(self):
        return getattr(self.target, "encoding", "utf-8")

    @property
    def errors(self):
        return getattr(self.target, "errors", "strict")

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        if isinstance(text, (bytes, bytearray)):  # click.echo(bytes) finds no binary stream here (completion)
            text = bytes(text).decode(self.encoding or "utf-8", errors="replace")
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        with self._lock:
            self._held += text
            end = max(self._held.rfind("\n"), self._held.rfind("\r"))
            if end >= 0:
                ready, self._held = self._held[:end + 1], self._held[end + 1:]
                self.target.write(self.registry.redact(ready))
        return len(text)

    def flush(self) -> None:
        """Write what is held back too: a prompt or a spinner frame ends no line, and every
        writer here (click.echo, helm's pump, the spinner) writes a whole message, then flushes."""
        with self._lock:
            held, self._held = self._held, ""
            if held:
                self.target.write(self.registry.redact(held))
        self.target.flush()

    finish = flush  # at exit: the end of the output, with or without a newline


def install() -> tuple[RedactingStream, RedactingStream]:
    """Route sys.stdout and sys.stderr through the redacting sink (once per process)."""
    streams = []
    for name in ("stdout", "stderr"):
        current = getattr(sys, name)
        if not isinstance(current, RedactingStream):
            current = RedactingStream(current)
            setattr(sys, name, current)
        streams.append(current)
    return streams[0], streams[1]


def finish() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, RedactingStream):
            try:
                stream.finish()
            except (OSError, ValueError):  # a closed pipe: nothing more can be written anyway
                pass
