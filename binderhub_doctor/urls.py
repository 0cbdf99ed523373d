"""Taking apart URLs that come from values files or servers.

`urllib.parse.urlsplit` raises ValueError for some text (`https://[x`, and `.port` for a port out
of range or not a number). A URL a user or a server wrote is input: a rule or a probe that splits
one must never stop on it. The URL rules report a malformed value on their own.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

_EMPTY = urlsplit("")


def split_url(url: str) -> SplitResult:
    """urlsplit, or an empty result for text it cannot take apart (port included)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises for a port out of range or not a number
        return parts
    except ValueError:
        return _EMPTY


def url_hostname(url: str) -> str:
    """The host of ``url`` in lower case, or "" when there is none."""
    return (split_url(url).hostname or "").lower()
