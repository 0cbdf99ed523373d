"""`<RepoProvider>.git_credentials`: what git is told when it clones a repository for a build."""

from __future__ import annotations

import re

from ..base import Hit
from ..kinds import builtin
from ..placeholder import find as find_placeholder

# BinderHub's own defaults write the lines joined by a literal `\n` (binderhub/repoproviders.py@b9fad995),
# which repo2docker's helper turns into a line break (`echo -e`, docker/git-credential-env@808ae6bb).
_LINE_BREAK = re.compile(r"\r?\n|\\n")


@builtin
def credential_lines(values, spec, context):
    config = values.get(("config",))
    if not isinstance(config, dict):
        return
    for section, settings in config.items():
        path = ("config", section, "git_credentials")
        text = settings.get("git_credentials") if isinstance(settings, dict) else None
        if not isinstance(text, str) or not text.strip() or find_placeholder(text):
            continue
        lines = [line.strip() for line in _LINE_BREAK.split(text) if line.strip()]
        keys = {line.partition("=")[0].strip() for line in lines if "=" in line}
        if any("=" not in line for line in lines):
            what = "no `key=value` line" if not keys else "a line without `=`"
            yield Hit(path, f"{values.display_path(path)} is {values.show(path)} with {what}, as if it held a "
                            "bare token: git rejects the helper's whole answer (\"invalid credential line\"), "
                            "so private repositories cannot be cloned")
        elif missing := [key for key in ("username", "password") if key not in keys]:
            yield Hit(path, f"{values.display_path(path)} has no " + " and no ".join(f"`{k}=` line" for k in missing)
                            + "; git then asks for it, and a build pod cannot answer, so private repositories "
                              "cannot be cloned")
