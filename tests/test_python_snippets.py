"""BHD521 python-snippet-syntax: extraConfig snippets are compiled (never run), and a mistake is
reported at its line inside the block scalar."""

from __future__ import annotations

import sys

from binderhub_doctor.checks.builtin.python_snippets import IMAGE_PYTHON
from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from support.tools import values_of

RULES = load_rules()


def findings(tmp_path, config: str):
    return [f for f in lint(values_of(tmp_path, config), RULES).findings if f.rule == "BHD521"]


def test_a_snippet_is_compiled_not_run(tmp_path):
    marker = tmp_path / "ran"
    found = findings(tmp_path, f"extraConfig:\n  00-run: |\n    open({str(marker)!r}, 'w').write('x')\n")
    assert found == []
    assert not marker.exists()


def test_the_finding_points_at_the_line_inside_the_snippet(tmp_path):
    config = ("jupyterhub:\n  hub:\n    extraConfig:\n      00-ok: |\n        x = 1\n"
              "      01-bad: |\n        import os\n\n        def f():\n        return 1\n")
    [found] = findings(tmp_path, config)
    assert (found.line, found.column) == (10, 9)
    assert found.severity == "error"  # bad indentation: no Python accepts it
    assert "line 4 of the snippet" in found.message
    assert found.path == "jupyterhub.hub.extraConfig.01-bad"


def test_a_mistake_a_newer_grammar_may_accept_is_only_certain_on_the_images_python(tmp_path):
    [found] = findings(tmp_path, "extraConfig:\n  00-bad: |\n    x = = 1\n")
    expected = "error" if sys.version_info[:2] >= IMAGE_PYTHON else "warning"
    assert found.severity == expected
    assert (found.line, found.column) == (3, 9)


def test_the_snippet_text_is_not_quoted(tmp_path):
    token = "ghp_" + "Q" * 36
    [found] = findings(tmp_path, f"extraConfig:\n  00-token: |\n    c.GitHubRepoProvider.access_token = '{token}'\n    )\n")
    assert token not in found.message


def test_a_quoted_snippet_is_reported_where_it_starts(tmp_path):
    [found] = findings(tmp_path, 'extraConfig:\n  00-bad: "x = (\\n"\n')
    assert (found.line, found.column) == (2, 11)
