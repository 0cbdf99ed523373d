"""The test run itself: scripts/test --fast runs the tests on two pytest-xdist workers, and a
worker must keep what a single process has (tests/conftest.py, pyproject.toml's options)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from support.tools import FIXTURES, REPO_ROOT

PROBES = FIXTURES / "test-runner"


@pytest.mark.slow  # starts pytest and two workers
def test_xdist_workers_keep_markers_skips_failures_and_the_hypothesis_profile():
    env = {key: value for key, value in os.environ.items() if key != "HYPOTHESIS_PROFILE"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "--continue-on-collection-errors",
         "-m", "not slow and not helm and not registry",
         str(PROBES / "probe.py"), str(PROBES / "probe_unregistered_marker.py")],
        cwd=REPO_ROOT, env={**env, "HYPOTHESIS_PROFILE": "ci"}, capture_output=True, text=True, timeout=300,
        check=False)
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "[gw0]" in out or "[gw1]" in out, "the probes did not run on xdist workers"
    assert "this test needs helm but is not marked @pytest.mark.helm" in out  # require_marker
    assert "printed by the failing probe" in out and "AssertionError" in out  # a failure shows its output
    assert "the probe's reason to skip" in out  # -ra names the skip
    assert "'unregistered' not found in `markers` configuration option" in out  # --strict-markers
    assert "1 passed" in out, out  # the profile probe
