"""BHD431 build-socket-name: only charts with hostSocketName (1.0.0-0.dev.git.3410 on) are judged."""

from __future__ import annotations

import pytest

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from support.tools import values_of

RULES = load_rules()
RENAMED = "imageBuilderType: pink\npink:\n  hostSocketName: podman-binder.sock\n"


@pytest.mark.parametrize("chart, reported", [("1.0.0-0.dev.git.3409.h0000000", False),
                                             ("1.0.0-0.dev.git.3410.h92609de", True)])
def test_only_charts_with_host_socket_name_are_judged(tmp_path, chart, reported):
    result = lint(values_of(tmp_path, RENAMED), RULES, chart_version=chart)
    found = [f for f in result.findings if f.rule == "BHD431"]
    assert bool(found) is reported
    if reported:
        assert "/var/run/pink/podman-binder.sock" in found[0].message
        assert "/var/run/pink/podman.sock" in found[0].message
