"""BinderHub's traitlets configuration as BinderHub itself declares it: the catalogue in
data/traits.yaml (classes, their traits, and the pull requests that added, moved or removed
them, by chart version) and what traitlets makes of a value of each trait type, as Helm
delivers it. The trait checks (checks/builtin/traits.py) ask these questions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..data_files import built
from ..paths import closest
from ..value_types import looks_like_number, type_name, with_article

CONFIG = ("config",)  # the chart passes `config:` to BinderHub as traitlets config
APP = "BinderHub"  # config.BinderHub.<Class> also configures <Class>, as a section under the app

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "traits.yaml"
STOPS = "BinderHub stops at start-up with a TraitError"
NEWEST = math.inf  # a chart version without a build number: assume the newest


# --- the catalogue -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A BinderHub pull request that added, moved or removed configuration."""

    name: str
    n: int  # commit count of the merge: the N of chart 1.0.0-0.dev.git.N
    pr: int | None
    date: str
    what: str

    def describe(self) -> str:
        where = f"binderhub PR #{self.pr}" if self.pr else "binderhub"
        return f"{where} ({self.date})"

    def first_chart(self, counts: dict) -> str:
        if self.n >= 2796:  # 2022-10-13: charts switched to 1.0.0-0.dev.git.N
            return f"1.0.0-0.dev.git.{self.n}"
        return f"0.2.0-n{self.n - counts['tag_0_2_0']:03d}"


@dataclass(frozen=True)
class Trait:
    name: str
    owner: str  # the class that declares it
    spec: dict = field(hash=False, compare=False)

    @property
    def type(self) -> str:
        return self.spec["type"]

    @property
    def allow_none(self) -> bool:
        # ByteSpecification allows None on the class itself, whatever the declaration says
        return bool(self.spec.get("allow_none")) or self.type == "ByteSpecification"


class Catalog:
    def __init__(self, data: dict):
        self.counts = data["commit_counts"]
        self.changes = {name: Change(name, c["n"], c.get("pr"), str(c["date"]), c.get("what", ""))
                        for name, c in data["changes"].items()}
        self.classes: dict[str, dict] = data["classes"]
        self.chart_defaults: dict = data.get("chart_defaults") or {}
        self.chart_only: dict = data.get("chart_only") or {}
        self.jupyterhub_classes = frozenset(data.get("jupyterhub_classes") or ())
        self._resolved: dict = {}

    # classes
    def known(self, name) -> bool:
        return isinstance(name, str) and name in self.classes

    def since(self, name: str) -> Change | None:
        change = self.classes[name].get("since")
        return self.changes[change] if change else None

    def exists(self, name, build: float) -> bool:
        if not self.known(name):
            return False
        change = self.since(name)
        return change is None or change.n <= build

    def lineage(self, name: str) -> list[str]:
        """The class and its ancestors, most specific first."""
        chain = []
        while name and name in self.classes and name not in chain:
            chain.append(name)
            name = self.classes[name].get("parent")
        return chain

    def is_subclass(self, name: str, base: str) -> bool:
        return base in self.lineage(name)

    def subclasses(self, base: str) -> list[str]:
        return [name for name in self.classes if self.is_subclass(name, base)]

    def where_set(self, values, target: str) -> list[tuple[tuple, bool]]:
        """Where `Class.trait` (or a subclass's) is set in the values: [(path, exact)], exact when
        it is the class itself at the top of `config` (the section BinderHub's deprecation shim
        overwrites)."""
        cls, _, trait = target.partition(".")
        found = []
        for name in self.subclasses(cls):
            for path in (CONFIG + (name, trait), CONFIG + (APP, name, trait)):
                if values.has(path):
                    found.append((path, name == cls and len(path) == 3))
        return found

    def configurable(self, name: str) -> bool:
        return all(self.classes[c].get("configurable", True) for c in self.lineage(name))

    def parented(self, name: str) -> bool:
        return bool(self.classes[name].get("parented"))

    def class_names(self, build: float) -> list[str]:
        return [name for name in self.classes if self.exists(name, build)]

    # traits
    def traits(self, name: str) -> dict[str, Trait]:
        """Every configurable trait of a class, inherited ones included, at any chart version."""
        if name not in self._resolved:
            found: dict[str, Trait] = {}
            for cls in reversed(self.lineage(name)):
                body = self.classes[cls]
                for hidden in body.get("hidden") or ():
                    found.pop(hidden, None)
                for trait, spec in (body.get("traits") or {}).items():
                    found[trait] = Trait(trait, cls, spec)
            self._resolved[name] = found
        return self._resolved[name]

    def trait_since(self, trait: Trait) -> Change | None:
        """When a trait became configurable: its own `since`, or its declaring class's."""
        change = trait.spec.get("since")
        return self.changes[change] if change else self.since(trait.owner)

    def trait_exists(self, trait: Trait, build: float) -> bool:
        change = self.trait_since(trait)
        return change is None or change.n <= build

    def traits_at(self, name: str, build: float) -> dict[str, Trait]:
        return {t: trait for t, trait in self.traits(name).items() if self.trait_exists(trait, build)}

    def gone(self, name: str, trait: str):
        for cls in self.lineage(name):
            entry = (self.classes[cls].get("gone") or {}).get(trait)
            if entry:
                return entry
        return None

    def hint(self, name: str, trait: str) -> str | None:
        for cls in self.lineage(name):
            text = (self.classes[cls].get("hints") or {}).get(trait)
            if text:
                return text
        return None

    def owners_of(self, trait: str, build: float, exclude: str | None = None) -> list[str]:
        """Classes that declare a trait of this name themselves (most general first)."""
        owners = []
        for name in self.classes:
            if name == exclude:
                continue
            declared = (self.classes[name].get("traits") or {}).get(trait)
            if declared is not None and self.exists(name, build) \
                    and self.trait_exists(Trait(trait, name, declared), build):
                owners.append(name)
        return owners

    def change(self, name: str | None) -> Change | None:
        return self.changes.get(name) if name else None

    def build_number(self, chart_key: tuple) -> float:
        """The binderhub commit count a chart version was built from (see data/traits.yaml)."""
        if not chart_key:
            return NEWEST
        major, minor, patch, number = chart_key
        if (major, minor, patch) >= (1, 0, 0):
            return number or NEWEST
        if (major, minor) == (0, 2):
            # 0.2.0-n<K>: K commits after the tag; 0.2.0-<sha>: before it, taken as the tag itself
            return self.counts["tag_0_2_0"] + number
        return self.counts["tag_0_1_0"]


def catalog(path: Path = DATA_FILE) -> Catalog:
    """The catalogue in ``path``, built again only when the file changes (data_files.built)."""
    return built(path, Catalog)


# --- trait types: what traitlets accepts, as Helm delivers the value --------------------------------

_BOOL_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n"}
_BYTE_SUFFIXES = "KMGT"


@dataclass
class TypeProblem:
    message: str
    fix: str
    severity: str | None = None


def trait_type_problem(trait: Trait, value, cat: Catalog | None = None) -> TypeProblem | None:
    """What traitlets would say about ``value`` (as BinderHub receives it from Helm), or None."""
    cat = cat or catalog()
    kind = trait.type
    if trait.spec.get("yaml") is False:
        return TypeProblem(f"{trait.owner}.{trait.name} needs Python objects that YAML cannot express: "
                           f"{trait.spec.get('note', '')}".rstrip(": "),
                           f"Remove it here and set `c.{trait.owner}.{trait.name}` in extraConfig.")
    if value is None:
        if trait.allow_none or kind == "Any":
            return None
        return TypeProblem(
            f"is empty (null), which this setting does not accept: {STOPS}",
            'Remove the line to keep the default, or give a value' + (' (`""` for an empty string).'
                                                                       if kind in ("Unicode", "Union") else "."))
    if kind == "Union":
        members = [m for m in trait.spec.get("of", []) if m not in ("Bytes", "Callable")] or ["Unicode"]
        return _check_simple(members[0], trait, value, cat)
    return _check_simple(kind, trait, value, cat)


def _check_simple(kind: str, trait: Trait, value, cat: Catalog) -> TypeProblem | None:
    if kind == "Type":  # the one kind that asks the catalogue
        return _check_class_path(trait, value, cat)
    checker = _TYPE_CHECKERS.get(kind)
    return checker(trait, value) if checker else None  # Any, and kinds traitlets does not check


def _check_unicode(trait: Trait, value) -> TypeProblem | None:
    if isinstance(value, str):
        return _check_text(trait, value)
    if isinstance(value, bool):
        return TypeProblem(f"is the boolean {as_yaml(value)}, not text (YAML reads an unquoted true/false/yes/no/on/off "
                           f"as a boolean): {STOPS}", "Quote the value.")
    if isinstance(value, (int, float)):
        return TypeProblem(f"is the number {as_yaml(value)}, not text: {STOPS}",
                           "Quote the value, e.g. `\"1234\"`.")
    return TypeProblem(f"is {describe_kind(value)}, but must be a string: {STOPS}", "Write a single string.")


def _check_bool(trait: Trait, value) -> TypeProblem | None:
    if isinstance(value, bool) or (_whole(value) and int(value) in (0, 1)):
        return None
    if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
        meant = "true" if value.strip().lower() in ("true", "yes", "on", "y") else "false"
        return TypeProblem(f"is the string \"{value}\", not a boolean: {STOPS}",
                           f"Remove the quotes: `{trait.name}: {meant}`.")
    return TypeProblem(f"is {describe_kind(value)}, but must be true or false: {STOPS}", "Write true or false.")


def _check_integer(trait: Trait, value) -> TypeProblem | None:
    return _check_number(trait, value, fractions=False)


def _check_float(trait: Trait, value) -> TypeProblem | None:
    return _check_number(trait, value, fractions=True)


def _check_number(trait: Trait, value, fractions: bool) -> TypeProblem | None:
    if isinstance(value, bool):
        return TypeProblem(f"is the boolean {as_yaml(value)}, not a number; traitlets reads it as "
                           f"{int(value)}", "Write a number.", severity="warning")
    if isinstance(value, int) or (fractions and isinstance(value, float)):
        return None
    if isinstance(value, float):
        if _whole(value):
            return None  # Helm renders a whole float64 (40e9, 5.0) as an integer
        return TypeProblem(f"is {as_yaml(value)}, but must be a whole number: {STOPS}", "Write a whole number.")
    if isinstance(value, str) and looks_like_number(value):
        return TypeProblem(f"is the string \"{value}\", not a number: {STOPS}",
                           f"Remove the quotes: `{trait.name}: {value.strip()}`.")
    return TypeProblem(f"is {describe_kind(value)}, but must be a number: {STOPS}", "Write a number.")


def _check_dict(_trait: Trait, value) -> TypeProblem | None:
    if isinstance(value, dict):
        return None
    return TypeProblem(f"is {describe_kind(value)}, but must be a mapping: {STOPS}",
                       "Write a mapping (`key: value` lines), or `{}`.")


def _check_list(trait: Trait, value) -> TypeProblem | None:
    if isinstance(value, str):
        return None  # traitlets wraps a lone string into a one-item list
    if not isinstance(value, list):
        return TypeProblem(f"is {describe_kind(value)}, but must be a list: {STOPS}",
                           "Write a YAML list (`- item` lines), or `[]`.")
    if trait.spec.get("items") == "Unicode":
        for index, item in enumerate(value):
            if not isinstance(item, str):
                return TypeProblem(f"item [{index}] is {describe_kind(item)}, but every item must be a string: {STOPS}",
                                   "Quote the item.")
    return None


_BINARY_UNIT_SIZE = re.compile(r"^\s*[\d.]+\s*[KMGT]i\s*$")  # anchored: linear under search() too


def _check_enum(trait: Trait, value) -> TypeProblem | None:
    allowed = trait.spec.get("values", [])
    if value in allowed:  # Python equality, as traitlets compares (false == 0)
        return None
    upper = value.upper() if isinstance(value, str) else None
    if upper in allowed:
        return TypeProblem(f"is \"{value}\", but names must be upper case: {STOPS}",
                           f"Write `{trait.name}: {upper}`.")
    shown = ", ".join(str(a) for a in allowed)
    return TypeProblem(f"is {as_yaml(value)}, but must be one of {shown}: {STOPS}", f"Use one of {shown}.")


def _check_byte_size(_trait: Trait, value) -> TypeProblem | None:
    if isinstance(value, bool):
        return TypeProblem(f"is the boolean {as_yaml(value)}, not a size; BinderHub reads it as {int(value)} byte(s)",
                           "Write a size such as 2G, or a number of bytes.", severity="warning")
    if isinstance(value, (int, float)):
        return None
    if not isinstance(value, str):
        return TypeProblem(f"is {describe_kind(value)}, not a size: {STOPS}", "Write a size such as 2G.")
    if value and value[-1] in _BYTE_SUFFIXES and looks_like_number(value[:-1]):
        return None
    hint = ""
    if _BINARY_UNIT_SIZE.fullmatch(value):
        hint = f" (write `{value.strip()[:-1]}` : BinderHub's K/M/G/T already count in 1024s)"
    return TypeProblem(f"is \"{value}\", not a size BinderHub understands{hint}: {STOPS}",
                       "Write a number with one of the suffixes K, M, G, T (e.g. 2G), or a number of bytes.")


def _check_callable(trait: Trait, _value) -> TypeProblem | None:
    return TypeProblem(f"must be a Python function, which YAML cannot give: {STOPS}",
                       f"Remove it here and set it in extraConfig, e.g. `c.{trait.owner}.{trait.name} = my_function`.")


# What traitlets accepts for each trait type, as Helm delivers the value.
_TYPE_CHECKERS = {
    "Unicode": _check_unicode,
    "Bool": _check_bool,
    "Integer": _check_integer,
    "Float": _check_float,
    "Dict": _check_dict,
    "List": _check_list,
    "Set": _check_list,
    "Enum": _check_enum,
    "ByteSpecification": _check_byte_size,
    "Callable": _check_callable,
}


def _check_text(trait: Trait, value: str) -> TypeProblem | None:
    rule = trait.spec.get("matches")
    if rule and value and not re.search(rule["regex"], value, re.I):
        return TypeProblem(f"is \"{value}\": {rule['message']}", rule["fix"])
    return None


def _check_class_path(trait: Trait, value, cat: Catalog) -> TypeProblem | None:
    klass = trait.spec.get("klass")
    if not isinstance(value, str):
        return TypeProblem(f"is {describe_kind(value)}, but must be an import path such as `binderhub.registry.DockerRegistry`: {STOPS}",
                           "Write the class's full import path as a string.")
    parts = value.strip().split(".")
    if len(parts) < 2 or not all(p.isidentifier() for p in parts):
        guess = cat.classes.get(value.strip()) and cat.classes[value.strip()].get("module")
        fix = f"Write `{guess}.{value.strip()}`." if guess else "Write the full import path, module and class."
        return TypeProblem(f"is \"{value}\", which is not an importable `module.Class` path: {STOPS}", fix)
    if parts[0] != "binderhub":
        return None  # the deployment's own class; cannot be checked offline
    name = parts[-1]
    if not cat.known(name) or not (cat.classes[name].get("module") or "").startswith("binderhub"):
        candidates = [c for c in cat.classes if (cat.classes[c].get("module") or "").startswith("binderhub")
                      and (not klass or cat.is_subclass(c, klass))]
        guess = closest(name, candidates)
        return TypeProblem(f"names `{name}`, which is not a BinderHub class" + (f" (did you mean `{guess}`?)" if guess else "")
                           + ": the import fails and BinderHub stops at start-up",
                           f"Write `{cat.classes[guess]['module']}.{guess}`." if guess else "Check the class name.",
                           severity="warning")
    if klass and not cat.is_subclass(name, klass):
        return TypeProblem(f"names {name}, which is not a kind of {klass}: {STOPS}",
                           f"Choose a subclass of {klass}.")
    module = ".".join(parts[:-1])
    expected = cat.classes[name].get("module")
    if module not in (expected, "binderhub.app", "binderhub"):
        return TypeProblem(f"names module `{module}`, but {name} lives in `{expected}`: the import fails and "
                           "BinderHub stops at start-up", f"Write `{expected}.{name}`.", severity="warning")
    return None


def _whole(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or \
        (isinstance(value, float) and math.isfinite(value) and value == int(value) and abs(value) < 1e21)


def describe_kind(value) -> str:
    """`a string`, `an integer`, `empty (null)`: what a value is, in a message."""
    return "empty (null)" if value is None else with_article(type_name(value))


def as_yaml(value) -> str:
    """A scalar as YAML writes it (`true`, `40000000000` for 40e9)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and _whole(value):
        return str(int(value))
    return str(value)
