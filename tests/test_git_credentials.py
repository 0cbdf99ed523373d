"""BHD111 git-credentials-format: git's credential lines, in either of the forms BinderHub passes on."""

from __future__ import annotations

import pytest

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from support.tools import values_of

RULES = load_rules()
TOKEN = "glpat-" + "Zx9" * 7


def found(tmp_path, credentials_yaml: str):
    secret = f"config:\n  GitLabRepoProvider:\n    git_credentials: {credentials_yaml}\n"
    return [f for f in lint(values_of(tmp_path, "{}\n", secret), RULES).findings if f.rule == "BHD111"]


@pytest.mark.parametrize("credentials", [
    f'"username=binder\\npassword={TOKEN}"',  # real line breaks
    f"'username=binder\\npassword={TOKEN}'",  # a literal backslash-n, as BinderHub's defaults write it
    f'"protocol=https\\nhost=gitlab.example.org\\nusername=oauth2\\npassword={TOKEN}\\n"',
])
def test_git_credential_lines_pass(tmp_path, credentials):
    assert found(tmp_path, credentials) == []


@pytest.mark.parametrize("credentials, named", [
    (TOKEN, "no `key=value` line"),
    ("'username=binder'", "`password=`"),
    (f"'{TOKEN}\\nusername=binder'", "a line without `=`"),
])
def test_a_bare_token_or_a_missing_line_is_reported_without_the_token(tmp_path, credentials, named):
    [finding] = found(tmp_path, credentials)
    assert named in finding.message
    assert TOKEN not in finding.message and finding.severity == "warning"
