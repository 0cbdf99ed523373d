"""BinderHub's trait catalogue (data/traits.yaml) and the BHD3xx rules over `config.<Class>.<trait>`.

The type verdicts are checked against real traitlets: classes built from the catalogue get the
values as Helm delivers them, and a TraitError must happen exactly where we report an error.
"""

from __future__ import annotations

import json
import re
import sys
import types

import pytest
import traitlets  # a test dependency: the oracle for type verdicts
import yaml
from traitlets.config import Application, Config, Configurable, LoggingConfigurable, SingletonConfigurable

from binderhub_doctor.engine import lint
from binderhub_doctor.models import traits as catalogue
from binderhub_doctor.ruleset import load_rules
from support.tools import SHARED, invoke, needs_shared, values_of

RULES = load_rules()
OURS = {r.id for r in RULES if r.source.endswith("traits.yaml")}
CORPUS = SHARED / "corpus"
BINDERHUB = SHARED / "realworld" / "binderhub"
MYBINDER = SHARED / "realworld" / "mybinder.org-deploy"
RANK = {"info": 0, "warning": 1, "error": 2}
CANARY = "c0ffee11d00dfeedfacecafe0badf00d5eed1e55"


def findings_for(tmp_path, config: str, secret: str | None = None, chart_version: str | None = None,
                 rule: str | None = None):
    result = lint(values_of(tmp_path, config, secret), RULES, chart_version=chart_version, raise_errors=True)
    return [f for f in result.findings if f.rule in OURS and (rule is None or f.rule == rule)]


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


def config_yaml(body: str) -> str:
    """`config:` with ``body`` indented under it."""
    return "config:\n" + "".join("  " + line + "\n" for line in body.strip("\n").splitlines())


# --- the catalogue ---------------------------------------------------------------------------------

TYPES = {"Unicode", "Bool", "Integer", "Float", "Dict", "List", "Set", "Type", "Callable", "Enum",
         "ByteSpecification", "Union", "Any"}


def test_catalogue_is_consistent():
    cat = catalogue.catalog()
    problems = [p for name, body in cat.classes.items() for p in class_problems(cat, name, body)]
    problems += chart_default_problems(cat)
    assert not problems, problems


def class_problems(cat, name: str, body: dict):
    if body.get("parent") and body["parent"] not in cat.classes:
        yield f"{name}: parent {body['parent']} unknown"
    if body.get("since") and body["since"] not in cat.changes:
        yield f"{name}: since {body['since']} unknown"
    for trait, spec in (body.get("traits") or {}).items():
        yield from trait_problems(cat, f"{name}.{trait}", spec)
    for old, info in (body.get("gone") or {}).items():
        if not is_trait(cat, info["use"]):
            yield f"{name}.{old}: gone.use {info['use']} is not a trait"
        if old in cat.traits(name):
            yield f"{name}.{old}: gone but still a trait"


def trait_problems(cat, where: str, spec: dict):
    if spec["type"] not in TYPES:
        yield f"{where}: type {spec['type']}"
    for member in spec.get("of", []):
        if member not in TYPES | {"Bytes"}:
            yield f"{where}: union member {member}"
    if spec["type"] == "Type" and spec.get("klass") not in cat.classes:
        yield f"{where}: klass {spec.get('klass')}"
    if spec.get("since") and spec["since"] not in cat.changes:
        yield f"{where}: since {spec['since']}"
    for key in ("deprecated", "removed"):
        info = spec.get(key)
        if not info:
            continue
        if info["change"] not in cat.changes:
            yield f"{where}: {key}.change {info['change']}"
        if info.get("use") and not is_trait(cat, info["use"]):
            yield f"{where}: {key}.use {info['use']} is not a trait"


def chart_default_problems(cat):
    for cls, defaults in cat.chart_defaults.items():
        for key in defaults:
            if key not in cat.traits(cls):
                yield f"chart default {cls}.{key} is not a trait"


def is_trait(cat, target: str) -> bool:
    """`Class.trait` names a trait of the catalogue."""
    cls, _, name = target.partition(".")
    return cls in cat.classes and name in cat.traits(cls)


def test_catalogue_is_read_once():
    assert catalogue.catalog() is catalogue.catalog()


@needs_shared("reference/binderhub.md")
def test_catalogue_has_every_trait_the_reference_lists():
    """../shared/reference/binderhub.md §1 names the traits of every class; each one must be in the
    catalogue (as a trait, or as a documented non-configurable attribute)."""
    text = (SHARED / "reference" / "binderhub.md").read_text(encoding="utf-8")
    section = text.split("## 1.", 1)[1].split("## 2.", 1)[0]
    cat = catalogue.catalog()
    expected: set[tuple[str, str]] = set()
    binderhub_tables = section.split("### BinderHub", 1)[1].split("### Build executors", 1)[0]
    for row in re.findall(r"^\| ([a-z_][a-z_ ,/]*?)(?: \(.*?\))? \|", binderhub_tables, re.M):
        for name in re.split(r",\s*|\s*/\s*", row):
            name = "google_analytics" + name if name.startswith("_") else name
            if name.strip() != "trait":  # the header row
                expected.add(("BinderHub", name.strip()))
    inherited = re.search(r"Inherited from traitlets `Application`: (.*)", section).group(1)
    expected |= {("BinderHub", n) for n in re.findall(r"`(\w+)`", inherited)}
    current = None
    for line in section.splitlines():
        heading = re.match(r"^- `(\w+)(?:\(\w+\))?`:?", line)
        if heading and heading.group(1) in cat.classes:
            current = heading.group(1)
            for trait in re.findall(r"`(\w+)` \(", line.split(":", 1)[1] if ":" in line else ""):
                expected.add((current, trait))
            continue
        item = re.match(r"^  - `(\w+)`", line)
        if item and current:
            for trait in re.findall(r"`(\w+)`", line.split("(", 1)[0]):
                expected.add((current, trait))
    for cls, trait in re.findall(r"`(\w+)\.(\w+)`", section):
        if cls in cat.classes and trait.islower():
            expected.add((cls, trait))
    assert len(expected) > 90, sorted(expected)
    missing = sorted(f"{cls}.{trait}" for cls, trait in expected
                     if trait not in cat.traits(cls) and not cat.hint(cls, trait)
                     and trait not in (cat.chart_only.get(cls) or {}))
    assert not missing, missing


def test_chart_versions_map_to_binderhub_commit_counts():
    cat = catalogue.catalog()
    from binderhub_doctor.chart_versions import parse

    assert cat.build_number(parse("1.0.0-0.dev.git.3673.h040c9bbe")) == 3673
    assert cat.build_number(parse("0.2.0-n219.h13e3c4b")) == 1732 + 219
    assert cat.build_number(parse("0.2.0-3b53fce")) == 1732  # before the tag: taken as the tag
    assert cat.build_number(parse("0.1.0-85ac189")) == 1272
    assert cat.build_number(()) == float("inf")
    assert cat.changes["executor-config"].first_chart(cat.counts) == "1.0.0-0.dev.git.2992"
    assert cat.changes["executors"].first_chart(cat.counts) == "0.2.0-n1012"


# --- traitlets as the oracle for types ---------------------------------------------------------------


BASES = {"Configurable": Configurable, "LoggingConfigurable": LoggingConfigurable,
         "SingletonConfigurable": SingletonConfigurable, "Application": Application}
SUFFIXES = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


class ByteSize(traitlets.Integer):
    """Behaves as BinderHub's ByteSpecification is documented to: bytes, or a number + K/M/G/T."""

    allow_none = True

    def validate(self, obj, value):
        if isinstance(value, (int, float)):
            return int(value)
        try:
            number = float(value[:-1])
        except ValueError:
            raise traitlets.TraitError(f"{value} is not a memory specification") from None
        if value[-1] not in SUFFIXES:
            raise traitlets.TraitError(f"{value} is not a memory specification")
        return int(number * SUFFIXES[value[-1]])


def make_trait(spec: dict):
    kind, none = spec["type"], bool(spec.get("allow_none"))
    element = traitlets.Unicode() if spec.get("items") == "Unicode" else None
    simple = {"Unicode": traitlets.Unicode, "Bool": traitlets.Bool, "Integer": traitlets.Integer,
              "Float": traitlets.Float, "Dict": traitlets.Dict, "Callable": traitlets.Callable,
              "Bytes": traitlets.Bytes, "Any": traitlets.Any}
    if kind in simple:
        trait = simple[kind](allow_none=none)
    elif kind == "List":
        trait = traitlets.List(element, allow_none=none)
    elif kind == "Set":
        trait = traitlets.Set(element, allow_none=none)
    elif kind == "Enum":
        trait = traitlets.Enum(spec["values"], allow_none=none)
    elif kind == "ByteSpecification":
        trait = ByteSize(0)
    elif kind == "Type":
        cat = catalogue.catalog()
        klass = spec["klass"]
        trait = traitlets.Type(klass=f"{cat.classes[klass]['module']}.{klass}", allow_none=none)
    elif kind == "Union":
        trait = traitlets.Union([make_trait({"type": m}) for m in spec["of"]], allow_none=none)
    else:
        raise AssertionError(kind)
    return trait.tag(config=True)


@pytest.fixture(scope="module")
def traitlets_classes():
    """The catalogue as real traitlets classes, importable under their binderhub module paths."""
    cat = catalogue.catalog()
    built: dict[str, type] = dict(BASES)
    modules: dict[str, types.ModuleType] = {}

    def build(name):
        if name in built:
            return built[name]
        body = cat.classes[name]
        if not cat.configurable(name):
            parent = build(body["parent"]) if body.get("parent") else object
            cls = type(name, (parent,), {})
        else:
            parent = build(body.get("parent") or "Configurable")
            namespace = {t: make_trait(spec) for t, spec in (body.get("traits") or {}).items()}
            for hidden in body.get("hidden") or ():
                namespace[hidden] = traitlets.Unicode()  # redeclared without config=True
            cls = type(name, (parent,), namespace)
        built[name] = cls
        module_name = body.get("module") or "traitlets.config"
        if module_name.startswith("binderhub"):
            module = modules.setdefault(module_name, types.ModuleType(module_name))
            setattr(module, name, cls)
        return cls

    for name in cat.classes:
        build(name)
    saved = {name: sys.modules.get(name) for name in [*modules, "binderhub"]}
    sys.modules.setdefault("binderhub", types.ModuleType("binderhub"))
    sys.modules.update(modules)
    yield built
    for name, module in saved.items():
        if module is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = module


def helm_rendered(value):
    """What reaches Python after Helm's toYaml: whole float64 numbers become integers."""
    if isinstance(value, float) and value == int(value) and abs(value) < 1e21:
        return int(value)
    if isinstance(value, list):
        return [helm_rendered(v) for v in value]
    if isinstance(value, dict):
        return {k: helm_rendered(v) for k, v in value.items()}
    return value


SAMPLES = [None, True, False, 0, 1, 2, 5, 5.0, 5.5, 40e9, "", "text", "false", "true", "5", "2G", "2Gi", "G",
           "DEBUG", "debug", "10", [], ["a"], ["a", 1], [None], {}, {"a": "b"}, {"10.0.0.0/8": "x"},
           "binderhub.registry.DockerRegistry", "binderhub.registry.GoogleArtifactRegistry",
           "binderhub.build.KubernetesBuildExecutor", "binderhub.build.KubernetesCleaner",
           "binderhub.quota.KubernetesLaunchQuota", "binderhub.health.KubernetesHealthHandler",
           "GoogleArtifactRegistry", "unix:///var/run/docker.sock"]


def test_type_verdicts_agree_with_traitlets(traitlets_classes):
    cat = catalogue.catalog()
    disagreements = []
    checked = 0
    for name, body in cat.classes.items():
        if not cat.configurable(name):
            continue
        for trait_name, spec in (body.get("traits") or {}).items():
            if spec.get("yaml") is False:
                continue  # needs the BinderHub validator: tested with the rule below
            trait = cat.traits(name)[trait_name]
            for sample in SAMPLES:
                value = helm_rendered(sample)
                verdict = catalogue.trait_type_problem(trait, value, cat)
                if verdict is not None and verdict.severity == "warning":
                    continue  # reported as doubtful on purpose (e.g. true for an integer)
                config = Config()
                config[name].update({trait_name: value})
                try:
                    traitlets_classes[name](config=config)
                    raised = None
                except Exception as exc:  # noqa: BLE001 - any exception stops BinderHub
                    raised = exc
                checked += 1
                if (verdict is not None) != (raised is not None):
                    disagreements.append(f"{name}.{trait_name}={value!r}: ours={verdict and verdict.message!r} "
                                         f"traitlets={raised!r}")
    assert checked > 2000
    assert not disagreements, "\n".join(disagreements[:20])


@pytest.mark.parametrize("key", ["GitHubRepoProvider", "image_prefix"])
@pytest.mark.parametrize("value", [None, True, 5, "text", "", [], ["ab"], {}])
def test_section_crash_verdicts_agree_with_the_chart_loop(tmp_path, key, value):
    """binderhub_config.py runs `c[section].update(sub_cfg)`: BHD304 reports exactly what raises."""
    config = Config()
    try:
        config[key].update(value)
        raised = False
    except Exception:  # noqa: BLE001
        raised = True
    text = yaml.safe_dump({"config": {key: value}})
    found = findings_for(tmp_path, text, rule="BHD304")
    assert bool(found) == raised, (found, raised)


# --- BHD301 unknown class ------------------------------------------------------------------------------

def test_misspelled_class_suggests_the_real_one(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("GithubRepoProvider:\n  access_token: x"), rule="BHD301"))
    assert found.severity == "warning"
    assert found.path == "config.GithubRepoProvider"
    assert "did you mean `GitHubRepoProvider`" in found.message
    assert found.line == 2
    assert "extraConfig" in found.fix


def test_trait_directly_under_config_names_its_class(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("image_prefix: binderbot/binder-"), rule="BHD301"))
    assert "config.BinderHub.image_prefix" in found.fix


def test_jupyterhub_class_under_binderhub_config(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("KubeSpawner:\n  start_timeout: 600"), rule="BHD301"))
    assert "jupyterhub.hub.config.KubeSpawner" in found.fix


def test_classes_defined_in_extra_config_are_not_unknown(tmp_path):
    text = config_yaml("MyProvider:\n  token: abc") + (
        "extraConfig:\n  providers: |\n    from binderhub.repoproviders import RepoProvider\n"
        "    class MyProvider(RepoProvider):\n        pass\n")
    assert not findings_for(tmp_path, text, rule="BHD301")


def test_class_newer_than_the_chart_is_unknown_for_that_chart(tmp_path):
    text = config_yaml("KubernetesBuildExecutor:\n  build_image: quay.io/jupyterhub/repo2docker:2024.07.0")
    assert not findings_for(tmp_path, text, rule="BHD301")
    old = only(findings_for(tmp_path, text, chart_version="0.2.0-n900.h1234567", rule="BHD301"))
    assert "PR #1518" in old.message and "0.2.0-n900.h1234567" in old.message


# --- BHD302 unknown trait ------------------------------------------------------------------------------

def test_trait_typo_suggests_the_trait(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  hub_ur: http://1.2.3.4"), rule="BHD302"))
    assert found.severity == "warning"
    assert "did you mean `hub_url`" in found.message


@pytest.mark.parametrize("key, hint", [
    ("imagePrefix", "image_prefix"),
    ("token_url", "config.DockerRegistry.token_url"),
    ("github_auth_token", "config.GitHubRepoProvider.access_token"),
])
def test_unknown_trait_points_to_where_it_belongs(tmp_path, key, hint):
    found = only(findings_for(tmp_path, config_yaml(f"BinderHub:\n  {key}: x"), rule="BHD302"))
    assert hint in found.message + found.fix


def test_inherited_and_chart_only_keys_are_known(tmp_path):
    text = config_yaml("""
BinderHub:
  log_level: 10
  buildDockerConfig: {}
GistRepoProvider:
  banned_specs: []
  access_token: x
KubernetesBuildExecutor:
  memory_limit: 0
GoogleArtifactRegistry:
  token_url: ""
""")
    assert not findings_for(tmp_path, text, rule="BHD302")


def test_gist_hostname_is_not_configurable(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("GistRepoProvider:\n  hostname: gist.example.org"), rule="BHD302"))
    assert "gist.github.com" in found.message


def test_trait_of_a_newer_chart(tmp_path):
    text = config_yaml("KubernetesBuildExecutor:\n  resources: {}")
    assert not findings_for(tmp_path, text, rule="BHD302")
    found = only(findings_for(tmp_path, text, chart_version="1.0.0-0.dev.git.3673.h040c9bbe", rule="BHD302"))
    assert "PR #2071" in found.message


# --- BHD303 types ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ('use_registry: "false"', "Remove the quotes: `use_registry: false`"),
    ('per_repo_quota: "5"', "Remove the quotes: `per_repo_quota: 5`"),
    ("hub_url:", "Remove the line"),
    ("hub_url: 1234", "Quote the value"),
    ("per_repo_quota: 2.5", "whole number"),
    ("log_level: debug", "log_level: DEBUG"),
    ("registry_class: GoogleArtifactRegistry", "binderhub.registry.GoogleArtifactRegistry"),
    ("registry_class: binderhub.build.KubernetesBuildExecutor", "subclass of DockerRegistry"),
    ("extra_footer_scripts: [a]", "mapping"),
    ("repo_providers: {gh: binderhub.repoproviders.GitHubRepoProvider}", "extraConfig"),
])
def test_wrong_types_are_errors_with_a_fix(tmp_path, line, expected):
    found = only(findings_for(tmp_path, config_yaml(f"BinderHub:\n  {line}"), rule="BHD303"))
    assert found.severity == "error"
    assert expected in found.message + " " + found.fix


def test_null_token_url_is_an_error(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("DockerRegistry:\n  token_url: null"), rule="BHD303"))
    assert '`""`' in found.fix


@pytest.mark.parametrize("body", [
    "BinderHub:\n  per_repo_quota: 40e9\n  concurrent_build_limit: 5.0\n  port: 0x2181",
    "BinderHub:\n  use_registry:\n  base_url:\n  build_node_selector:",  # Helm deletes chart defaults
    "LaunchQuota:\n  total_quota:\nKubernetesBuildExecutor:\n  docker_host:\n  memory_request: 2G",
    "GitRepoProvider:\n  allowed_protocols: [https]\nRepoProvider:\n  banned_specs: '^evil/.*'",
    "BinderHub:\n  build_cleaner_class:\n  badge_base_url: https://mybinder.org",
])
def test_values_helm_and_traitlets_accept_are_not_reported(tmp_path, body):
    assert not findings_for(tmp_path, config_yaml(body), rule="BHD303")


def test_a_true_integer_is_a_warning(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  per_repo_quota: true"), rule="BHD303"))
    assert found.severity == "warning"


def test_nested_parented_sections_are_type_checked(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  DockerRegistry:\n    token_url: null"), rule="BHD303"))
    assert found.path == "config.BinderHub.DockerRegistry.token_url"


# --- BHD305 deprecated / BHD306 removed ------------------------------------------------------------------

def test_deprecated_trait_names_its_new_home(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  build_image: quay.io/jupyterhub/repo2docker:2024.07.0"),
                              rule="BHD305"))
    assert found.severity == "warning"
    assert "config.KubernetesBuildExecutor.build_image" in found.message
    assert "PR #1521" in found.message


def test_deprecated_trait_before_the_move_is_fine(tmp_path):
    text = config_yaml("BinderHub:\n  build_image: quay.io/jupyterhub/repo2docker:2022.02.0")
    assert not findings_for(tmp_path, text, chart_version="1.0.0-0.dev.git.2900.habcdef0", rule="BHD305")


def test_old_and_new_both_set_says_which_wins(tmp_path):
    old_wins = only(findings_for(tmp_path, config_yaml(
        "BinderHub:\n  sticky_builds: true\nKubernetesBuildExecutor:\n  sticky_builds: false"), rule="BHD305"))
    assert "replaces it at start-up" in old_wins.message
    new_wins = only(findings_for(tmp_path, config_yaml(
        "BinderHub:\n  build_max_age: 3600\nKubernetesCleaner:\n  max_age: 7200"), rule="BHD305"))
    assert "wins, so this line has no effect" in new_wins.message
    same = only(findings_for(tmp_path, config_yaml(
        "BinderHub:\n  pod_quota: 5\nLaunchQuota:\n  total_quota: 5"), rule="BHD305"))
    assert "redundant" in same.message


def test_deprecation_chain_is_followed(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  build_memory_request: 2G"), rule="BHD305"))
    assert "config.KubernetesBuildExecutor.resources" in found.message


def test_deprecation_chain_into_an_ignored_default_says_the_line_has_no_effect(tmp_path):
    """build_memory_request is copied to memory_request, which only fills in the default of
    resources (binderhub/build.py, `_default_resources`): with resources set, it does nothing."""
    values = config_yaml("BinderHub:\n  build_memory_request: 2G\nKubernetesBuildExecutor:\n  resources: {}")
    found = only(findings_for(tmp_path, values, rule="BHD305"))
    assert "has no effect" in found.message and "resources" in found.fix
    # before binderhub PR #2071 (n=3954) memory_request was the setting itself: copied and used
    older = only(findings_for(tmp_path, values, chart_version="1.0.0-0.dev.git.3900.h0000000", rule="BHD305"))
    assert "has no effect" not in older.message and "itself deprecated" not in older.message


def test_build_node_selector_fix_explains_the_chart_still_reads_it(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  build_node_selector:\n    pool: builds"),
                              rule="BHD305"))
    assert "DaemonSets" in found.fix


@pytest.mark.parametrize("line, severity", [
    ("google_analytics_code: UA-1234-1", "error"),
    ("google_analytics_domain: example.org", "error"),
    ("google_analytics_domain: auto", "warning"),
    ('google_analytics_code: ""', "warning"),
])
def test_removed_traits(tmp_path, line, severity):
    found = only(findings_for(tmp_path, config_yaml(f"BinderHub:\n  {line}"), rule="BHD306"))
    assert found.severity == severity
    assert "extra_footer_scripts" in found.fix
    assert not findings_for(tmp_path, config_yaml(f"BinderHub:\n  {line}"),
                            chart_version="1.0.0-0.dev.git.3600.h0000000", rule="BHD306")


# --- BHD307 nesting ------------------------------------------------------------------------------------

def test_provider_nested_under_binderhub_is_ignored(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  GitHubRepoProvider:\n    access_token: x"),
                              rule="BHD307"))
    assert found.severity == "warning" and "#1642" in found.message
    assert "config.GitHubRepoProvider" in found.fix


def test_registry_nested_under_binderhub_works(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  DockerRegistry:\n    url: https://gcr.io"),
                              rule="BHD307"))
    assert found.severity == "info" and "works" in found.message


def test_capitalised_typo_of_a_trait(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  Hub_url: http://1.2.3.4"), rule="BHD307"))
    assert "hub_url" in found.message


# --- BHD308 / BHD309 build_token_secret -------------------------------------------------------------------

@pytest.mark.parametrize("value, why", [
    ("not-a-hex-secret", "other than 0-9"),
    ('"abc"', "odd number"),
    ('"' + "ab" * 32 + '\\n"', "trailing newline"),
])
def test_build_token_secret_must_be_hex(tmp_path, value, why):
    secret = config_yaml(f"BinderHub:\n  build_token_secret: {value}")
    found = only(findings_for(tmp_path, "{}\n", secret=secret, rule="BHD308"))
    assert found.severity == "error" and why in found.message
    assert found.file.endswith("secret.yaml")


def test_short_build_token_secret_is_a_warning(tmp_path):
    found = only(findings_for(tmp_path, "{}\n", secret=config_yaml('BinderHub:\n  build_token_secret: "abcd"'),
                              rule="BHD308"))
    assert found.severity == "warning"


def test_build_token_secret_from_extra_env_is_checked(tmp_path):
    text = "extraEnv:\n  BINDERHUB_BUILD_TOKEN_SECRET: zz-not-hex\nreplicas: 3\n"
    assert only(findings_for(tmp_path, text, rule="BHD308")).path == "extraEnv.BINDERHUB_BUILD_TOKEN_SECRET"
    assert not findings_for(tmp_path, text, rule="BHD309")


def test_build_token_secret_is_never_printed(tmp_path):
    canary = "zz" + CANARY  # not hex: the finding is about this value
    (tmp_path / "secret.yaml").write_text(config_yaml(f"BinderHub:\n  build_token_secret: {canary}"))
    (tmp_path / "config.yaml").write_text(config_yaml("BinderHub:\n  use_registry: false"))
    for fmt in ("text", "json", "sarif", "github"):
        run = invoke("lint", "--format", fmt, "secret.yaml", "config.yaml", cwd=tmp_path)
        assert run.returncode == 1, run.stderr
        assert "BHD308" in run.stdout
        assert CANARY not in run.stdout + run.stderr


@pytest.mark.parametrize("values, reported", [
    ("replicas: 2", True),
    ("hpa:\n  enabled: true", True),
    ("hpa:\n  enabled: true\n  maxReplicas: 1", False),
    ("replicas: 1", False),
    ("replicas: 2\nextraConfig:\n  token: |\n    c.BinderHub.build_token_secret = open('/etc/secret').read()\n", False),
])
def test_build_token_secret_missing_with_several_pods(tmp_path, values, reported):
    assert bool(findings_for(tmp_path, values + "\n", rule="BHD309")) == reported


# --- BHD310 - BHD313 ----------------------------------------------------------------------------------

def test_ban_networks_host_bits_suggest_the_network(tmp_path):
    found = only(findings_for(tmp_path, config_yaml('BinderHub:\n  ban_networks:\n    "10.1.2.3/8": internal'),
                              rule="BHD310"))
    assert found.path == 'config.BinderHub.ban_networks["10.1.2.3/8"]'
    assert "10.0.0.0/8" in found.fix


@pytest.mark.parametrize("value, fixed", [("/binder", "/binder/"), ("binder/", "/binder/"), ("binder", "/binder/"),
                                          ("https://example.org/binder", "/binder/")])
def test_base_url_needs_both_slashes(tmp_path, value, fixed):
    found = only(findings_for(tmp_path, config_yaml(f"BinderHub:\n  base_url: {value}"), rule="BHD311"))
    assert f"base_url: {fixed}" in found.fix


def test_build_docker_host_needs_a_unix_url_but_docker_host_takes_a_path(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  build_docker_host: /var/run/docker.sock"),
                              rule="BHD312"))
    assert found.severity == "error" and "unix:///var/run/docker.sock" in found.fix
    assert not findings_for(tmp_path, config_yaml("KubernetesBuildExecutor:\n  docker_host: /var/run/docker.sock"),
                            rule="BHD312")
    two_slashes = only(findings_for(tmp_path, config_yaml("KubernetesBuildExecutor:\n  docker_host: unix://var/run/docker.sock"),
                                    rule="BHD312"))
    assert "/run/docker.sock" in two_slashes.message


def test_docker_host_replaced_by_the_chart_for_dind(tmp_path):
    text = config_yaml("KubernetesBuildExecutor:\n  docker_host: /var/run/other/docker.sock") + "imageBuilderType: dind\n"
    found = only(findings_for(tmp_path, text, rule="BHD312"))
    assert found.severity == "warning" and "unix:///var/run/dind/docker.sock" in found.message


def test_snake_case_build_docker_config(tmp_path):
    found = only(findings_for(tmp_path, config_yaml("BinderHub:\n  build_docker_config:\n    auths: {}"), rule="BHD313"))
    assert "buildDockerConfig" in found.fix


# --- the corpus and real deployments, through the real CLI --------------------------------------------

def lint_cli(*files, cwd=None):
    run = invoke("lint", "--format", "json", *map(str, files), cwd=cwd)
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    return run, json.loads(run.stdout)["findings"]


@needs_shared("corpus")
@pytest.mark.parametrize("case, path", [("trait-typo", "config.BinderHub.image_prefx"),
                                        ("deprecated-build-image", "config.BinderHub.build_image")])
def test_corpus_cases_are_reported(case, path):
    _, findings = lint_cli("secret.yaml", "config.yaml", cwd=CORPUS / case)
    ours = [f for f in findings if f["rule"] in OURS and f["path"] == path]
    assert ours and RANK[ours[0]["severity"]] >= RANK["warning"], findings


@needs_shared("corpus")
def test_corpus_clean_quotas_stays_clean():
    run, findings = lint_cli("secret.yaml", "config.yaml", cwd=CORPUS / "clean-quotas")
    assert not [f for f in findings if f["severity"] == "error"]
    assert not [f for f in findings if f["rule"] in OURS]
    assert run.returncode == 0


REAL_SETS = [
    [BINDERHUB / "chart-values.yaml"],
    [BINDERHUB / "lint-and-validate-values.yaml"],
    *[[c] for c in sorted(BINDERHUB.glob("binderhub-chart-config*.yaml"))],
    *[[c, o] for c in sorted(BINDERHUB.glob("binderhub-chart-config*.yaml"))
      for o in sorted(BINDERHUB.glob("binderhub-chart+*.yaml"))],
    *[[MYBINDER / "mybinder-values.yaml", c] for c in sorted(MYBINDER.glob("config-*.yaml"))],
]


@needs_shared("realworld")
@pytest.mark.parametrize("files", REAL_SETS, ids=lambda files: "+".join(f.name for f in files))
def test_real_deployments_have_no_trait_errors(files):
    _, findings = lint_cli(*files)
    errors = [(f["rule"], f["path"], f["message"]) for f in findings if f["rule"] in OURS and f["severity"] == "error"]
    assert not errors


@needs_shared("realworld")
def test_chart_defaults_raise_nothing_of_ours():
    _, findings = lint_cli(BINDERHUB / "chart-values.yaml")
    assert not [f for f in findings if f["rule"] in OURS]


@needs_shared("realworld")
def test_lint_and_validate_values_reports_its_dummy_trait():
    _, findings = lint_cli(BINDERHUB / "lint-and-validate-values.yaml")
    dummy = only([f for f in findings if f["path"] == "config.BinderHub.some_dummy_config"])
    assert (dummy["rule"], dummy["severity"]) == ("BHD302", "warning")


@needs_shared("realworld")
@pytest.mark.parametrize("config", sorted(MYBINDER.glob("config-*.yaml")), ids=lambda p: p.name)
def test_mybinder_deprecations_are_warnings_and_its_docker_host_is_valid(config):
    _, findings = lint_cli(MYBINDER / "mybinder-values.yaml", config)
    ours = [f for f in findings if f["rule"] in OURS]
    deprecated = {f["path"].rsplit(".", 1)[1]: f["severity"] for f in ours if f["rule"] == "BHD305"}
    text = config.read_text()
    for old in ("pod_quota", "build_node_selector", "sticky_builds"):
        if re.search(rf"^\s+{old}:", text, re.M):
            assert deprecated.get(old) == "warning", (old, ours)
    assert not [f for f in ours if f["rule"] == "BHD312"]
    assert not [f for f in ours if f["rule"] in ("BHD301", "BHD302", "BHD303")], ours


def test_extra_auths_that_sort_first_take_over_the_registry_url(tmp_path):
    text = ("registry:\n  url: https://gcr.io\n" + config_yaml(
        "BinderHub:\n  buildDockerConfig:\n    auths:\n      https://eu.gcr.io: {auth: eA==}"))
    found = only(findings_for(tmp_path, text, rule="BHD314"))
    assert "`https://eu.gcr.io`" in found.message
    assert "config.DockerRegistry.url: https://gcr.io" in found.fix
    text += "  DockerRegistry:\n    url: https://gcr.io\n"
    assert not findings_for(tmp_path, text, rule="BHD314")
