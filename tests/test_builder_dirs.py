"""Two releases' dind/pink directories (BHD613): compared only across the values sets linted
together, and reported in the later set."""

from __future__ import annotations

import json

from support.tools import invoke


def write(folder, text: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(text, encoding="utf-8")
    return folder / "config.yaml"


def shared(run) -> list[dict]:
    return [f for f in json.loads(run.stdout)["findings"] if f["name"] == "builder-dirs-shared"]


def test_two_folders_with_default_dind_dirs(tmp_path):
    prod = write(tmp_path / "prod", "imageBuilderType: dind\n")
    staging = write(tmp_path / "staging", "imageBuilderType: dind\n")
    found = shared(invoke("lint", "--format", "json", "--folder-sets", prod, staging))
    assert [(f["file"], f["line"], f["severity"]) for f in found] == [(str(staging), 1, "warning")]
    assert str(prod) in found[0]["message"] and "the default" in found[0]["message"]
    # one set alone has nothing to compare
    assert not shared(invoke("lint", "--format", "json", staging))


def test_own_dirs_or_other_builders_share_nothing(tmp_path):
    prod = write(tmp_path / "prod", "imageBuilderType: dind\n")
    own = write(tmp_path / "staging", "imageBuilderType: dind\ndind:\n  hostLibDir: /var/lib/dind/staging\n"
                                      "  hostSocketDir: /var/run/dind/staging\n")
    host = write(tmp_path / "dev", "imageBuilderType: host\n")
    assert not shared(invoke("lint", "--format", "json", "--folder-sets", prod, own, host))


def test_old_charts_choose_dind_with_dind_enabled(tmp_path):
    prod = write(tmp_path / "prod", "dind:\n  enabled: true\n")
    staging = write(tmp_path / "staging", "dind:\n  enabled: true\n  hostLibDir: /var/lib/dind/staging\n")
    run = invoke("lint", "--format", "json", "--chart-version", "0.2.0-n900.h0000000", "--folder-sets", prod, staging)
    found = shared(run)
    assert [(f["line"], f["path"]) for f in found] == [(2, "dind.enabled")]
    assert "hostSocketDir" in found[0]["message"] and "hostLibDir" not in found[0]["message"]


def test_a_suppression_in_the_later_set_is_honoured(tmp_path):
    prod = write(tmp_path / "prod", "imageBuilderType: dind\n")
    staging = write(tmp_path / "staging", "imageBuilderType: dind  # binderhub-doctor: disable=builder-dirs-shared\n")
    run = invoke("lint", "--format", "json", "--folder-sets", prod, staging)
    assert not shared(run)
    assert "unused-suppression" not in {f["name"] for f in json.loads(run.stdout)["findings"]}
