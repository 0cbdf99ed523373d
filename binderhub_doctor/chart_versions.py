"""BinderHub chart versions, ordered.

Every published chart is a pre-release: `0.1.0-<sha>`, `0.2.0-3b53fce`, `0.2.0-n219.h13e3c4b`,
and since late 2021 `1.0.0-0.dev.git.<N>.h<sha>` where N counts the repository's commits.
"""

from __future__ import annotations

import re

# The newest chart this release of binderhub-doctor knows (binderhub main, 2026-04).
NEWEST = "1.0.0-0.dev.git.3959.hb9fad995"

_VERSION = re.compile(
    r"^v?(\d+)\.(\d+)\.(\d+)(?:-(?:0\.dev\.git\.(\d+)|n(\d+))?[.\w-]*)?$"
)


class ChartVersionError(ValueError):
    pass


def parse(text: str) -> tuple[int, int, int, int]:
    """(major, minor, patch, build number); a version without a build number sorts first."""
    match = _VERSION.match(str(text).strip())
    if not match:
        raise ChartVersionError(
            f"`{text}` is not a BinderHub chart version (expected e.g. {NEWEST} or 0.2.0-n219.h13e3c4b)")
    major, minor, patch, git_n, old_n = match.groups()
    return int(major), int(minor), int(patch), int(git_n or old_n or 0)


def applies(rule_charts: dict | None, version: tuple) -> bool:
    """Whether a rule's `charts: {min:, before:}` range includes ``version``."""
    if not rule_charts:
        return True
    if "min" in rule_charts and version < parse(rule_charts["min"]):
        return False
    if "before" in rule_charts and version >= parse(rule_charts["before"]):
        return False
    return True
