"""The chart-layout rules (rules/chart.yaml, BHD4xx) and their model, data/chart-model.yaml.

Evidence, in order:
1. the model agrees with the charts' own schemas (read from ../shared/realworld, never copied
   into the project): every declared key, type, enum, strictness and requirement, and which keys
   the charts' defaults hold; and, with BHD_Z2JH_GIT naming a git dir of zero-to-jupyterhub-k8s,
   each JupyterHub chart version a BinderHub chart pins agrees with the model's view of it;
2. real helm 3 and 4, validating values against those schemas, refuse exactly the values our
   rules call errors (the schema-level ones), at the newest chart and (BHD_Z2JH_GIT) at the
   JupyterHub chart each BinderHub chart pins;
3. real deployments lint without a BHD4xx error, and the corpus cases are met;
4. each rule, its messages, chart-version gates, null semantics and the meta-chart trap.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from binderhub_doctor import chart_versions
from binderhub_doctor.checks.base import Context
from binderhub_doctor.checks.builtin import chart_layout
from binderhub_doctor.data_files import load_yaml
from binderhub_doctor.documents import Document, parse_text
from binderhub_doctor.engine import lint
from binderhub_doctor.models import chart as model_file
from binderhub_doctor.models.chart import Node, chart_model
from binderhub_doctor.ruleset import load_rules
from binderhub_doctor.value_types import type_name
from binderhub_doctor.values import build_values, load_values
from support.tools import SHARED, helm_binary, invoke, isolated_helm_env, needs_shared

REALWORLD = SHARED / "realworld"
BINDERHUB = REALWORLD / "binderhub"
MYBINDER = REALWORLD / "mybinder.org-deploy"
Z2JH = REALWORLD / "zero-to-jupyterhub-k8s"
CORPUS = SHARED / "corpus"

RULES = load_rules()
# The chart-layout rules; BHD431/BHD432 (build socket, z2jh NOTES failures) live in their own modules.
OUR_IDS = {r.id for r in RULES if r.check.get("function", "").startswith("chart_layout.")}
# Findings for what NOTES.txt (not the schema) refuses, or what only our model knows (versions).
NOT_SCHEMA_RULES = {"BHD404", "BHD405", "BHD406", "BHD414", "BHD415"}


def load_schema(path: Path) -> dict | None:
    """None without ../shared (the tests that read it are marked needs_shared). libyaml's safe
    loader where PyYAML has it: the same data, read at collection by every worker, ten times faster."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader) if path.is_file() else None


BH_SCHEMA = load_schema(BINDERHUB / "chart-schema.yaml")
Z2JH_SCHEMA = load_schema(Z2JH / "chart-schema.yaml")


# ---------------------------------------------------------------------------------------------
# 1. The model agrees with the charts' schemas
# ---------------------------------------------------------------------------------------------

_SCHEMA_TYPES = {"boolean": "boolean", "integer": "integer", "number": "number", "string": "string",
                 "array": "list", "object": "mapping"}


def schema_types(schema: dict):
    """(types or None for any, null allowed) as the schema says."""
    declared = schema.get("type")
    if declared is None:
        return None, True
    names = declared if isinstance(declared, list) else [declared]
    return frozenset(_SCHEMA_TYPES[n] for n in names if n != "null"), "null" in names


def only_holds_removed(node: Node) -> bool:
    """A model key that exists only to carry removed keys (like `custom.cors`)."""
    return bool(node.keys) and all(c.removed is not None or only_holds_removed(c) for c in node.keys.values())


def compare(schema: dict, node: Node, path: str, problems: list[str]) -> None:
    where = path or "(root)"
    compare_types(schema, node, where, problems)
    compare_strictness(schema, node, where, problems)
    compare_requirements(schema, node, where, problems)
    compare_keys(schema, node, path, problems)
    compare_entries(schema, node, path, problems)


def compare_types(schema: dict, node: Node, where: str, problems: list[str]) -> None:
    types, nullable = schema_types(schema)
    if "enum" in schema:
        if node.enum is None or set(map(repr, node.enum)) != set(map(repr, schema["enum"])):
            problems.append(f"{where}: enum {schema['enum']} in the chart, {node.enum} in the model")
        if types is None and node.types is not None:
            problems.append(f"{where}: the chart allows any type, the model {sorted(node.types)}")
    elif types != node.types:
        problems.append(f"{where}: type {sorted(types or ['any'])} in the chart, "
                        f"{sorted(node.types or ['any'])} in the model")
    elif types is not None and nullable != node.nullable:
        problems.append(f"{where}: null {'allowed' if nullable else 'refused'} by the chart, not by the model")


def compare_strictness(schema: dict, node: Node, where: str, problems: list[str]) -> None:
    strict = schema.get("additionalProperties") is False
    if (schema.get("then") or {}).get("additionalProperties") is False:
        if not (node.when_true and node.when_true.get("strict")):
            problems.append(f"{where}: the chart is strict under a condition, the model is not")
    elif strict != node.strict:
        problems.append(f"{where}: the chart is {'strict' if strict else 'open'}, the model "
                        f"{'strict' if node.strict else 'open'}")


def compare_requirements(schema: dict, node: Node, where: str, problems: list[str]) -> None:
    then = schema.get("then") or {}
    required = set(schema.get("required", ()))
    if not required <= set(node.required):
        problems.append(f"{where}: the chart requires {sorted(required - set(node.required))}, the model does not")
    if then.get("required") and set(then["required"]) != set((node.when_true or {}).get("required", ())):
        problems.append(f"{where}: conditional requirement {then['required']} missing from the model")
    if "oneOf" in schema:
        one_of = {k for alternative in schema["oneOf"] for k in alternative.get("required", ())}
        if one_of != set(node.one_of):
            problems.append(f"{where}: oneOf {sorted(one_of)} in the chart, {sorted(node.one_of)} in the model")


def compare_keys(schema: dict, node: Node, path: str, problems: list[str]) -> None:
    """The named keys (`properties`, also those of a `then`), both ways, and each one's subtree."""
    where = path or "(root)"
    properties = {**schema.get("properties", {}), **(schema.get("then") or {}).get("properties", {})}
    owner = node
    if path.endswith("hub.services"):
        # z2jh declares each service's fields on `services` itself; the model puts them on each entry
        owner = node.each
    for key, sub in properties.items():
        child = owner.keys.get(key)
        if child is None:
            problems.append(f"{where}: the chart declares `{key}`, the model does not")
            continue
        compare(sub, child, f"{path}.{key}" if path else key, problems)
    for key, child in owner.keys.items():
        if key not in properties and child.removed is None and not only_holds_removed(child):
            problems.append(f"{where}: the model declares `{key}`, which the chart does not have")


def compare_entries(schema: dict, node: Node, path: str, problems: list[str]) -> None:
    """Keys matched by a pattern (`patternProperties`): the model's `each`, and its name pattern."""
    where = path or "(root)"
    for pattern, sub in schema.get("patternProperties", {}).items():
        if node.each is None:
            problems.append(f"{where}: the chart has entries matching {pattern}, the model has no `each`")
            continue
        if pattern != ".*" and (node.key_pattern is None or not pattern.startswith(node.key_pattern.pattern)):
            problems.append(f"{where}: entry names must match {pattern}; the model says "
                            f"{node.key_pattern.pattern if node.key_pattern else 'anything'}")
        compare(sub, node.each, f"{path}.*", problems)


@needs_shared("realworld")
def test_model_agrees_with_the_binderhub_chart_schema():
    model = chart_model()
    schema = copy.deepcopy(BH_SCHEMA)
    jupyterhub_part = schema["properties"].pop("jupyterhub")
    problems: list[str] = []
    without_subchart = Node(**{**model.binderhub.__dict__,
                               "keys": {k: v for k, v in model.binderhub.keys.items() if k != "jupyterhub"}})
    compare(schema, without_subchart, "", problems)
    # The BinderHub chart's own demands on the subchart's values
    assert set(jupyterhub_part["required"]) <= set(model.jupyterhub.required)
    hub = model.jupyterhub.keys["hub"]
    assert "services" in hub.required and "binder" in hub.keys["services"].required
    api_token = hub.keys["services"].each.keys["apiToken"]
    assert api_token.types == frozenset({"string"}) and api_token.nullable
    assert not problems, "\n".join(problems)


@needs_shared("realworld")
def test_model_agrees_with_the_jupyterhub_chart_schema():
    """z2jh main: the tree before any of `jupyterhub_history` is undone."""
    problems: list[str] = []
    compare(Z2JH_SCHEMA, chart_model().jupyterhub_at(model_file.NEWEST_Z2JH), "", problems)
    assert not problems, "\n".join(problems)


@needs_shared("realworld")
def test_agreement_check_catches_a_disagreement():
    """The comparison itself can fail: a changed type, a missing key, a strictness flip."""
    model = chart_model()
    schema = json.loads(json.dumps(BH_SCHEMA["properties"]["service"]))
    schema["properties"]["nodePort"]["type"] = "string"
    schema["properties"]["externalPort"] = {"type": "integer"}
    schema["additionalProperties"] = True
    problems: list[str] = []
    compare(schema, model.binderhub.keys["service"], "service", problems)
    text = "\n".join(problems)
    assert "service.nodePort: type" in text
    assert "declares `externalPort`" in text
    assert "the chart is open, the model strict" in text


# The JupyterHub chart each BinderHub chart version pins, from the z2jh repository itself (not in
# ../shared, which holds only z2jh main): a git dir of jupyterhub/zero-to-jupyterhub-k8s.
Z2JH_GIT = os.environ.get("BHD_Z2JH_GIT")
PINNED_Z2JH = sorted({z2jh for _, z2jh in chart_model().z2jh_versions}, key=model_file.z2jh_key)
needs_z2jh_git = pytest.mark.skipif(
    not Z2JH_GIT, reason="set BHD_Z2JH_GIT to a git dir of jupyterhub/zero-to-jupyterhub-k8s "
                         "to check the model against every JupyterHub chart version it pins")


BINDERHUB_GIT = os.environ.get("BHD_BINDERHUB_GIT")


def git(directory: str, *args: str) -> str:
    return subprocess.run(["git", "-C", directory, *args], capture_output=True, text=True, timeout=60).stdout


@pytest.mark.skipif(not BINDERHUB_GIT, reason="set BHD_BINDERHUB_GIT to a git dir of jupyterhub/binderhub "
                                               "to check which JupyterHub chart each BinderHub chart pins")
def test_z2jh_versions_are_the_pins_of_binderhub_charts():
    """Every change of the jupyterhub dependency on binderhub's main branch since chart 0.2.0 is a
    `z2jh_versions` entry at that chart version (a z2jh snapshot counts as its release)."""
    model = chart_model()
    changes = git(BINDERHUB_GIT, "log", "--first-parent", "--reverse", "--format=%H", "0.2.0..HEAD", "--",
                  "helm-chart/binderhub/requirements.yaml", "helm-chart/binderhub/Chart.yaml").split()
    previous, seen = None, []
    for commit in changes:
        dependencies = yaml.safe_load(git(BINDERHUB_GIT, "show", f"{commit}:helm-chart/binderhub/requirements.yaml")
                                      or git(BINDERHUB_GIT, "show", f"{commit}:helm-chart/binderhub/Chart.yaml"))
        pin = next(d["version"] for d in dependencies["dependencies"] if d["name"] == "jupyterhub")
        release = re.match(r"\d+\.\d+\.\d+(-(alpha|beta)\.\d+)?", str(pin)).group(0)
        if release == previous:
            continue
        # chartpress numbered charts 0.2.0-n<commits since 0.2.0> until its baseVersion 1.0.0-0.dev
        if "baseVersion" in git(BINDERHUB_GIT, "show", f"{commit}:helm-chart/chartpress.yaml"):
            number, chart = int(git(BINDERHUB_GIT, "rev-list", "--count", commit)), "1.0.0-0.dev.git.{}"
        else:
            number, chart = int(git(BINDERHUB_GIT, "rev-list", "--count", f"0.2.0..{commit}")), "0.2.0-n{}"
        assert model.z2jh_for(chart_versions.parse(chart.format(number))) == release, (commit, chart.format(number))
        if previous is not None:
            assert model.z2jh_for(chart_versions.parse(chart.format(number - 1))) == previous, commit
        previous = release
        seen.append(release)
    assert seen == [z2jh for first, z2jh in model.z2jh_versions if first >= chart_versions.parse("0.2.0")]


def pinning_chart(z2jh: str) -> str:
    """The first BinderHub chart version that pins JupyterHub chart `z2jh`."""
    return next(str(chart) for chart, pinned in load_yaml(model_file.MODEL_PATH)["z2jh_versions"]
                if str(pinned) == z2jh)


def z2jh_file(tag: str, name: str) -> str | None:
    """jupyterhub/<name> at z2jh tag `tag`, or None when that version has no such file."""
    run = subprocess.run(["git", "-C", Z2JH_GIT, "show", f"{tag}:jupyterhub/{name}"],
                         capture_output=True, text=True, timeout=60)
    return run.stdout if run.returncode == 0 else None


def first_schema_z2jh() -> str:
    """The first z2jh version Helm validated against (a values.schema.json in the chart): the one
    the first strict BinderHub chart version pins."""
    model = chart_model()
    return model.z2jh_for(model.strict_since["jupyterhub"])


def is_open(node: Node) -> bool:
    return node.types is None or (node.is_mapping and not node.strict)


def declared_paths(node: Node, path: str = "", newest: Node | None = None):
    """Every key the model declares at a z2jh version, as dotted paths; not those that a later
    version refuses with a message (`newest`: the same place in the whole model), nor those that
    only exist to carry such keys."""
    newest = newest or chart_model().jupyterhub
    for key, child in node.keys.items():
        later = newest.keys.get(key)
        if later is not None and (later.removed is not None or only_holds_removed(later)):
            continue
        here = f"{path}.{key}" if path else key
        yield here
        yield from declared_paths(child, here, later or Node())


def values_template_paths(tag: str) -> set[str]:
    """Every values path the chart's templates and hub config read (`.Values.a.b`,
    `get_config("a.b")`), with its parents."""
    run = subprocess.run(["git", "-C", Z2JH_GIT, "grep", "-h", "-o", "-E",
                          r"\.Values(\.[A-Za-z0-9_]+)+|get_config\(\s*['\"][A-Za-z0-9_.]+['\"]",
                          tag, "--", "jupyterhub/templates", "jupyterhub/files"],
                         capture_output=True, text=True, timeout=60)
    paths = set()
    for match in run.stdout.split():
        text = match.removeprefix(".Values.").removeprefix("get_config(").strip("'\"(")
        parts = text.split(".")
        paths.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return paths


def compare_with_values(defaults: dict, known: set[str], node: Node, problems: list[str]) -> None:
    """A chart without a values schema: every key its values.yaml sets is one the model knows (or
    sits in a part the model leaves open), with a default of the type the model says, and every
    key the model knows, the chart's values.yaml, documentation schema or templates name."""
    def walk(values: dict, node: Node, path: str):
        for key, value in values.items():
            here = f"{path}.{key}" if path else str(key)
            child = node.keys.get(str(key))
            if child is None:
                if node.each is None and not is_open(node):
                    problems.append(f"{here}: in the chart's values.yaml, not in the model")
                continue
            allowed = (child.types or set()) | ({"integer"} if "number" in (child.types or ()) else set())
            if value is not None and child.types is not None and type_name(value) not in allowed:
                problems.append(f"{here}: the chart's default is {type_name(value)}, the model wants "
                                f"{sorted(child.types)}")
            if isinstance(value, dict) and child.is_mapping:
                walk(value, child, here)

    walk(defaults, node, "")
    for path in declared_paths(node):
        if path not in known:
            problems.append(f"{path}: in the model, but the chart neither sets nor reads it")


@needs_z2jh_git
@pytest.mark.skipif(not BINDERHUB.is_dir(), reason="../shared/realworld is absent (upstream data, never committed)")
@pytest.mark.parametrize("z2jh", PINNED_Z2JH)
def test_model_agrees_with_each_pinned_jupyterhub_chart(z2jh):
    """Both directions, for every z2jh version a BinderHub chart pins: its values schema where Helm
    validates (z2jh 1.0 on), else its values.yaml."""
    model = chart_model().jupyterhub_at(z2jh)
    problems: list[str] = []
    if model_file.z2jh_key(z2jh) >= model_file.z2jh_key(first_schema_z2jh()):
        text = z2jh_file(z2jh, "values.schema.yaml") or z2jh_file(z2jh, "schema.yaml")
        compare(yaml.safe_load(text), model, "", problems)
        # (with the BinderHub chart's own `jupyterhub:` defaults on top, as the newest chart has them)
        defaults = merged(yaml.safe_load(z2jh_file(z2jh, "values.yaml")),
                          load_schema(BINDERHUB / "chart-values.yaml")["jupyterhub"])
        problems += default_problems(model, defaults)
    else:
        defaults = yaml.safe_load(z2jh_file(z2jh, "values.yaml"))
        documented = yaml.safe_load(z2jh_file(z2jh, "schema.yaml") or "{}")
        known = values_template_paths(z2jh) | set(declared_paths_of_schema(documented))
        known |= set(dotted_paths(defaults))
        compare_with_values(defaults, known, model, problems)
    assert not problems, "\n".join(problems)


def dotted_paths(values: dict, path: str = ""):
    for key, value in values.items():
        here = f"{path}.{key}" if path else str(key)
        yield here
        if isinstance(value, dict):
            yield from dotted_paths(value, here)


def declared_paths_of_schema(schema: dict, path: str = ""):
    for key, sub in (schema.get("properties") or {}).items():
        here = f"{path}.{key}" if path else key
        yield here
        if isinstance(sub, dict):
            yield from declared_paths_of_schema(sub, here)


def merged(base, overlay):
    if isinstance(base, dict) and isinstance(overlay, dict):
        result = dict(base)
        for key, value in overlay.items():
            result[key] = merged(base.get(key), value) if key in base else value
        return result
    return overlay


@needs_shared("realworld")
def test_model_knows_which_keys_the_chart_defaults_hold():
    """`nodefault` (a null there is validated, not a deletion) and `each_defaults` match values.yaml."""
    model = chart_model()
    bh_defaults = load_schema(BINDERHUB / "chart-values.yaml")
    bh_defaults["jupyterhub"] = merged(load_schema(Z2JH / "chart-values.yaml"), bh_defaults["jupyterhub"])
    problems = default_problems(model.binderhub, bh_defaults)
    assert not problems, "\n".join(problems)


def default_problems(node: Node, defaults: dict) -> list[str]:
    """Where `nodefault` (a null there is validated, not a deletion) and `each_defaults` disagree
    with the chart's defaults."""
    problems: list[str] = []

    def walk(node: Node, defaults: dict, path: str):
        for key, child in node.keys.items():
            if child.removed is not None and child.nodefault is False and key not in defaults:
                continue  # the old layout's keys: no defaults to speak of
            here = f"{path}.{key}" if path else key
            if (key in defaults) == child.nodefault:
                problems.append(f"{here}: {'in' if key in defaults else 'not in'} the chart's defaults, "
                                f"but the model says nodefault={child.nodefault}")
            if isinstance(defaults.get(key), dict) and child.is_mapping:
                walk(child, defaults[key], here)
        if node.each is not None:
            extra = set(map(str, defaults)) - set(node.keys)
            if not extra <= node.each_defaults <= set(map(str, defaults)):
                problems.append(f"{path}: entries in the defaults {sorted(extra)}, model each_defaults "
                                f"{sorted(node.each_defaults)}")

    walk(node, defaults, "")
    return problems


def test_model_versions_are_ordered_and_not_newer_than_what_we_know():
    model = chart_model()
    firsts = [first for first, _ in model.z2jh_versions]
    assert firsts == sorted(firsts)
    z2jh = [model_file.z2jh_key(version) for _, version in model.z2jh_versions]
    assert z2jh == sorted(z2jh)
    assert model.z2jh_for(chart_versions.parse(chart_versions.NEWEST)) == "4.2.0"
    assert model.z2jh_for(chart_versions.parse("0.2.0-n603")) == "0.11.1"
    assert model.z2jh_for(chart_versions.parse("0.2.0-n604")) == "1.0.1"

    newest = chart_versions.parse(chart_versions.NEWEST)
    seen = set()

    def walk(node: Node):
        if id(node) in seen:
            return
        seen.add(id(node))
        assert node.since is None or node.since <= newest
        for child in [*node.keys.values(), *([node.each] if node.each else [])]:
            walk(child)

    walk(model.binderhub)


def values_of(text: str):
    return build_values([parse_text(text, Document(file="config.yaml"))])


def test_two_lints_in_one_process_share_no_state_across_models_or_versions():
    """The walk every BHD4xx rule shares lives on the lint's context: the same values checked
    against another model, or another chart version, are walked again."""
    values = values_of("newKey: 1\nstorage:\n  type: s3\n")
    raw = copy.deepcopy(load_yaml(model_file.MODEL_PATH))
    knowing = model_file.compile_model({**raw, "binderhub": {**raw["binderhub"], "keys": {
        **raw["binderhub"]["keys"], "newKey": "int"}}})

    def unknown(context):
        return [hit.path for hit in chart_layout.unknown_key(values, {}, context)]

    assert unknown(Context()) == [("newKey",), ("storage",)]
    assert unknown(Context(chart_model=knowing)) == [("storage",)]
    context = Context()
    assert unknown(context) == [("newKey",), ("storage",)]
    # one context: one walk, shared by every rule of the lint
    assert chart_layout.analyse(values, context) is chart_layout.analyse(values, context)
    old = chart_versions.parse("0.2.0-n219")  # before the chart's values schema: unknown keys only warn
    severities = [hit.severity for hit in chart_layout.unknown_key(values, {}, Context("0.2.0-n219", old))]
    assert severities == ["warning", "warning"]
    assert [hit.severity for hit in chart_layout.unknown_key(values, {}, Context())] == [None, None]


def test_model_is_built_again_when_its_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("BINDERHUB_DOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    copied = tmp_path / "chart-model.yaml"
    text = model_file.MODEL_PATH.read_text(encoding="utf-8")
    copied.write_text(text, encoding="utf-8")
    first = chart_model(copied)
    assert chart_model(copied) is first
    assert first.strict_since["binderhub"] == chart_versions.parse("0.2.0-n625")
    copied.write_text(text.replace("\n  binderhub: 0.2.0-n625\n", "\n  binderhub: 0.2.0-n1000\n", 1),
                      encoding="utf-8")
    again = chart_model(copied)
    assert again is not first and again.strict_since["binderhub"] == chart_versions.parse("0.2.0-n1000")
    assert chart_model() is not first  # the package's own model is another file's


@needs_shared("realworld")
def test_model_is_read_once_and_checked_fast():
    assert chart_model() is chart_model()
    values = load_values([BINDERHUB / "lint-and-validate-values.yaml"])
    start = time.perf_counter()
    for _ in range(20):
        chart_layout._Walk(values, Context()).run()
    per_walk = (time.perf_counter() - start) / 20
    assert per_walk < 0.02, f"one walk over lint-and-validate-values.yaml took {per_walk * 1000:.1f} ms"


# ---------------------------------------------------------------------------------------------
# 2. Real helm, validating against the charts' schemas, agrees with our errors
# ---------------------------------------------------------------------------------------------

# The JupyterHub chart the newest BinderHub chart pins, which `lint` checks by default
NEWEST_PINNED_Z2JH = chart_model().z2jh_for(chart_versions.parse(chart_versions.NEWEST))
# Oracle cases whose verdict differs between that z2jh and z2jh main (all that ../shared holds)
NEEDS_PINNED_Z2JH = {"z2jh-hub-config-lowercase", "z2jh-storage-volumes-map", "z2jh-key-too-new"}


@pytest.fixture(scope="module")
def schema_chart(tmp_path_factory):
    """A chart with the BinderHub chart's defaults and schema and the JupyterHub subchart's (the
    one the newest BinderHub chart pins, from BHD_Z2JH_GIT; else z2jh main), and templates that
    render nothing: helm then refuses values only for what the schemas say."""
    root = tmp_path_factory.mktemp("schema-chart") / "binderhub"
    subchart = root / "charts" / "jupyterhub"
    if Z2JH_GIT:
        z2jh_values = z2jh_file(NEWEST_PINNED_Z2JH, "values.yaml")
        z2jh_schema = yaml.safe_load(z2jh_file(NEWEST_PINNED_Z2JH, "values.schema.yaml"))
    else:
        z2jh_values, z2jh_schema = (Z2JH / "chart-values.yaml").read_text(encoding="utf-8"), Z2JH_SCHEMA
    for folder, name, values, schema in (
        (root, "binderhub", (BINDERHUB / "chart-values.yaml").read_text(encoding="utf-8"), BH_SCHEMA),
        (subchart, "jupyterhub", z2jh_values, z2jh_schema),
    ):
        (folder / "templates").mkdir(parents=True)
        (folder / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.0.1\n")
        (folder / "values.yaml").write_text(values)
        (folder / "values.schema.json").write_text(json.dumps(schema, default=str))
        (folder / "templates" / "empty.yaml").write_text("# nothing to render\n")
    return root


def helm_accepts(major: int, chart: Path, values_file: Path, tmp_path: Path) -> tuple[bool, str]:
    run = subprocess.run([str(helm_binary(major)), "template", "x", str(chart), "-f", str(values_file)],
                         env=isolated_helm_env(tmp_path), capture_output=True, text=True, timeout=120)
    return run.returncode == 0, run.stderr


def schema_claims(values_file: Path, chart_version: str | None = None) -> tuple[list, list]:
    """Our findings that say Helm refuses the values (errors), and those that say a key the schema
    requires is missing (warnings: another values file might add it)."""
    result = lint(load_values([values_file]), RULES, chart_version=chart_version)
    ours = [f for f in result.findings if f.rule in OUR_IDS - NOT_SCHEMA_RULES]
    refused = [f for f in ours if f.severity == "error" and "Helm refuses the install" in f.message]
    # a JupyterHub key newer than the z2jh the chart pins: the pinned z2jh's schema refuses it
    refused += [f for f in result.findings if f.rule == "BHD414" and f.severity == "error"
                and "Helm stops the install" in f.message]
    missing = [f for f in ours if f.rule == "BHD413" and f.severity == "warning"]
    return refused, missing


def assert_agrees(accepted: bool, stderr: str, values_file: Path, what: str, chart_version: str | None = None):
    refused, missing = schema_claims(values_file, chart_version)
    if accepted:
        assert not refused and not missing, (
            f"helm accepts {what}, but we say it refuses: {[(f.rule, f.message) for f in refused + missing]}")
    else:
        assert refused or missing, f"helm refuses {what} ({stderr.strip()[-300:]}), and we say nothing"


ORACLE_CASES = {
    # values text: what the schemas say about it is decided by helm, not by this table
    "typo-at-root": "registery:\n  username: x\n",
    "typo-nested": "service:\n  typ: NodePort\n",
    "old-hub-url": "hub:\n  url: http://1.2.3.4\n",
    "old-registry-prefix": "registry:\n  prefix: gcr.io/p/binder-\n",
    "jupyterhub-key-at-root": "proxy:\n  service:\n    type: NodePort\n",
    "binderhub-key-under-jupyterhub": "jupyterhub:\n  imageBuilderType: dind\n",
    "typo-under-jupyterhub": "jupyterhub:\n  cull:\n    redirectToServer: false\n",
    "z2jh-hub-config-lowercase": "jupyterhub:\n  hub:\n    config:\n      jupyterhub: {}\n",
    "z2jh-hub-config-not-a-map": "jupyterhub:\n  hub:\n    config: []\n",
    "z2jh-key-too-new": "jupyterhub:\n  proxy:\n    service:\n      ipFamilies: [IPv6]\n",
    "z2jh-storage-volumes-map": "jupyterhub:\n  singleuser:\n    storage:\n      extraVolumes:\n        data: {}\n",
    "z2jh-removed-auth": "jupyterhub:\n  auth:\n    type: dummy\n",
    "quoted-number": "replicas: \"2\"\n",
    "number-tag": "image:\n  tag: 1.10\n",
    "boolean-annotation": "service:\n  annotations:\n    prometheus.io/scrape: true\n",
    "enum-service-type": "service:\n  type: Nodeport\n",
    "enum-builder": "imageBuilderType: docker\n",
    "enum-pull-policy": "image:\n  pullPolicy: always\n",
    "enum-storage-type": "jupyterhub:\n  singleuser:\n    storage:\n      type: None\n",
    "null-required-root": "imageBuilderType:\n",
    "null-required-nested": "imageCleaner:\n  enabled: null\n",
    "null-required-binder": "jupyterhub:\n  hub:\n    services:\n      binder:\n",
    "null-required-z2jh": "jupyterhub:\n  hub:\n    baseUrl: null\n",
    "null-no-default": "lifecycle:\n  postStart:\n",
    "null-deletes-default": "ingress:\n  hosts:\n  pathSuffix:\nservice:\n  nodePort:\n  annotations:\n    prometheus.io/scrape: null\n",
    "null-in-open-extra-config": "extraConfig:\n  01-eventlog: null\n",
    "extra-file-two-contents": "extraFiles:\n  f:\n    mountPath: /x\n    stringData: a\n    binaryData: YQ==\n",
    "extra-file-ok": "extraFiles:\n  f:\n    mountPath: /x\n    stringData: a\n",
    "image-pull-secret-null-registry": "jupyterhub:\n  imagePullSecret:\n    create: true\n    username: u\n    password: p\n",
    "big-number-as-integer": "imageCleaner:\n  imageGCThresholdHigh: 40e9\n  imageGCThresholdLow: 10e9\n",
    "float-for-integer": "replicas: 1.5\n",
    "open-http-route": "httpRoute:\n  enabled: true\n  somethingElse: 1\n",
    "http-route-type": "httpRoute:\n  enabled: \"yes\"\n",
    "hub-config-classes": "jupyterhub:\n  hub:\n    config:\n      KubeSpawner:\n        start_timeout: 600\n",
    "z2jh-cull-type": "jupyterhub:\n  cull:\n    timeout: \"3600\"\n",
    "z2jh-memory-string": "jupyterhub:\n  singleuser:\n    memory:\n      limit: 2G\n      guarantee: 1\n",
    "labels-mapping": "deployment:\n  labels:\n    team: {name: x}\n",
    "service-field-type": "jupyterhub:\n  hub:\n    services:\n      binder:\n        admin: 'yes'\n",
    "notes-only-rbac-enabled": "jupyterhub:\n  rbac:\n    enabled: true\n",
    "notes-only-dind-enabled": "dind:\n  enabled: false\n",
    "everything-fine": "config:\n  BinderHub:\n    use_registry: true\nimageBuilderType: pink\nservice:\n  type: NodePort\n",
}


@pytest.mark.helm
@needs_shared("realworld")
@pytest.mark.parametrize("major", [3, 4])
@pytest.mark.parametrize("name", sorted(ORACLE_CASES))
def test_helm_refuses_exactly_what_we_call_a_schema_error(name, major, schema_chart, tmp_path):
    if name in NEEDS_PINNED_Z2JH and not Z2JH_GIT:
        pytest.skip(f"z2jh main and z2jh {NEWEST_PINNED_Z2JH} (the newest BinderHub chart's) differ here; "
                    "set BHD_Z2JH_GIT to check it against the pinned one")
    values_file = tmp_path / "config.yaml"
    values_file.write_text(ORACLE_CASES[name], encoding="utf-8")
    accepted, stderr = helm_accepts(major, schema_chart, values_file, tmp_path)
    assert_agrees(accepted, stderr, values_file, f"{name} (helm {major})")


@pytest.mark.parametrize("example", [
    pytest.param((rule, kind, index, example), id=f"{rule.id}-{kind}{index}")
    for rule in RULES if rule.id in OUR_IDS - {"BHD414", "BHD415"}
    for kind in ("fail", "pass")
    for index, example in enumerate(rule.examples.get(kind, []))
])
@pytest.mark.helm
@needs_shared("realworld")
def test_rule_examples_against_helm(example, schema_chart, tmp_path):
    rule, kind, _, body = example
    from binderhub_doctor.rule_docs import example_files

    files = example_files(body)
    values_file = tmp_path / "config.yaml"
    values_file.write_text(files["config.yaml"], encoding="utf-8")
    accepted, stderr = helm_accepts(3, schema_chart, values_file, tmp_path)
    assert_agrees(accepted, stderr, values_file, f"{rule.id}'s {kind} example")


def helm_input(files: list[Path], tmp_path: Path) -> Path:
    """The BinderHub values of a set of files (under `binderhub:` for mybinder) as one JSON file,
    with numbers and nulls exactly as our Helm-faithful loader read them."""
    values = load_values(files)
    target = tmp_path / "binderhub-values.json"
    target.write_text(json.dumps(values.data, ensure_ascii=False), encoding="utf-8")
    return target


REAL_SETS = [
    [BINDERHUB / "chart-values.yaml"],
    [BINDERHUB / "lint-and-validate-values.yaml"],
    *[[config] for config in sorted(BINDERHUB.glob("binderhub-chart-config*.yaml"))],
    *[[config, overlay] for config in sorted(BINDERHUB.glob("binderhub-chart-config*.yaml"))
      for overlay in sorted(BINDERHUB.glob("binderhub-chart+*.yaml"))],
    *[[MYBINDER / "mybinder-values.yaml", config] for config in sorted(MYBINDER.glob("config-*.yaml"))],
]


def label(files):
    return "+".join(f.name for f in files)


@pytest.mark.helm
@needs_shared("realworld")
@pytest.mark.parametrize("files", REAL_SETS, ids=label)
def test_real_deployments_pass_the_charts_schemas(files, schema_chart, tmp_path):
    """The other half of "no error on real deployments": helm agrees there is nothing to refuse."""
    accepted, stderr = helm_accepts(3, schema_chart, helm_input(files, tmp_path), tmp_path)
    assert accepted, stderr


# ---------------------------------------------------------------------------------------------
# 3. Real deployments and the corpus, through the real CLI
# ---------------------------------------------------------------------------------------------

def cli_findings(*args, cwd=None):
    run = invoke("lint", "--format", "json", *map(str, args), cwd=cwd)
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    return json.loads(run.stdout)["findings"]


@needs_shared("realworld")
@pytest.mark.parametrize("files", REAL_SETS, ids=label)
def test_real_deployments_have_no_chart_layout_finding(files):
    ours = [f for f in cli_findings(*files) if f["rule"] in OUR_IDS]
    errors = [f for f in ours if f["severity"] == "error"]
    assert not errors, errors
    # They use no removed, misplaced or misspelled chart key, so not even a warning is due.
    assert not ours, ours


@pytest.mark.parametrize("case, path, severity", [
    ("top-level-typo", "registery", "warning"),
    ("legacy-hub-url-key", "hub", "error"),
])
@needs_shared("corpus")
def test_corpus_cases(case, path, severity):
    order = {"info": 0, "warning": 1, "error": 2}
    findings = cli_findings("secret.yaml", "config.yaml", cwd=CORPUS / case)
    matching = [f for f in findings if f["rule"] in OUR_IDS
                and (f["path"] == path or (f["path"] or "").startswith(path + "."))
                and order[f["severity"]] >= order[severity]]
    assert matching, findings
    expect = yaml.safe_load((CORPUS / case / "expect.yaml").read_text())
    assert {"path": path, "severity": severity} in expect["expect"]


# ---------------------------------------------------------------------------------------------
# 4. Each rule
# ---------------------------------------------------------------------------------------------

def findings_for(tmp_path, text: str, *, chart_version: str | None = None, values_key: str | None = None,
                 name: str = "config.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    values = load_values([path], values_key=values_key)
    return [f for f in lint(values, RULES, chart_version=chart_version).findings if f.rule in OUR_IDS]


def one(findings, rule, path=None):
    matching = [f for f in findings if f.rule == rule and (path is None or f.path == path)]
    assert len(matching) == 1, (rule, path, [(f.rule, f.path, f.message) for f in findings])
    return matching[0]


def test_unknown_key_at_the_root_suggests_the_key_meant(tmp_path):
    found = one(findings_for(tmp_path, "registery:\n  url: https://gcr.io\n"), "BHD401", "registery")
    assert found.severity == "error" and "Did you mean `registry`?" in found.message
    assert found.line == 1 and found.fix == "Rename it to `registry`."


def test_unknown_nested_key_lists_what_is_allowed(tmp_path):
    found = one(findings_for(tmp_path, "pdb:\n  maxUnavialable: 1\n  max: 2\n"), "BHD401", "pdb.max")
    assert "maxUnavailable" in found.fix and "minAvailable" in found.fix
    assert one(findings_for(tmp_path, "pdb:\n  maxUnavialable: 1\n"), "BHD401").message.endswith(
        "Did you mean `maxUnavailable`?")


def test_unknown_key_is_a_warning_for_charts_without_a_schema(tmp_path):
    found = one(findings_for(tmp_path, "registery: {}\n", chart_version="0.2.0-3b53fce"), "BHD401")
    assert found.severity == "warning" and "ignores it" in found.message
    assert one(findings_for(tmp_path, "registery: {}\n", chart_version="0.2.0-n625"), "BHD401").severity == "error"


def test_open_objects_take_any_key(tmp_path):
    text = ("resources: {requests: {cpu: 1}, anything: 1}\nextraPodSpec: {whatever: [1]}\n"
            "httpRoute: {enabled: false, other: 1}\nglobal: {x: 1}\nhpa: {enabled: true}\n"
            "networkPolicy: {egress: {}}\njupyterhub: {custom: {any: thing}, hub: {loadRoles: {x: {}}}}\n")
    assert findings_for(tmp_path, text) == []


def test_unknown_key_under_jupyterhub_points_to_where_it_belongs(tmp_path):
    found = one(findings_for(tmp_path, "jupyterhub:\n  cull:\n    redirectToServer: false\n"), "BHD402")
    assert found.path == "jupyterhub.cull.redirectToServer"
    assert "`jupyterhub.hub.redirectToServer`" in found.message


def test_hub_config_entries_are_class_names(tmp_path):
    """z2jh 4.2.0 (the newest BinderHub chart's) takes any key in hub.config; the hub ignores one
    that is not a class name. (z2jh main refuses it: test_helm_refuses_exactly_what_we_call_a_schema_error.)"""
    found = one(findings_for(tmp_path, "jupyterhub:\n  hub:\n    config:\n      kubespawner: {}\n"), "BHD402")
    assert found.severity == "warning" and "is not a class name" in found.message
    assert "JupyterHub chart 4.2.0 lets it through" in found.message


@pytest.mark.parametrize("text, path, new_place", [
    ("hub:\n  url: http://1.2.3.4\n", "hub", "config.BinderHub.hub_url"),
    ("github:\n  clientId: abc\n", "github", "config.GitHubRepoProvider.client_id"),
    ("gitlab:\n  hostname: gitlab.example.org\n", "gitlab", "config.GitLabRepoProvider.hostname"),
    ("registry:\n  enabled: false\n", "registry.enabled", "config.BinderHub.use_registry"),
    ("registry:\n  tokenUrl: https://x/token\n", "registry.tokenUrl", "config.DockerRegistry.token_url"),
    ("registry:\n  authHost: https://gcr.io\n", "registry.authHost", "registry.url"),
    ("build:\n  maxAge: 100\n", "build", "config.KubernetesCleaner.max_age"),
    ("perRepoQuota: 10\n", "perRepoQuota", "config.BinderHub.per_repo_quota"),
    ("baseUrl: /binder/\n", "baseUrl", "config.BinderHub.base_url"),
    ("googleAnalyticsCode: UA-1\n", "googleAnalyticsCode", "config.BinderHub.extra_footer_scripts"),
])
def test_old_chart_keys_get_the_migration_hint(tmp_path, text, path, new_place):
    found = one(findings_for(tmp_path, text), "BHD403", path)
    assert found.severity == "error" and new_place in found.message


def test_old_keys_are_errors_from_chart_0_2_0_and_the_own_keys_of_0_1_0_charts(tmp_path):
    for version in ("0.2.0-3b53fce", "1.0.0-0.dev.git.3673.h040c9bbe"):
        assert one(findings_for(tmp_path, "hub:\n  url: http://x\n", chart_version=version), "BHD403").severity == "error"
    old_chart = findings_for(tmp_path, "hub:\n  url: http://x\n", chart_version="0.1.0-85ab7f4")
    assert not [f for f in old_chart if f.rule == "BHD403"]


def test_migration_hint_shows_values_but_never_a_secret(tmp_path):
    token = "ghp_" + "Zq8" * 12 + "abcd"
    found = findings_for(tmp_path, f"github:\n  accessToken: {token}\n  clientId: my-app\n")
    legacy = one(found, "BHD403", "github")
    assert "config.GitHubRepoProvider.access_token" in legacy.message and '"my-app"' in legacy.fix
    assert all(token not in f"{f.message} {f.fix}" for f in found)


def test_hub_with_jupyterhub_settings_is_told_both_things(tmp_path):
    found = findings_for(tmp_path, "hub:\n  url: http://x\n  baseUrl: /jh/\n")
    assert one(found, "BHD403", "hub")
    assert "`baseUrl`" in one(found, "BHD409", "hub").message
    only_jupyterhub = findings_for(tmp_path, "hub:\n  baseUrl: /jh/\n")
    assert not [f for f in only_jupyterhub if f.rule == "BHD403"]
    assert "jupyterhub.hub" in one(only_jupyterhub, "BHD409", "hub").message


def test_cors_renames_depend_on_the_chart_version(tmp_path):
    for text, path, target in (
        ("cors:\n  allowOrigin: '*'\n", "cors.allowOrigin", "config.BinderHub.cors_allow_origin"),
        ("jupyterhub:\n  custom:\n    cors:\n      allowOrigin: '*'\n", "jupyterhub.custom.cors.allowOrigin",
         "jupyterhub.hub.config.BinderSpawner.cors_allow_origin"),
    ):
        assert target in one(findings_for(tmp_path, text), "BHD404", path).message
        assert not findings_for(tmp_path, text, chart_version="0.2.0-n683")
    assert findings_for(tmp_path, "cors: {}\njupyterhub: {custom: {cors: {}}}\n") == []


def test_dind_enabled_before_and_after_image_builder_type(tmp_path):
    assert "imageBuilderType: dind" in one(findings_for(tmp_path, "dind:\n  enabled: true\n"), "BHD405").message
    old = "1.0.0-0.dev.git.2919"
    assert findings_for(tmp_path, "dind:\n  enabled: true\n", chart_version=old) == []
    too_new = one(findings_for(tmp_path, "imageBuilderType: dind\n", chart_version=old), "BHD414")
    assert too_new.severity == "error" and "dind.enabled: true" in too_new.message


def test_image_cleaner_socket_keys_follow_the_chart_version(tmp_path):
    old_socket = "imageCleaner:\n  host:\n    dockerSocket: /var/run/docker.sock\n"
    new_socket = "imageCleaner:\n  host:\n    dockerSocketDir: /var/run\n    dockerSocketName: docker.sock\n"
    assert one(findings_for(tmp_path, old_socket), "BHD406").path == "imageCleaner.host.dockerSocket"
    assert findings_for(tmp_path, new_socket) == []
    docs_pin = "1.0.0-0.dev.git.3673.h040c9bbe"  # the install guide's chart
    assert findings_for(tmp_path, old_socket, chart_version=docs_pin) == []
    assert {f.path for f in findings_for(tmp_path, new_socket, chart_version=docs_pin) if f.rule == "BHD414"} == {
        "imageCleaner.host.dockerSocketDir", "imageCleaner.host.dockerSocketName"}
    assert one(findings_for(tmp_path, "imageCleaner:\n  host:\n    enabled: true\n"), "BHD406")


@pytest.mark.parametrize("text, path, words", [
    ("replicas: '2'\n", "replicas", "not a number"),
    ("pdb:\n  enabled: 'true'\n", "pdb.enabled", "not a boolean"),
    ("image:\n  tag: 1.10\n", "image.tag", "quote the value"),
    ("podAnnotations:\n  a: 1\n", "podAnnotations.a", "wants a string"),
    ("tolerations: {}\n", "tolerations", "wants a list"),
    ("config: []\n", "config", "wants a mapping"),
    ("jupyterhub:\n  cull:\n    every: 1.5\n", "jupyterhub.cull.every", "wants an integer"),
    ("lifecycle:\n  postStart:\n", "lifecycle.postStart", "no default"),
])
def test_wrong_types(tmp_path, text, path, words):
    found = one(findings_for(tmp_path, text), "BHD407", path)
    assert found.severity == "error" and words in found.message


def test_values_helm_reads_as_numbers_and_nulls_that_delete_defaults_are_fine(tmp_path):
    text = ("imageCleaner:\n  imageGCThresholdHigh: 40e9\n  imageGCThresholdLow: 1_000\n"
            "extraConfig:\n  01-eventlog: null\npdb:\n  minAvailable:\n"
            "jupyterhub:\n  singleuser:\n    memory:\n      guarantee: null\n      limit: 1.5\n")
    assert findings_for(tmp_path, text) == []


def test_null_after_an_earlier_file_set_it_is_a_deletion(tmp_path):
    (tmp_path / "base.yaml").write_text("lifecycle:\n  postStart:\n    exec: {command: [x]}\n")
    (tmp_path / "over.yaml").write_text("lifecycle:\n  postStart:\n")
    values = load_values([tmp_path / "base.yaml", tmp_path / "over.yaml"])
    assert [f for f in lint(values, RULES).findings if f.rule in OUR_IDS] == []


def test_wrong_types_are_warnings_for_charts_without_a_schema(tmp_path):
    found = one(findings_for(tmp_path, "replicas: '2'\n", chart_version="0.2.0-n600"), "BHD407")
    assert found.severity == "warning" and "no values schema" in found.message


@pytest.mark.parametrize("text, path, guess", [
    ("service:\n  type: loadbalancer\n", "service.type", "LoadBalancer"),
    ("imageBuilderType: Dind\n", "imageBuilderType", "dind"),
    ("ingress:\n  pathType: prefix\n", "ingress.pathType", "Prefix"),
    ("jupyterhub:\n  proxy:\n    https:\n      type: LetsEncrypt\n", "jupyterhub.proxy.https.type", "letsencrypt"),
    ("jupyterhub:\n  hub:\n    db:\n      type: sqlite\n", "jupyterhub.hub.db.type", None),
])
def test_enum_values(tmp_path, text, path, guess):
    found = one(findings_for(tmp_path, text), "BHD408", path)
    assert found.severity == "error"
    if guess:
        assert f"did you mean `{guess}`?" in found.message


def test_pull_policy_may_be_empty_or_null(tmp_path):
    assert findings_for(tmp_path, "image:\n  pullPolicy: ''\ndind:\n  daemonset:\n    image:\n      pullPolicy:\n") == []


@pytest.mark.parametrize("key", ["proxy", "singleuser", "cull", "scheduling", "prePuller", "custom",
                                 "imagePullSecrets"])
def test_jupyterhub_keys_at_the_root(tmp_path, key):
    found = one(findings_for(tmp_path, f"{key}: {{}}\n"), "BHD409", key)
    assert found.severity == "error" and f"jupyterhub.{key}" in found.fix


def test_shared_key_names_are_not_the_wrong_level(tmp_path):
    text = "ingress: {enabled: false}\nrbac: {enabled: true}\nglobal: {}\njupyterhub: {ingress: {enabled: false}, rbac: {create: true}, global: {}, debug: {enabled: true}}\n"
    assert findings_for(tmp_path, text) == []


@pytest.mark.parametrize("key", ["config", "registry", "imageBuilderType", "dind", "imageCleaner", "extraConfig"])
def test_binderhub_keys_under_jupyterhub(tmp_path, key):
    found = one(findings_for(tmp_path, f"jupyterhub:\n  {key}: {{}}\n"), "BHD410", f"jupyterhub.{key}")
    assert found.severity == "error"


def test_extra_config_under_jupyterhub_names_both_places(tmp_path):
    found = one(findings_for(tmp_path, "jupyterhub:\n  extraConfig:\n    a: print(1)\n"), "BHD410")
    assert "(extraConfig)" in found.message and "jupyterhub.hub.extraConfig" in found.message


def test_binderhub_keys_newer_than_the_selected_chart(tmp_path):
    text = "httpRoute:\n  enabled: true\nextraPodSpec: {}\n"
    assert findings_for(tmp_path, text) == []
    found = findings_for(tmp_path, text, chart_version="1.0.0-0.dev.git.3343.h93201f78")
    assert [(f.rule, f.path, f.severity) for f in found] == [("BHD414", "httpRoute", "error")]
    assert "BinderHub chart 1.0.0-0.dev.git.3913" in found[0].message


def test_binderhub_class_on_the_hub_is_ignored_there(tmp_path):
    found = one(findings_for(tmp_path, "jupyterhub:\n  hub:\n    config:\n      DockerRegistry: {token_url: ''}\n"),
                "BHD410")
    assert found.severity == "warning" and "config.DockerRegistry" in found.fix
    assert findings_for(tmp_path, "jupyterhub:\n  hub:\n    config:\n      BinderSpawner: {auth_enabled: true}\n") == []


@pytest.mark.parametrize("text, path, new", [
    ("jupyterhub:\n  auth:\n    type: github\n", "jupyterhub.auth", "authenticator_class"),
    ("jupyterhub:\n  rbac:\n    enabled: false\n", "jupyterhub.rbac.enabled", "jupyterhub.rbac.create"),
    ("jupyterhub:\n  hub:\n    extraConfigMap: {a: 1}\n", "jupyterhub.hub.extraConfigMap", "jupyterhub.custom"),
    ("jupyterhub:\n  hub:\n    fsGid: 1000\n", "jupyterhub.hub.fsGid", "podSecurityContext.fsGroup"),
    ("jupyterhub:\n  proxy:\n    networkPolicy: {}\n", "jupyterhub.proxy.networkPolicy", "proxy.chp.networkPolicy"),
    ("jupyterhub:\n  singleuser:\n    cloudMetadata:\n      enabled: true\n",
     "jupyterhub.singleuser.cloudMetadata.enabled", "blockWithIptables"),
])
def test_removed_jupyterhub_keys(tmp_path, text, path, new):
    found = one(findings_for(tmp_path, text), "BHD411", path)
    assert found.severity == "error" and new in found.message


def test_removed_jupyterhub_keys_were_fine_with_older_jupyterhub_charts(tmp_path):
    # BinderHub chart 0.2.0-n1000 uses JupyterHub chart 1.2.0: rbac.enabled still existed
    assert findings_for(tmp_path, "jupyterhub:\n  rbac:\n    enabled: true\n", chart_version="0.2.0-n1000") == []
    assert one(findings_for(tmp_path, "jupyterhub:\n  rbac:\n    enabled: true\n", chart_version="0.2.0-n1063"),
               "BHD411")


@pytest.mark.parametrize("text, path", [
    ("imageBuilderType: null\n", "imageBuilderType"),
    ("rbac:\n  enabled:\n", "rbac.enabled"),
    ("jupyterhub:\n  hub:\n    services:\n      binder: ~\n", "jupyterhub.hub.services.binder"),
    ("jupyterhub:\n  prePuller:\n    hook:\n", "jupyterhub.prePuller.hook"),
])
def test_null_for_a_required_key(tmp_path, text, path):
    assert one(findings_for(tmp_path, text), "BHD412", path).severity == "error"


def test_entries_the_user_adds_must_be_complete(tmp_path):
    missing = findings_for(tmp_path, "extraFiles:\n  page:\n    stringData: x\n")
    assert "`mountPath`" in one(missing, "BHD413").message and one(missing, "BHD413").severity == "warning"
    both = one(findings_for(tmp_path, "extraFiles:\n  page:\n    mountPath: /p\n    data: {a: 1}\n    stringData: x\n"),
               "BHD413")
    assert both.severity == "error"
    images = one(findings_for(tmp_path, "jupyterhub:\n  prePuller:\n    extraImages:\n      r:\n        name: x\n"),
                 "BHD413")
    assert "`tag`" in images.message
    secret = findings_for(tmp_path, "jupyterhub:\n  imagePullSecret:\n    create: true\n    registry: quay.io\n")
    assert {f.rule for f in secret} == {"BHD413"} and len(secret) == 2
    assert findings_for(tmp_path, "jupyterhub:\n  imagePullSecret:\n    create: false\n    anything: 1\n") == []


def test_jupyterhub_keys_newer_than_the_jupyterhub_chart_binderhub_uses(tmp_path):
    found = one(findings_for(tmp_path, "jupyterhub:\n  proxy:\n    service:\n      ipFamilies: [IPv6]\n"),
                "BHD414")
    assert "JupyterHub chart 4.3.0" in found.message and "4.2.0" in found.message


def test_keys_newer_than_an_unschematized_chart_are_warnings(tmp_path):
    found = one(findings_for(tmp_path, "extraFiles: {}\n", chart_version="0.2.0-n600"), "BHD414")
    assert found.severity == "warning"


# BinderHub chart versions by the JupyterHub chart they pin (data/chart-model.yaml z2jh_versions)
PINS_Z2JH_0_8 = "0.1.0-85ab7f4"
PINS_Z2JH_0_9 = "0.2.0-n178.h9cff5e3"  # mybinder-turing-2020's chart
PINS_Z2JH_0_10 = "0.2.0-n459"
PINS_Z2JH_0_11 = "0.2.0-n575.h2dc091f"  # mybinder-prod-2021's chart
PINS_Z2JH_1_0 = "0.2.0-n604"  # the first with a JupyterHub values schema
PINS_Z2JH_1_2 = "0.2.0-n979"
PINS_Z2JH_3_2 = "1.0.0-0.dev.git.3396.h693ba30"  # bia-binder-prod-2025's chart
PINS_Z2JH_4_2 = chart_versions.NEWEST


def test_each_chart_version_is_checked_against_the_jupyterhub_chart_it_pins():
    model = chart_model()
    pinned = {version: model.z2jh_for(chart_versions.parse(version)) for version in (
        PINS_Z2JH_0_8, PINS_Z2JH_0_9, PINS_Z2JH_0_10, PINS_Z2JH_0_11, PINS_Z2JH_1_0, PINS_Z2JH_1_2,
        PINS_Z2JH_3_2, PINS_Z2JH_4_2)}
    assert list(pinned.values()) == ["0.8.0", "0.9.0", "0.10.6", "0.11.1", "1.0.1", "1.2.0", "3.2.1", "4.2.0"]
    assert model.jupyterhub_at("4.2.0") is model.jupyterhub_at("4.2.0")
    assert "httpRoute" not in model.jupyterhub_at("4.2.0").keys
    assert "httpRoute" in model.jupyterhub_at(model_file.NEWEST_Z2JH).keys


@pytest.mark.parametrize("chart_version", [PINS_Z2JH_4_2, PINS_Z2JH_3_2, PINS_Z2JH_1_0])
def test_hub_config_takes_any_key_before_z2jh_4_3(tmp_path, chart_version):
    """bia-binder's `hub.config.singleuser`: Helm accepts it (hub.config is open there) and the hub
    ignores it, so it is a warning, not "Helm refuses"."""
    text = "jupyterhub:\n  hub:\n    config:\n      singleuser:\n        image: {name: x}\n      KubeSpawner: 5\n"
    found = findings_for(tmp_path, text, chart_version=chart_version)
    ignored = one(found, "BHD402", "jupyterhub.hub.config.singleuser")
    assert ignored.severity == "warning" and "not a class name" in ignored.message
    assert "`jupyterhub.singleuser`" in ignored.message
    assert not [f for f in found if f.severity == "error"]


@pytest.mark.parametrize("chart_version, severity", [
    (PINS_Z2JH_4_2, "error"), (PINS_Z2JH_3_2, "error"), (PINS_Z2JH_1_0, "error"), (PINS_Z2JH_0_11, "warning")])
def test_storage_volumes_are_lists_before_z2jh_4_3(tmp_path, chart_version, severity):
    """z2jh 4.3.0 also took a mapping for singleuser.storage.extraVolumes/extraVolumeMounts; the
    charts that BinderHub pins refuse one (before z2jh 1.0 the hub's spawner failed on it)."""
    text = ("jupyterhub:\n  singleuser:\n    storage:\n      extraVolumes:\n        data: {name: d}\n"
            "      extraVolumeMounts:\n        data: {name: d, mountPath: /d}\n")
    found = findings_for(tmp_path, text, chart_version=chart_version)
    for key in ("extraVolumes", "extraVolumeMounts"):
        wrong = one(found, "BHD407", f"jupyterhub.singleuser.storage.{key}")
        assert wrong.severity == severity and "wants a list" in wrong.message
    as_lists = ("jupyterhub:\n  singleuser:\n    storage:\n      extraVolumes: [{name: d}]\n"
                "      extraVolumeMounts: [{name: d, mountPath: /d}]\n")
    assert findings_for(tmp_path, as_lists, chart_version=chart_version) == []


OLD_PROXY = ("jupyterhub:\n  proxy:\n    nodeSelector: {pool: core}\n    nginx:\n      proxyBodySize: 64m\n"
             "  singleuser:\n    schedulerStrategy: pack\n")


@pytest.mark.parametrize("chart_version, unknown, severity", [
    (PINS_Z2JH_0_8, set(), None),
    (PINS_Z2JH_0_9, {"proxy.nginx"}, "warning"),
    (PINS_Z2JH_0_11, {"proxy.nginx", "proxy.nodeSelector"}, "warning"),
    (PINS_Z2JH_1_0, {"proxy.nginx", "proxy.nodeSelector", "singleuser.schedulerStrategy"}, "error"),
])
def test_keys_of_older_jupyterhub_charts(tmp_path, chart_version, unknown, severity):
    """proxy.nginx (until z2jh 0.9.0-beta.3), proxy.nodeSelector (until 0.10) and
    singleuser.schedulerStrategy (until 1.0) were real keys; later charts ignore them, and
    from z2jh 1.0 on Helm refuses them."""
    found = findings_for(tmp_path, OLD_PROXY, chart_version=chart_version)
    assert {f.path.removeprefix("jupyterhub.") for f in found if f.rule == "BHD402"} == unknown
    assert {f.severity for f in found} <= {severity}
    if "proxy.nginx" in unknown:
        assert "(JupyterHub chart 0.9.0-beta.3 dropped it)" in one(found, "BHD402", "jupyterhub.proxy.nginx").message


@pytest.mark.parametrize("text, path, chart_version, arrived, severity", [
    ("jupyterhub:\n  hub:\n    config: {}\n", "jupyterhub.hub.config", PINS_Z2JH_0_10, "0.11.0", "warning"),
    ("jupyterhub:\n  cull:\n    adminUsers: false\n", "jupyterhub.cull.adminUsers", PINS_Z2JH_1_2,
     "2.0.0-beta.1", "error"),
    ("jupyterhub:\n  hub:\n    service:\n      ports:\n        appProtocol: http\n",
     "jupyterhub.hub.service.ports.appProtocol", PINS_Z2JH_3_2, "4.0.0-beta.3", "error"),
])
def test_jupyterhub_keys_newer_than_an_older_pinned_chart(tmp_path, text, path, chart_version, arrived, severity):
    found = one(findings_for(tmp_path, text, chart_version=chart_version), "BHD414", path)
    assert found.severity == severity and f"JupyterHub chart {arrived}" in found.message
    assert findings_for(tmp_path, text) == []


def test_requirements_follow_the_pinned_jupyterhub_chart(tmp_path):
    """z2jh 2.0 replaced rbac.enabled with rbac.create (and requires it); before, rbac.enabled was
    the key the chart required."""
    assert findings_for(tmp_path, "jupyterhub:\n  rbac:\n    enabled: null\n", chart_version=PINS_Z2JH_1_2)[0].rule == "BHD412"
    assert findings_for(tmp_path, "jupyterhub:\n  rbac:\n    create: false\n", chart_version=PINS_Z2JH_1_2)[0].rule == "BHD414"
    assert findings_for(tmp_path, "jupyterhub:\n  rbac:\n    create: false\n") == []


DEPLOYMENTS = REALWORLD / "deployments"
needs_deployments = pytest.mark.skipif(
    not DEPLOYMENTS.is_dir(), reason="../shared/realworld/deployments is absent (upstream data, never committed)")


def deployment_findings(name: str, chart_version: str | None) -> list[dict]:
    """BHD4xx findings of a real deployment, linted in its own `-f` order and options."""
    folder = DEPLOYMENTS / name
    lint_options = yaml.safe_load((folder / "deployment.yaml").read_text(encoding="utf-8"))["lint"]
    args = [*(["--values-key", lint_options["values_key"]] if lint_options.get("values_key") else []),
            *[part for secret in lint_options.get("secret_files") or () for part in ("--secret-file", secret)],
            *(["--chart-version", chart_version] if chart_version else []), *lint_options["files"]]
    return [f for f in cli_findings(*args, cwd=folder) if f["rule"] in OUR_IDS]


@needs_deployments
@pytest.mark.parametrize("chart_version", [PINS_Z2JH_3_2, None])
def test_bia_binder_hub_config_singleuser_is_a_warning(chart_version):
    found = deployment_findings("bia-binder-prod-2025", chart_version)
    assert [(f["rule"], f["path"], f["severity"]) for f in found] == [
        ("BHD402", "jupyterhub.hub.config.singleuser", "warning")]


@needs_deployments
def test_pangeo_2019_keys_are_real_at_its_own_chart():
    """pangeo-binder-staging-2019 ran BinderHub chart 0.2.0-b9ed7f5 (z2jh 0.8.0), which had
    proxy.nginx and proxy.nodeSelector."""
    assert not [f for f in deployment_findings("pangeo-binder-staging-2019", "0.2.0-b9ed7f5")
                if f["rule"] == "BHD402"]


def test_meta_chart_keys_outside_binderhub_are_not_linted_as_binderhub(tmp_path):
    text = ("binderhub:\n  registry:\n    url: https://gcr.io\n  registery: {}\n"
            "registry:\n  auth:\n    username: robot\nanalyticsPublisher:\n  enabled: true\n")
    found = findings_for(tmp_path, text)
    assert [(f.rule, f.path) for f in found] == [("BHD401", "binderhub.registery")]


def test_binderhub_keys_left_outside_the_values_key(tmp_path):
    text = "binderhub:\n  replicas: 2\nimageCleaner:\n  enabled: false\nregistry:\n  auth: {}\n"
    explicit = findings_for(tmp_path, text, values_key="binderhub")
    outside = one(explicit, "BHD415")
    assert outside.path is None and outside.line == 3 and "binderhub.imageCleaner" in outside.message
    assert not [f for f in explicit if f.rule == "BHD401"]  # mybinder's registry.auth is not ours
    # Not detected as a meta-chart (imageCleaner is a BinderHub key): both levels are pointed out
    detected = findings_for(tmp_path, text)
    assert "--values-key binderhub" in one(detected, "BHD401", "binderhub").message
    assert one(detected, "BHD415", "imageCleaner")


@needs_shared("realworld")
def test_mybinder_secrets_file_alone(tmp_path):
    """config-test-secrets.yaml: `registry.auth` at the top belongs to the mybinder chart."""
    values = load_values([MYBINDER / "config-test-secrets.yaml"])
    assert values.prefix == ("binderhub",)
    assert [f for f in lint(values, RULES).findings if f.rule in OUR_IDS] == []


def model_paths(node: Node, path: tuple = (), depth: int = 0):
    for key, child in node.keys.items():
        yield path + (key,)
        if depth < 4:
            yield from model_paths(child, path + (key,), depth + 1)
    if node.each is not None and depth < 4:
        yield path + ("entry",)
        yield from model_paths(node.each, path + ("entry",), depth + 1)


@pytest.mark.slow
def test_any_value_at_any_path_of_the_model_is_handled(tmp_path):
    """No crash, whatever sits where the model expects something else."""
    oddities = [None, [], {}, [1, {"a": None}], "text", 0, 1.5, True, {"x": {"y": [None]}}]
    paths = list(model_paths(chart_model().binderhub))
    assert len(paths) > 500
    for path in paths:
        for oddity in oddities:
            data = node = {}
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = oddity
            document = tmp_path / "config.yaml"
            document.write_text(json.dumps(data), encoding="utf-8")
            values = load_values([document])
            for hits in chart_layout._Walk(values, Context()).run().values():
                for hit in hits:
                    assert isinstance(hit.message, str) and hit.message


# Values under `jupyterhub:` whose verdict changed between the z2jh versions BinderHub pins
PINNED_ORACLE_CASES = {
    "old-proxy-keys": OLD_PROXY,
    "storage-volumes-map": "jupyterhub:\n  singleuser:\n    storage:\n      extraVolumes: {data: {name: d}}\n",
    "hub-config-lowercase": "jupyterhub:\n  hub:\n    config:\n      singleuser: {image: {name: x}}\n",
    "cull-admin-users": "jupyterhub:\n  cull:\n    adminUsers: false\n",
    "user-scheduler-score": "jupyterhub:\n  scheduling:\n    userScheduler:\n      plugins:\n        score: {enabled: []}\n",
    "traefik-static-config": "jupyterhub:\n  proxy:\n    traefik:\n      extraStaticConfig: {log: {level: DEBUG}}\n",
    "rbac-create": "jupyterhub:\n  rbac:\n    create: true\n",
    "enabled": "jupyterhub:\n  enabled: true\n",
}


@pytest.fixture(scope="module")
def pinned_z2jh_charts(tmp_path_factory):
    """z2jh version -> a chart holding that JupyterHub chart (defaults and, from z2jh 1.0, values
    schema from BHD_Z2JH_GIT) as its subchart, with templates that render nothing."""
    charts = {}

    def chart(z2jh: str) -> Path:
        if z2jh not in charts:
            root = tmp_path_factory.mktemp(f"z2jh-{z2jh}") / "parent"
            subchart = root / "charts" / "jupyterhub"
            for folder, name in ((root, "parent"), (subchart, "jupyterhub")):
                (folder / "templates").mkdir(parents=True)
                (folder / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.0.1\n")
                (folder / "templates" / "empty.yaml").write_text("# nothing to render\n")
            (root / "values.yaml").write_text("{}\n")
            (subchart / "values.yaml").write_text(z2jh_file(z2jh, "values.yaml"))
            if model_file.z2jh_key(z2jh) >= model_file.z2jh_key(first_schema_z2jh()):
                schema = yaml.safe_load(z2jh_file(z2jh, "values.schema.yaml") or z2jh_file(z2jh, "schema.yaml"))
                (subchart / "values.schema.json").write_text(json.dumps(schema, default=str))
            charts[z2jh] = root
        return charts[z2jh]

    return chart


@needs_z2jh_git
@pytest.mark.parametrize("name", sorted(PINNED_ORACLE_CASES))
@pytest.mark.parametrize("z2jh", PINNED_Z2JH)
def test_helm_with_each_pinned_jupyterhub_chart_refuses_what_we_call_an_error(z2jh, name, pinned_z2jh_charts,
                                                                              tmp_path):
    values_file = tmp_path / "config.yaml"
    values_file.write_text(PINNED_ORACLE_CASES[name], encoding="utf-8")
    accepted, stderr = helm_accepts(3, pinned_z2jh_charts(z2jh), values_file, tmp_path)
    assert_agrees(accepted, stderr, values_file, f"{name} with z2jh {z2jh}", chart_version=pinning_chart(z2jh))


def filled(node: Node, oddities: list, turn: list, depth: int = 0) -> dict:
    """Values that set every key a view of the model knows (too new ones too), and an entry of
    each open mapping, to an oddity in turn; mappings the model describes are filled in."""
    data = {}
    entries = {"Entry": node.each, "entry": node.each} if node.each is not None else {}
    for key, child in {**node.keys, **node.too_new, **entries}.items():
        if child is not None and (child.keys or child.each) and depth < 5:
            data[key] = filled(child, oddities, turn, depth + 1)
        else:
            turn[0] += 1
            data[key] = oddities[turn[0] % len(oddities)]
    return data


@pytest.mark.parametrize("z2jh", PINNED_Z2JH)
def test_any_value_under_jupyterhub_is_handled_at_each_pinned_version(tmp_path, z2jh):
    """No crash at any chart version, whatever sits where the JupyterHub chart it pins expects
    something else."""
    chart_version = pinning_chart(z2jh)
    oddities = [None, [], {}, [1, {"a": None}], "text", 0, 1.5, True, {"x": {"y": [None]}}]
    document = tmp_path / "config.yaml"
    for offset in range(len(oddities)):
        data = {"jupyterhub": {**filled(chart_model().jupyterhub_at(z2jh), oddities, [offset]), "notAKey": 1}}
        document.write_text(json.dumps(data), encoding="utf-8")
        findings = lint(load_values([document]), RULES, chart_version=chart_version).findings
        assert all(isinstance(f.message, str) and f.message for f in findings)
        assert {"BHD402", "BHD407"} <= {f.rule for f in findings}  # the odd values were looked at


def test_every_chart_layout_rule_names_a_chart_layout_function():
    for rule in RULES:
        if rule.id in OUR_IDS:
            assert callable(getattr(chart_layout, rule.check["function"].partition(".")[2])), rule.id
    assert sorted(OUR_IDS) == [f"BHD4{n:02d}" for n in range(1, 16)]


def test_text_output_through_the_cli(tmp_path):
    (tmp_path / "config.yaml").write_text("registery:\n  url: https://gcr.io\nproxy: {}\n")
    run = invoke("lint", "config.yaml", cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"})
    assert run.returncode == 1
    assert "config.yaml:1:1: error BHD401" in run.stdout and "config.yaml:3:1: error BHD409" in run.stdout
