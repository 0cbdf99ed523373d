"""The project's own entry points agree with what README promises."""

from __future__ import annotations

import re

from support.tools import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _commands(script: str) -> list[str]:
    lines = (line.strip() for line in (REPO_ROOT / script).read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#") and not line.startswith(("set ", "cd "))]


def test_ci_runs_exactly_the_readme_test_command():
    assert "```sh\n./scripts/test --fast\n./scripts/test\n```" in README
    assert _commands(".ci/run") == ["./scripts/test"]


def test_the_full_test_command_runs_the_static_checks_before_the_tests():
    commands = _commands("scripts/test")
    assert commands.index("./scripts/lint") < next(i for i, c in enumerate(commands) if c.startswith("exec ") and
                                                     "pytest" in c and "not slow" not in c)


def test_plugin_version_is_the_package_version():
    package = re.search(r'^version = "([^"]+)"', (REPO_ROOT / "pyproject.toml").read_text(), re.M).group(1)
    plugin = re.search(r'^version: "?([^"\n]+)"?', (REPO_ROOT / "plugin.yaml").read_text(), re.M).group(1)
    assert plugin == package
