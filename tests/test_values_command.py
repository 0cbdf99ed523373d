"""`binderhub-doctor values` (and `helm binder values`): the merged values as Helm passes them to
the chart, checked against the real helm."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from support.helm_setup import helm_env, helm_values_json, plugins_dir
from support.tools import invoke, isolated_helm_env

FIRST = "config:\n  BinderHub:\n    hub_url: http://first\n    n: 0x10\nlist: [1, 2]\nbig: 9007199254740993\n"
SECOND = "config:\n  BinderHub:\n    hub_url: http://second\n    extra: {a: 1e21, b: 1e-7}\nlist: [three]\n"


def helm_json(major: int, files: list[Path], tmp_path: Path) -> str:
    ok, text = helm_values_json(major, files, isolated_helm_env(tmp_path))
    assert ok, text
    return text


@pytest.fixture
def two_files(tmp_path):
    first, second = tmp_path / "config.yaml", tmp_path / "prod.yaml"
    first.write_text(FIRST)
    second.write_text(SECOND)
    return first, second


@pytest.mark.helm
def test_json_is_byte_for_byte_what_helm_prints(tmp_path, two_files):
    run = invoke("values", "--format", "json", *two_files, cwd=tmp_path)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    for major in (3, 4):
        assert run.stdout == helm_json(major, list(two_files), tmp_path) + "\n"
    assert json.loads(run.stdout)["config"]["BinderHub"]["hub_url"] == "http://second"


@pytest.mark.helm
def test_yaml_reads_back_in_helm_as_the_same_values(tmp_path, two_files):
    run = invoke("values", *two_files, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "hub_url: http://second\n" in run.stdout and "list:\n  - three\n" in run.stdout
    printed = tmp_path / "printed.yaml"
    printed.write_text(run.stdout)
    assert helm_json(3, [printed], tmp_path) == helm_json(3, list(two_files), tmp_path)


def test_show_origin_names_the_file_and_line_of_each_value(tmp_path, two_files):
    first, second = two_files
    text = invoke("values", "--show-origin", *two_files, cwd=tmp_path).stdout
    assert f"hub_url: http://second  # {second}:3\n" in text
    assert f'"false": 16  # {first}:4\n' in text  # `n:` is a boolean key for Helm
    origins = json.loads(invoke("values", "--show-origin", "--format", "json", *two_files, cwd=tmp_path).stdout)
    assert origins["origins"]["config.BinderHub.extra.a"] == f"{second}:4"
    assert origins["origins"]["big"] == f"{first}:6"
    assert origins["values"]["list"] == ["three"]


def test_values_key_shows_the_binderhub_part_of_a_meta_chart(tmp_path):
    path = tmp_path / "values.yaml"
    path.write_text("binderhub:\n  config:\n    BinderHub:\n      hub_url: http://x\nother: 1\n")
    assert json.loads(invoke("values", "--format", "json", path).stdout) == \
        {"config": {"BinderHub": {"hub_url": "http://x"}}}
    assert json.loads(invoke("values", "--format", "json", "--no-values-key", path).stdout)["other"] == 1


def test_secrets_are_redacted(tmp_path):
    path = tmp_path / "secret.yaml"
    token = "ghp_" + "a1B2" * 9
    path.write_text(f"config:\n  GitHubRepoProvider:\n    access_token: {token}\nregistry:\n  username: u\n")
    for fmt in ("yaml", "json"):
        run = invoke("values", "--format", fmt, path)
        assert run.returncode == 0 and token not in run.stdout and token[4:20] not in run.stdout
        assert "ghp_…(40 chars)" in run.stdout


@pytest.mark.helm
def test_a_file_helm_refuses_is_one_error_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("config:\n  BinderHub:\n    use_registry: !!bool 1\n")
    for major in (3, 4):
        ok, error = helm_values_json(major, [path], isolated_helm_env(tmp_path))
        assert not ok and "cannot decode !!int `1` as a !!bool" in error
    run = invoke("values", path)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.splitlines() == [
        f"binderhub-doctor: error: {path}:3:19: Helm refuses this file: the tag does not fit the value: "
        "cannot decode !!int `1` as a !!bool, so Helm refuses the file"]


@pytest.mark.helm
@pytest.mark.parametrize("major", [3, 4])
def test_helm_binder_values_passes_through(tmp_path, two_files, major):
    env = helm_env(tmp_path, major)
    env["HELM_PLUGINS"] = str(plugins_dir(tmp_path))
    through_helm = subprocess.run([env["HELM_BIN"], "binder", "values", "--format", "json", *map(str, two_files)],
                                  env=env, capture_output=True, text=True, timeout=120)
    assert through_helm.returncode == 0, through_helm.stderr
    assert through_helm.stdout == helm_json(major, list(two_files), tmp_path) + "\n"


@pytest.mark.parametrize("encrypted, kind", [("enc.secret.values.yaml", "SOPS"), ("git-crypt.secret.yaml", "git-crypt")])
def test_an_encrypted_file_is_refused_not_shown_without_its_values(encrypted, kind):
    """Helm would get ciphertext (SOPS) or nothing it can read (git-crypt): `values` cannot show
    what Helm will see, so it says so instead of printing the rest as if it were complete."""
    from support.tools import FIXTURES

    run = invoke("values", str(FIXTURES / "encrypted" / "config.yaml"), str(FIXTURES / "encrypted" / encrypted))
    assert run.returncode == 2 and run.stdout == ""
    assert f"{encrypted}: encrypted" in run.stderr and kind in run.stderr and "decrypted" in run.stderr
    assert len(run.stderr.splitlines()) == 1
