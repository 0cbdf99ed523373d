"""HTTP for the GitHub and GitLab probes: where we may send a token, and what a failed answer
means in plain words. The transport itself (timeouts, deadline, retries, bounded bodies,
credentials never following a redirect to another host) is the shared client in `http.py`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from . import ProbeInputError
from .http import HttpClient, HttpError, decode_json, is_loopback, safe_url

RETRIES = 2  # on 429/5xx, inside the shared client; a Retry-After longer than the deadline is not waited for


@dataclass(frozen=True)
class Transport:
    """How the probes may talk: per-answer timeout, plain http for loopback, extra CA bundle."""

    timeout: float = 10.0
    insecure_http: bool = False
    ca_bundle: str | None = None


DEFAULT_TRANSPORT = Transport()  # frozen, so every probe may share it as its default


class Unreachable(Exception):
    """No usable HTTP answer: timeout, refused connection, TLS, DNS, or a redirect we refuse."""

    def __init__(self, detail: str, hint: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.hint = hint


@dataclass
class Reply:
    status: int
    headers: dict  # lower-case names
    body: bytes
    url: str
    seconds: float = 0.0
    _parsed: object = field(default=None, repr=False)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def json(self):
        """The body as JSON, or None when it is not JSON."""
        if self._parsed is None:
            try:
                self._parsed = decode_json(self.body)
            except ValueError:
                self._parsed = False
        return self._parsed if self._parsed is not False else None


def require_allowed_url(url: str, setting: str) -> None:
    """Tokens travel over https only; plain http only to a loopback address (a test server on
    this machine: nothing leaves it), the rule check-registry follows too."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ProbeInputError(f"{setting}: `{_as_written(url)}` is not a usable URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProbeInputError(f"{setting}: `{_as_written(url)}` is not an http(s) URL; set it to e.g. "
                           "https://api.github.com")
    if parts.username is not None or parts.password is not None:
        raise ProbeInputError(f"{setting}: the URL has credentials in it (user:password@); remove them, the "
                           "token settings carry the credentials")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ProbeInputError(
            f"{setting}: `{_as_written(url)}` uses plain http to another machine; refusing to send a "
            "token unencrypted; use https (plain http is allowed only to a loopback address)")


def _as_written(url: str) -> str:
    """The URL as the user wrote it (so the redactor recognises any secret in it), without its
    query, fragment or user:password@."""
    text = url.split("#", 1)[0].split("?", 1)[0]
    scheme, sep, rest = text.partition("://")
    if sep:
        netloc, slash, path = rest.partition("/")
        text = f"{scheme}://{netloc.rpartition('@')[2]}{slash}{path}"
    return text


def require_insecure_http_is_loopback(host: str, insecure_http: bool, setting: str) -> None:
    if insecure_http and not is_loopback(urlsplit(f"//{host}").hostname):
        raise ProbeInputError(
            f"--insecure-http is only allowed for loopback hosts, and {setting} is `{host}`; "
            "drop --insecure-http to use https")


_HINTS = {
    "dns": "check the hostname / API address",
    "refused": "check the hostname / API address and port",
    "timeout": "check the address and the network, or raise --timeout",
    "deadline": "check the address and the network, or raise --timeout",
    "tls": "for a private CA pass --ca-bundle FILE; a plain-http test server on loopback needs an http:// URL "
           "(GitHub) or --insecure-http (GitLab)",
}


def get(url: str, transport: Transport, *, headers: dict | None = None,
        basic: tuple[str, str] | None = None) -> Reply:
    """GET through the shared safe client. Returns any HTTP answer (even 4xx/5xx); raises
    Unreachable when there is none, or when a redirect would leave the host with our credentials."""
    deadline = transport.timeout * (RETRIES + 1) + 3
    try:
        with HttpClient(timeout=transport.timeout, deadline=deadline, retries=RETRIES,
                        ca_bundle=transport.ca_bundle) as http:
            response = http.get(url, headers=headers or {}, basic=basic)
    except HttpError as exc:
        raise Unreachable(str(exc), _HINTS.get(exc.kind, "check the API address and the network")) from None
    if response.credentials_dropped:
        raise Unreachable(f"{safe_url(url)} redirects to {response.redirects[-1]}, another host; the "
                          "credentials were not sent there, so its answer says nothing about them",
                          "point the setting at the final address (the redirect target)")
    if response.truncated:
        raise Unreachable(f"{safe_url(url)} answered with a body too large for an API answer",
                          "check the API address")
    return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.body,
                 response.url, response.seconds)


# --- what an answer means -------------------------------------------------------------------

def server_message(reply: Reply, limit: int = 200) -> str:
    """The API's own short explanation (`message`, `error_description`), shortened."""
    data = reply.json()
    text = ""
    if isinstance(data, dict):
        for key in ("message", "error_description", "error"):
            if isinstance(data.get(key), str) and data[key].strip():
                text = data[key].strip()
                break
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reset_phrase(epoch: float | str | None, now: float | None = None) -> str:
    """`14:05 CEST (in 23 min)` for a reset time in epoch seconds."""
    try:
        moment = float(epoch)
        local = datetime.fromtimestamp(moment).astimezone()  # inf, nan, year 10000: refused here
    except (TypeError, ValueError, OverflowError, OSError):
        return "an unknown time"
    now = time.time() if now is None else now
    minutes = max(0, math.ceil((moment - now) / 60))
    return f"{local:%H:%M %Z} (in {minutes} min)"


def describe_failure(reply: Reply, service: str, subject: str) -> tuple[str, str]:
    """(detail, hint) for an answer that is not a success, by status and headers."""
    status = reply.status
    said = server_message(reply)
    said_part = f": \"{said}\"" if said else ""
    if status == 401:
        return (f"{status} Unauthorized: {service} rejected the credentials for {subject}{said_part}",
                "the token is wrong, expired or revoked; create a new one and update the values file")
    remaining = reply.header("x-ratelimit-remaining") or reply.header("ratelimit-remaining")
    retry_after = reply.header("retry-after")
    if status in (403, 429) and remaining == "0":
        reset = reply.header("x-ratelimit-reset") or reply.header("ratelimit-reset")
        limit = reply.header("x-ratelimit-limit") or reply.header("ratelimit-limit") or "?"
        return (f"{status}: {service} rate limit used up (limit {limit}) for {subject}; "
                f"it resets at {reset_phrase(reset)}{said_part}",
                "wait for the reset; BinderHub shows \"rate limit exceeded\" to users until then. "
                "A token of its own gives BinderHub a higher limit")
    if status == 429 or (status == 403 and (retry_after or "secondary rate limit" in said.lower())):
        wait = f"; {service} asks to wait {retry_after} s" if retry_after else ""
        return (f"{status}: {service} secondary rate limit (too many requests at once) for {subject}{wait}"
                f"{said_part}",
                "retry later; if BinderHub replicas or a federation share these credentials, give each "
                "its own token")
    if status == 403:
        return (f"403 Forbidden: the credentials are valid but may not read {subject}{said_part}",
                "grant the token access (scope / permission / organisation SSO), or use another token")
    if status == 404:
        return (f"404 Not Found: {subject} does not exist or is not visible to these credentials{said_part}",
                "check the name and the API address")
    if status >= 500:
        return (f"{status}: {service} server error for {subject}{said_part}",
                f"{service} is having trouble; retry later, and check its status page")
    if 300 <= status < 400:
        return (f"{status}: unexpected redirect for {subject}", "check the API address")
    return (f"{status}: unexpected answer for {subject}{said_part}", "check the API address")


def where(values, path) -> str:
    """`file:line: ` of a values path, to start an error message with."""
    position = values.origin(path)
    return f"{position.file}:{position.line}: " if position else ""


def provider_section(values, section_path: tuple, name: str):
    """A repo provider's settings and a `text(key, default)` reader for them. Unusable values
    (the section not a mapping, a setting not a string) raise ProbeInputError naming file and line."""
    section = values.get(section_path)
    if section is not None and not isinstance(section, dict):
        raise ProbeInputError(f"{where(values, section_path)}config.{name} must be a mapping of settings")
    section = section or {}

    def text(key: str, default: str = "") -> str:
        value = section.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise ProbeInputError(f"{where(values, section_path + (key,))}{values.display_path(section_path + (key,))} "
                               "must be a string; quote it")
        return value

    return section, text
