"""Image cleaner thresholds (BHD611) and cordoning on one node (BHD612), by the cleaner version
the chart pins (or the tag the values set)."""

from __future__ import annotations

import pytest

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from support.tools import values_of

RULES = load_rules()
ALPHA_CHART = "0.2.0-n900.h0000000"  # pins docker-image-cleaner 1.0.0-alpha.2
BETA_2_CHART = "0.2.0-n1000.h0000000"  # 1.0.0-beta.2: low read but unused, any type but relative is absolute


def findings(tmp_path, config: str, rule: str, chart_version: str | None = None):
    result = lint(values_of(tmp_path, config), RULES, chart_version=chart_version, raise_errors=True)
    return [f for f in result.findings if f.rule == rule]


@pytest.mark.parametrize("chart_version, tag, severity", [
    (None, None, "error"),  # beta.3 raises ValueError for 80 bytes
    (BETA_2_CHART, None, "error"),
    (ALPHA_CHART, None, "warning"),  # alpha reads 80 bytes and prunes all the time
    (None, "1.0.0-alpha.2", "warning"),
    (None, "my-fork", "warning"),  # a cleaner this tool does not know: wrong either way, not known to stop
])
def test_percent_in_absolute_mode(tmp_path, chart_version, tag, severity):
    image = f"  image:\n    tag: {tag}\n" if tag else ""
    config = f"imageCleaner:\n  imageGCThresholdType: absolute\n  imageGCThresholdHigh: 80\n{image}"
    found = findings(tmp_path, config, "BHD611", chart_version)
    assert [f.severity for f in found] == [severity]


def test_an_unknown_type_stops_only_the_newest_cleaner(tmp_path):
    config = "imageCleaner:\n  imageGCThresholdType: percent\n"
    assert [f.severity for f in findings(tmp_path, config, "BHD611")] == ["error"]
    # beta.2 treats it as absolute: the default high threshold of 80 is then 80 bytes
    assert "1 GiB" in findings(tmp_path, config, "BHD611", BETA_2_CHART)[0].message


def test_low_above_high_matters_only_to_cleaners_that_read_it(tmp_path):
    config = "imageCleaner:\n  imageGCThresholdHigh: 70\n  imageGCThresholdLow: 75\n"
    assert not findings(tmp_path, config, "BHD611")
    assert [f.line for f in findings(tmp_path, config, "BHD611", ALPHA_CHART)] == [3]


def test_bytes_as_yaml_floats_are_bytes(tmp_path):
    """mybinder.org writes `40e9`: Helm reads a float64, the chart quotes it, the cleaner float()s it."""
    config = "imageCleaner:\n  imageGCThresholdType: absolute\n  imageGCThresholdHigh: 40e9\n  imageGCThresholdLow: 10e9\n"
    assert not findings(tmp_path, config, "BHD611")


def test_cordon_on_a_single_node_only_where_it_can_be_turned_off(tmp_path):
    config = "config:\n  BinderHub:\n    use_registry: false\n"
    assert [f.severity for f in findings(tmp_path, config, "BHD612")] == ["info"]
    assert not findings(tmp_path, config, "BHD612", chart_version="1.0.0-0.dev.git.3600.h0000000")
    assert not findings(tmp_path, config + "imageCleaner:\n  enabled: false\n", "BHD612")
