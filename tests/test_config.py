"""`.binderhub-doctor.yaml`: found upwards, every setting read, every mistake one clear error;
select/ignore/severity/per-file-ignores change what the engine reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from binderhub_doctor.config import Config, ConfigError, find_config, load_config
from binderhub_doctor.engine import lint
from binderhub_doctor.ruleset import load_rules
from binderhub_doctor.values import load_values
from support.tools import copy_values, invoke

RULES = load_rules()
BY_ID = {rule.id: rule for rule in RULES}


def write_config(folder: Path, text: str) -> Path:
    path = folder / ".binderhub-doctor.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_setting_is_read(tmp_path):
    path = write_config(tmp_path, "select: [BHD2, hub-url-form]\nignore: BHD104\nseverity: {BHD203: error}\n"
                                  "per-file-ignores: {'staging/*.yaml': [BHD301]}\nrules: [org-rules/]\n"
                                  "chart-version: 1.0.0-0.dev.git.3959.hb9fad995\nvalues-key: binderhub\n"
                                  "secret-files: [secrets/prod.yaml]\n")
    config = load_config(path)
    assert config.select == ["BHD2", "hub-url-form"] and config.ignore == ["BHD104"]
    assert config.severity == {"BHD203": "error"}
    assert config.per_file_ignores == {"staging/*.yaml": ["BHD301"]}
    assert config.rule_dirs == [tmp_path / "org-rules"] and config.secret_files == [tmp_path / "secrets/prod.yaml"]
    assert (config.chart_version, config.values_key) == ("1.0.0-0.dev.git.3959.hb9fad995", "binderhub")


def test_found_from_a_subfolder_upwards(tmp_path):
    path = write_config(tmp_path, "ignore: [BHD505]\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == path
    (deep / ".binderhub-doctor.yml").write_text("ignore: []\n")
    assert find_config(deep) == deep / ".binderhub-doctor.yml"  # the nearest wins


@pytest.mark.parametrize("text, message", [
    ("selct: [BHD2]\n", "unknown setting(s) selct"),
    ("- BHD2\n", "must be a mapping of settings"),
    ("select: {a: 1}\n", "select must be a list of strings"),
    ("severity: {BHD203: fatal}\n", "severity must map rule ids to one of info, warning, error"),
    ("per-file-ignores: [BHD301]\n", "per-file-ignores must map file patterns to lists of rule ids"),
    ("select: [\n", "config file is not valid YAML"),
])
def test_a_broken_config_is_one_clear_error(tmp_path, text, message):
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(path)


def test_a_broken_config_file_stops_lint_with_exit_2(tmp_path):
    folder = copy_values("gcr", tmp_path / "deploy")
    write_config(folder, "selct: [BHD2]\n")
    run = invoke("lint", cwd=folder)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("binderhub-doctor: error: ") and "unknown setting(s) selct" in run.stderr
    assert run.stderr.count("\n") == 1


def lint_with(tmp_path, config: Config, name: str = "gcr-prefix-with-scheme"):
    folder = copy_values(name, tmp_path / name)
    return lint(load_values([folder / "secret.yaml", folder / "config.yaml"]), RULES, config).findings


def test_select_and_ignore_by_prefix_or_name(tmp_path):
    assert "BHD201" in {f.rule for f in lint_with(tmp_path, Config())}
    assert {f.rule for f in lint_with(tmp_path, Config(select=["BHD2"]))} == {"BHD201"}
    assert "BHD201" not in {f.rule for f in lint_with(tmp_path, Config(ignore=["image-prefix-form"]))}
    assert Config(select=["BHD2"]).enabled(BY_ID["BHD203"]) and not Config(select=["BHD2"]).enabled(BY_ID["BHD101"])


def test_severity_override(tmp_path):
    [finding] = [f for f in lint_with(tmp_path, Config(severity={"BHD201": "warning"})) if f.rule == "BHD201"]
    assert finding.severity == "warning"
    assert Config(severity={"image-prefix-form": "info"}).severity_override(BY_ID["BHD201"]) == "info"


def test_per_file_ignores_match_the_file_name_or_its_path_from_the_config(tmp_path):
    config = Config(path=tmp_path / ".binderhub-doctor.yaml", per_file_ignores={"gcr-*/config.yaml": ["BHD201"]})
    assert "BHD201" not in {f.rule for f in lint_with(tmp_path, config)}
    other = Config(path=tmp_path / ".binderhub-doctor.yaml", per_file_ignores={"staging/*.yaml": ["BHD201"]})
    assert "BHD201" in {f.rule for f in lint_with(tmp_path, other)}
    assert Config(per_file_ignores={"config.yaml": ["BHD201"]}).ignored_in_file(BY_ID["BHD201"], "/x/config.yaml")
