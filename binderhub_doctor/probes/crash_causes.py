"""Known causes of a crash-looping binder or hub pod, recognised in its previous container's log
lines, each tied to the lint rule that catches it before deploy.

The log texts are traitlets' and BinderHub's own:

- `TraitError`: traitlets rejects a value of the wrong type when the config is applied
  (traitlets/traitlets.py `TraitType.error`, ipython/traitlets@v5.14.3) -> BHD303 trait-wrong-type.
- "Config option `x` not recognized by `Y`": traitlets' warning for an unknown trait
  (traitlets/config/configurable.py `_load_config`, v5.14.3) -> BHD302 unknown-trait.
- "Exception while loading config file": traitlets discards a config file that raised
  (traitlets/config/application.py `_load_config_files`, v5.14.3); the chart's
  binderhub_config.py raises on a `config.<Class>` that is not a mapping -> BHD304.
- A registry refusing the credentials (`401`, "unauthorized", "authentication required",
  "denied: requested access"): what docker and BinderHub's registry client log -> BHD217
  registry-credentials-missing, and `check-registry` tries the credentials themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..invocation import program_name


@dataclass(frozen=True)
class CrashCause:
    rule: str | None  # the lint rule that catches this before deploy (None: none does)
    name: str | None  # that rule's name
    cause: str
    fix: str


# The same texts in the hub's log are about JupyterHub's own config (jupyterhub.hub.config,
# hub.extraConfig), which the BinderHub rules above do not judge.
_HUB_FIX = "check jupyterhub.hub.config and jupyterhub.hub.extraConfig in the values"


# Plain literals and bounded classes only: these run over log lines a pod wrote.
_CAUSES = (
    (re.compile(r"TraitError"),
     CrashCause("BHD303", "trait-wrong-type", "a setting has the wrong type (traitlets TraitError)",
                "lint the values files: `{program} lint` names the setting and the type it needs")),
    (re.compile(r"Config option `[^`\n]{1,200}` not recognized by `[^`\n]{1,200}`"),
     CrashCause("BHD302", "unknown-trait", "a setting this BinderHub does not know (\"Config option ... not "
                "recognized\")", "lint the values files: `{program} lint` names it, with a did-you-mean")),
    (re.compile(r"Exception while loading config file"),
     CrashCause("BHD304", "config-section-not-a-mapping", "the config file failed to load, so none of the "
                "chart's settings apply", "lint the values files: a `config.<Class>` that is null or not a "
                "mapping is the usual cause")),
    (re.compile(r"(?i)unauthorized: |authentication required|401 client error|denied: requested access"),
     CrashCause("BHD217", "registry-credentials-missing", "the container registry refused the credentials",
                "run `{program} check-registry secret.yaml config.yaml`: it tries the same credentials")),
)


def recognise(lines: list[str], component: str = "binder") -> list[CrashCause]:
    """The known causes found in the log ``lines`` of a ``component`` (binder or hub) pod, in the
    order of the table above, each once."""
    found = []
    for pattern, cause in _CAUSES:
        if any(pattern.search(line) for line in lines):
            if component != "binder" and cause.rule != "BHD217":
                cause = CrashCause(None, None, cause.cause.replace("this BinderHub", "JupyterHub"), _HUB_FIX)
            found.append(cause)
    program = program_name()
    return [CrashCause(c.rule, c.name, c.cause, c.fix.format(program=program)) for c in found]
