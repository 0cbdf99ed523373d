"""What a finding says happens is what BinderHub's source at the linted version does (issue 11,
item 6): each claim below was read in jupyterhub/binderhub (or traitlets) and is cited in the rule."""

from __future__ import annotations

import pytest

from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from binderhub_doctor.values import load_values

RULES = load_rules()


def findings(tmp_path, text, rule):
    values = tmp_path / "config.yaml"
    values.write_text(text)
    return [f for f in lint(load_values([values]), RULES).findings if f.rule == rule]


@pytest.mark.parametrize("text, severity, effect", [
    ("config:\n  Launcher:\n    retries: \"4\"\n", "error", "stops at start-up"),
    ("config:\n  GitHubRepoProvider:\n    hostname: 12\n", "error", "every launch from this provider fails"),
    ("config:\n  KubernetesCleaner:\n    max_age: \"3600\"\n", "warning", "cleaner's background task stops"),
    ("config:\n  BinderHub:\n    use_registry: false\n  DockerRegistry:\n    token_url: null\n",
     "warning", "never read while use_registry is false"),
])
def test_a_wrong_type_does_what_the_class_does_with_it(tmp_path, text, severity, effect):
    (hit,) = findings(tmp_path, text, "BHD303")
    assert hit.severity == severity and effect in hit.message


def test_a_config_section_that_is_no_mapping_discards_the_config_file(tmp_path):
    (hit,) = findings(tmp_path, "config:\n  GitHubRepoProvider:\n", "BHD304")
    assert "Exception while loading config file" in hit.message and "crash" not in hit.message


def test_memory_request_only_fills_in_the_default_of_resources(tmp_path):
    base = "config:\n  KubernetesBuildExecutor:\n    memory_request: 1G\n"
    (alone,) = findings(tmp_path, base, "BHD305")
    assert "default of `config.KubernetesBuildExecutor.resources`" in alone.message
    assert "copies" not in alone.message
    (ignored,) = findings(tmp_path, base + "    resources: {requests: {memory: 2G}}\n", "BHD305")
    assert "ignores this line without a word" in ignored.message and "replaces" not in ignored.message


@pytest.mark.parametrize("token_url, reported", [
    ("https://gitlab.example.org/jwt/auth", False),  # GitLab's service is container_registry
    ("https://registry.example.org/v2/token", True),
    ("https://registry.example.org/v2/token?service=registry.example.org", False),
])
def test_token_url_without_a_service_is_right_only_for_gitlab(tmp_path, token_url, reported):
    found = findings(tmp_path, f"config:\n  DockerRegistry:\n    token_url: {token_url}\n", "BHD213")
    assert bool(found) == reported


@pytest.mark.parametrize("base_url, reported", [(None, True), ("/", True), ("/hub/", False), ("/hub", False)])
def test_hub_url_ending_in_hub_is_right_when_the_hub_is_served_there(tmp_path, base_url, reported):
    text = "config:\n  BinderHub:\n    hub_url: https://example.org/hub/\n"
    if base_url is not None:
        text += f"jupyterhub:\n  hub:\n    baseUrl: {base_url}\n"
    assert bool(findings(tmp_path, text, "BHD502")) == reported


def test_use_registry_off_says_what_the_credentials_still_do(tmp_path):
    (hit,) = findings(tmp_path, "registry:\n  username: bot\n  password: pw-123456789\n"
                                "config:\n  BinderHub:\n    use_registry: false\n", "BHD216")
    assert "pull private base images" in hit.message and "single node" in hit.message

