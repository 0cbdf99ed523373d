"""Values of a chart that holds BinderHub as a dependency: BinderHub's values are under its key
(found from the chart's own Chart.yaml, or from the values' shape, also one chart deeper), and
the parent chart's own keys beside it are the parent's business."""

from __future__ import annotations

import json

from support.tools import invoke

CHART = ("apiVersion: v2\nname: gesisbinder\nversion: 0.1.1\ndependencies:\n"
         "  - name: binderhub\n    version: 0.2.0-n181.h23ae206\n    repository: https://jupyterhub.github.io/helm-chart\n")
# The parent chart runs its own image cleaner, configured by its own top-level `imageCleaner`.
PARENT_DEFAULTS = ("binderhub:\n  config:\n    BinderHub:\n      hub_url: https://hub.example.org\n"
                   "imageCleaner:\n  enabled: false\n  days: 30\n")


def lint_json(folder, *args):
    run = invoke("lint", "--format", "json", *args, cwd=folder)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def parent_chart(tmp_path):
    """A deployment folder holding its parent chart (gesisbinder/) beside its config.yaml."""
    chart = tmp_path / "gesisbinder"
    chart.mkdir()
    (chart / "Chart.yaml").write_text(CHART)
    (chart / "values.yaml").write_text(PARENT_DEFAULTS)
    return tmp_path


def test_the_values_key_comes_from_the_parent_chart(tmp_path):
    parent_chart(tmp_path)
    (tmp_path / "config.yaml").write_text("imageCleaner:\n  days: 7\nbinderhub:\n  replicas: 1\n")
    report = lint_json(tmp_path, "gesisbinder/values.yaml", "config.yaml")
    assert report["summary"]["values_key"] == "binderhub"
    # the parent's own imageCleaner is neither BinderHub's unknown keys nor a misplaced BinderHub block
    assert not [f for f in report["findings"] if (f["path"] or "").startswith("imageCleaner")
                or f["rule"] in ("BHD401", "BHD415")], report["findings"]


def test_binderhub_keys_the_parent_does_not_have_are_still_the_known_mistake(tmp_path):
    parent_chart(tmp_path)
    (tmp_path / "config.yaml").write_text("imageBuilderType: dind\n")
    report = lint_json(tmp_path, "gesisbinder/values.yaml", "config.yaml")
    (misplaced,) = [f for f in report["findings"] if f["rule"] == "BHD415"]
    assert "imageBuilderType" in misplaced["message"] and misplaced["file"] == "config.yaml"


def test_an_alias_names_the_values_key(tmp_path):
    (tmp_path / "Chart.yaml").write_text(CHART.replace("    repository:", "    alias: binder\n    repository:"))
    (tmp_path / "values.yaml").write_text("binder:\n  replicas: 1\n")
    assert lint_json(tmp_path, "values.yaml")["summary"]["values_key"] == "binder"


def test_a_chart_of_a_chart_is_detected(tmp_path):
    (tmp_path / "values.yaml").write_text(
        "persistent_binderhub:\n  binderhub:\n    config:\n      BinderHub:\n        image_prefx: examplebot/binder-\n")
    report = lint_json(tmp_path, "values.yaml")
    assert report["summary"]["values_key"] == "persistent_binderhub.binderhub"
    (typo,) = [f for f in report["findings"] if f["rule"] == "BHD302"]
    assert typo["path"] == "persistent_binderhub.binderhub.config.BinderHub.image_prefx"


def test_a_chart_of_a_chart_beside_binderhub_keys_gets_the_hint(tmp_path):
    (tmp_path / "values.yaml").write_text("persistent_binderhub:\n  binderhub:\n    replicas: 1\nconfig: {}\n")
    report = lint_json(tmp_path, "values.yaml")
    (hint,) = [f for f in report["findings"] if f["path"] == "persistent_binderhub"]
    assert "--values-key persistent_binderhub.binderhub" in hint["message"]
