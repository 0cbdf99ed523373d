"""Every regular expression binderhub-doctor applies to input, found without a list to keep up:

- module-level compiled patterns (`_DIRECTIVE = re.compile(...)`) in every module of the package;
- pattern literals passed straight to `re.search(r"...", text)` and friends (read from the source
  with `ast`);
- patterns in the shipped data files (`regex:` in the trait catalogue, `key_pattern:` in the
  chart model).

`slowest_run(pattern, n)` applies a pattern, with `search` and with `fullmatch`, to adversarial
lines of n characters: a prefix that gets past the pattern's opening (`password:`,
`# binderhub-doctor: disable=`, `%(a)`, `1.0.0-`...) followed by n copies of one character and a
character that makes the match fail at the very end, which is what makes a backtracking engine
try every split of the run. Rule patterns from organisations' rule files run on RE2 and are not
listed here.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import time
from pathlib import Path

import binderhub_doctor

PACKAGE = Path(binderhub_doctor.__file__).resolve().parent
_RE_FUNCTIONS = {"compile", "match", "search", "fullmatch", "sub", "subn", "findall", "finditer", "split"}

# Openings of the inputs the patterns read: YAML lines and keys, suppression comments,
# WWW-Authenticate challenges, chart and helm versions, logging formats, class paths,
# extraConfig snippets, URLs, placeholders.
PREFIXES = ("", "password:", "  - password: a", "# binderhub-doctor: disable=", 'Bearer realm="', "a=",
            "%(a)", "1.0.0-0.dev.git.", "v1.", "a.A", "c.A", "class ", "2001-01-01 1:1:1.", "https://", "<", "{{")
FILLERS = (" ", "\t", "\n", "a", "A", "0", "1", ".", "-", ",", "=", '"', "%", "{")
END = "!"


def module_patterns():
    for info in pkgutil.walk_packages([str(PACKAGE)], "binderhub_doctor."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                yield f"{info.name}.{name}", value


def inline_patterns():
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _RE_FUNCTIONS and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "re" and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                source = ast.unparse(node)
                flags = (re.IGNORECASE if re.search(r"\bre\.I(GNORECASE)?\b", source) else 0) | \
                    (re.MULTILINE if re.search(r"\bre\.M(ULTILINE)?\b", source) else 0)
                where = path.relative_to(PACKAGE).as_posix()
                yield f"{where}:{node.lineno}", re.compile(node.args[0].value, flags)


def data_patterns():
    from binderhub_doctor.data_files import load_yaml

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("regex", "key_pattern") and isinstance(value, str):
                    yield f"{where}:{key}:{value}", re.compile(value, re.IGNORECASE if key == "regex" else 0)
                else:
                    yield from walk(value, where)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value, where)

    for name in ("traits.yaml", "chart-model.yaml"):
        yield from walk(load_yaml(PACKAGE / "data" / name), f"data/{name}")


def all_patterns() -> dict[str, re.Pattern]:
    """{where: pattern}, each pattern once (a module may import another's)."""
    found: dict[tuple, tuple[str, re.Pattern]] = {}
    for where, pattern in (*module_patterns(), *inline_patterns(), *data_patterns()):
        found.setdefault((pattern.pattern, pattern.flags), (where, pattern))
    return dict(found.values())


def slowest_run(pattern: re.Pattern, length: int) -> tuple[float, str]:
    worst, example = 0.0, ""
    for prefix in PREFIXES:
        for filler in FILLERS:
            line = prefix + filler * length + END
            for apply in (pattern.search, pattern.fullmatch):
                started = time.perf_counter()
                apply(line)
                seconds = time.perf_counter() - started
                if seconds > worst:
                    worst, example = seconds, f"{apply.__name__}({prefix!r} + {filler!r} * {length} + {END!r})"
    return worst, example
