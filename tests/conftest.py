import os
import sys
from pathlib import Path

from hypothesis import settings

# `support` holds the test helpers (tools, servers); make it importable as a top-level package.
sys.path.insert(0, str(Path(__file__).parent))

# Hypothesis: the same examples on every run unless asked otherwise, so CI never goes red at
# random. `scripts/test --random` (HYPOTHESIS_PROFILE=random) explores new examples and keeps
# the failures it finds in .hypothesis/ to replay.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("random", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    # A run that deselects `helm` or `registry` (scripts/test --fast) must not meet a test that
    # needs them unmarked: support.tools.require_marker fails such a test, naming the marker.
    expression = config.option.markexpr or ""
    left_out = [name for name in ("helm", "registry") if f"not {name}" in expression]
    os.environ["BHD_TESTS_LEAVE_OUT"] = " ".join(left_out)
