"""data_files: YAML data files parsed once per change (kept in the user's cache folder), and the
models built from them, built once per change."""

from __future__ import annotations

import os

import yaml

from binderhub_doctor import data_files
from binderhub_doctor.models import traits


def test_the_parse_cache_holds_the_same_data(tmp_path, monkeypatch):
    assert data_files._Loader is yaml.CSafeLoader, "libyaml's loader keeps `lint` start-up fast"
    monkeypatch.setenv("BINDERHUB_DOCTOR_CACHE_DIR", str(tmp_path))
    parsed = yaml.safe_load(traits.DATA_FILE.read_text(encoding="utf-8"))
    assert data_files.load_yaml(traits.DATA_FILE) == parsed  # parsed, then stored
    assert list(tmp_path.iterdir())
    assert data_files.load_yaml(traits.DATA_FILE) == parsed  # from the cache


def test_a_model_is_built_once_per_change_of_its_file(tmp_path, monkeypatch):
    monkeypatch.setenv("BINDERHUB_DOCTOR_CACHE_DIR", "")  # no parse cache: only `built` remembers
    source = tmp_path / "model.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    builds = []

    def build(content):
        builds.append(content)
        return dict(content)

    first = data_files.built(source, build)
    assert data_files.built(source, build) is first and builds == [{"a": 1}]
    assert data_files.built(source, dict) is not first  # another build of the same file: its own entry
    source.write_text("a: 22\n", encoding="utf-8")  # another size
    assert data_files.built(source, build) == {"a": 22}
    stat = source.stat()
    source.write_text("a: 33\n", encoding="utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # same size, another time
    assert data_files.built(source, build) == {"a": 33}
    assert builds == [{"a": 1}, {"a": 22}, {"a": 33}]
