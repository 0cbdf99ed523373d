"""The project's own entry points agree with what README promises."""

from __future__ import annotations

import re

from support.tools import REPO_ROOT, released_versions

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


def test_the_package_reports_the_version_it_is_built_as():
    from binderhub_doctor import __version__

    package = re.search(r'^version = "([^"]+)"', (REPO_ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert __version__ == package


# Where the documents pin a version: pre-commit's rev, helm's --version, pip's git+…@ref.
# (`--version` elsewhere is the BinderHub chart's version, not ours.)
_PINS = re.compile(r"(?:\brev:\s*|helm plugin install [^\n]*--version\s+|binderhub-doctor@)v?(\d+\.\d+\.\d+)\b")


def test_no_document_pins_a_version_that_is_not_released():
    """`rev: v0.1.0` before v0.1.0 is tagged fails for everyone who copies it."""
    released = set(released_versions())
    documents = [REPO_ROOT / "README.md", *(REPO_ROOT / "docs").glob("*.md"), *(REPO_ROOT / "examples").glob("*.yaml")]
    pinned = {(doc.name, version) for doc in documents for version in _PINS.findall(doc.read_text(encoding="utf-8"))
              if doc.name != "rules.md"}
    assert {(name, version) for name, version in pinned if version not in released} == set()


def test_the_changelog_keeps_an_unreleased_section_first():
    text = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## .*$", text, re.MULTILINE)
    assert headings and headings[0] == "## [Unreleased]"
    assert "keepachangelog.com" in text and (REPO_ROOT / "docs" / "releasing.md").is_file()


def test_readme_documents_shell_completion_and_quiet():
    assert "_BINDERHUB_DOCTOR_COMPLETE=bash_source binderhub-doctor" in README
    assert "`-q`, `--quiet`" in README


def test_every_package_folder_is_installed():
    """pyproject lists the packages by hand (rules/ is mapped in): a new package left out works
    in the editable .venv but is missing from the plugin's and pre-commit's real installs."""
    import tomllib

    listed = set(tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    package = REPO_ROOT / "binderhub_doctor"
    folders = {".".join(init.parent.relative_to(REPO_ROOT).parts) for init in package.rglob("__init__.py")}
    assert folders - listed == set()
