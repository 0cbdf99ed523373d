"""errors: the one-line usage error (exit 2), and lower layers' own input errors turned into it."""

from __future__ import annotations

import pytest

from binderhub_doctor.errors import EXIT_USAGE, UsageProblem, usage_errors
from binderhub_doctor.probes import ProbeInputError


def test_usage_errors_turns_only_the_named_errors_into_a_usage_problem():
    with pytest.raises(UsageProblem) as caught, usage_errors(ProbeInputError, KeyError):
        raise ProbeInputError("--repo `x`: expected owner/name")
    assert caught.value.exit_code == EXIT_USAGE == 2
    assert caught.value.format_message() == "--repo `x`: expected owner/name"
    assert caught.value.__suppress_context__  # `from None`: no chained traceback to show
    with pytest.raises(ValueError), usage_errors(ProbeInputError):
        raise ValueError("a bug stays a bug")


def test_a_usage_problem_is_one_line_on_stderr(capsys, monkeypatch):
    monkeypatch.delenv("BINDERHUB_DOCTOR_PROG", raising=False)
    UsageProblem("config.yaml:3: bad\nsecond line").show()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("binderhub-doctor: error: config.yaml:3: bad")
