"""The package's layers (docs/contributing.md, "Where things are"): each imports only what is
below it, so a reader knows from a folder's name what its modules may touch. Read from the
source with ast, lazy imports inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "binderhub_doctor"

# layer -> the layers (and outside modules) its modules must never import
FORBIDDEN = {
    "models": ("binderhub_doctor.checks", "binderhub_doctor.commands", "binderhub_doctor.probes",
               "binderhub_doctor.reporters", "binderhub_doctor.engine", "binderhub_doctor.cli", "click"),
    "checks": ("binderhub_doctor.commands", "binderhub_doctor.probes", "binderhub_doctor.reporters",
               "binderhub_doctor.engine", "binderhub_doctor.cli", "click"),
    "probes": ("binderhub_doctor.commands", "binderhub_doctor.checks", "binderhub_doctor.engine",
               "binderhub_doctor.cli", "binderhub_doctor.errors", "click"),
    # (reporters may format a probe's report: probes.report is data)
    "reporters": ("binderhub_doctor.commands", "binderhub_doctor.checks", "binderhub_doctor.cli"),
}


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports made absolute."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer):
    wrong = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in sorted(imported(path)):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert wrong == []


def test_the_import_reader_sees_relative_and_lazy_imports():
    found = imported(PACKAGE / "commands" / "doctor.py")
    assert {"binderhub_doctor.probes.github", "binderhub_doctor.models.registry.derive", "click"} <= found
    assert "binderhub_doctor.chart_versions" in imported(PACKAGE / "models" / "chart.py")
