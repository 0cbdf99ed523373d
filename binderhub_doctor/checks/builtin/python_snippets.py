"""Python snippets the charts run as configuration: BinderHub's `extraConfig` and the hub's
`jupyterhub.hub.extraConfig`. Each is compiled, never executed."""

from __future__ import annotations

import re
import sys
import warnings

from ..base import Hit, line_in_block
from ..kinds import builtin

# (values path of the snippets, what a snippet that does not compile costs)
SNIPPETS = (
    (("extraConfig",), "binderhub_config.py runs it, so BinderHub starts without any of its configuration"),
    (("jupyterhub", "hub", "extraConfig"), "jupyterhub_config.py runs it, so the hub does not start"),
)
# The newest Python the images run (z2jh images/hub/Dockerfile@48ea50e3: python:3.14; binderhub
# helm-chart/images/binderhub/Dockerfile@b9fad995: python:3.13). An older Python here may refuse
# grammar those accept (PEP 701 f-strings in 3.12, `except A, B:` in 3.14), so its verdict on
# anything but indentation is only a warning.
IMAGE_PYTHON = (3, 14)
# Mistakes no Python grammar accepts, whichever version reports them: brackets that do not pair.
_ANY_PYTHON = re.compile(r"was never closed|^unmatched|^closing parenthesis")


@builtin
def compiles(values, spec, context):
    for base, consequence in SNIPPETS:
        snippets = values.get(base)
        if isinstance(snippets, str):  # z2jh before 0.8 took one string
            named = [(base, snippets)]
        elif isinstance(snippets, dict):
            named = [(base + (key,), text) for key, text in snippets.items() if isinstance(text, str)]
        else:
            continue
        for path, text in named:
            hit = _compile_hit(values, path, text, consequence)
            if hit:
                yield hit


def _compile_hit(values, path: tuple, text: str, consequence: str) -> Hit | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like: not our finding
            compile(text, values.display_path(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        line = exc.lineno or 1
        where = f"line {line} of the snippet"
        certain = isinstance(exc, IndentationError) or _ANY_PYTHON.search(exc.msg or "")  # TabError too
        older = sys.version_info[:2] < IMAGE_PYTHON and not certain
        checked = (f" (checked with Python {sys.version_info[0]}.{sys.version_info[1]}; the image's newer "
                   "Python may accept it)") if older else ""
        return Hit(path, f"{values.display_path(path)} is not valid Python: {exc.msg} at {where}{checked}; "
                         f"{consequence}",
                   severity="warning" if older else None,
                   position=line_in_block(values, path, line, exc.offset or 1))
    except ValueError as exc:  # a NUL character in the text
        return Hit(path, f"{values.display_path(path)} cannot be compiled as Python: {exc}; {consequence}")
    except (RecursionError, MemoryError):  # nested beyond what this compiler takes: nothing to conclude
        return None
    return None
