"""BinderHub chart versions, ordered.

Every published chart is a pre-release: `0.1.0-<sha>`, `0.2.0-3b53fce`, `0.2.0-n219.h13e3c4b`,
and since late 2021 `1.0.0-0.dev.git.<N>.h<sha>` where N counts the repository's commits.
"""

from __future__ import annotations

import re

# The newest chart this release of binderhub-doctor knows (binderhub main, 2026-04).
NEWEST = "1.0.0-0.dev.git.3959.hb9fad995"

# The build number is read from the suffix apart: inside one pattern, `(\d+)` followed by
# `[.\w-]*` could split a long run of digits n ways (quadratic).
_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([.\w-]*))?$")
_BUILD = re.compile(r"0\.dev\.git\.(\d+)|n(\d+)")
_MAX_LENGTH = 200  # real versions are under 40 characters; int() refuses numbers of 4,300+ digits


class ChartVersionError(ValueError):
    pass


def parse(text: str) -> tuple[int, int, int, int]:
    """(major, minor, patch, build number); a version without a build number sorts first."""
    text = str(text).strip()
    match = _VERSION.match(text) if len(text) <= _MAX_LENGTH else None
    if not match:
        shown = text if len(text) <= 80 else text[:79] + "…"
        raise ChartVersionError(
            f"`{shown}` is not a BinderHub chart version (expected e.g. {NEWEST} or 0.2.0-n219.h13e3c4b)")
    major, minor, patch, suffix = match.groups()
    build = _BUILD.match(suffix or "")
    number = (build.group(1) or build.group(2)) if build else "0"
    return int(major), int(minor), int(patch), int(number)


def applies(rule_charts: dict | None, version: tuple) -> bool:
    """Whether a rule's `charts: {min:, before:}` range includes ``version``."""
    if not rule_charts:
        return True
    if "min" in rule_charts and version < parse(rule_charts["min"]):
        return False
    if "before" in rule_charts and version >= parse(rule_charts["before"]):
        return False
    return True
