"""The BinderHub chart and its JupyterHub subchart as Helm checks values against them: our own
model of both charts' values schemas and of what their NOTES.txt refuse (data/chart-model.yaml),
with the chart versions that added, changed or removed each key. The chart-layout checks
(checks/builtin/chart_layout.py) ask it questions; it knows nothing of findings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .. import chart_versions
from ..data_files import built

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "chart-model.yaml"

# The charts' names: the JupyterHub chart is BinderHub's dependency, its values under `jupyterhub:`.
BINDERHUB = "binderhub"
JUPYTERHUB = "jupyterhub"

_TYPE_WORDS = {
    "bool": "boolean", "int": "integer", "number": "number", "string": "string",
    "list": "list", "map": "mapping",
}


@dataclass(eq=False)
class Removal:
    text: str
    moved: str | dict | None
    group: str
    since: tuple | None = None  # BinderHub chart version that started refusing the key
    since_text: str | None = None
    z2jh: tuple | None = None  # JupyterHub chart version that started refusing it
    z2jh_text: str | None = None
    ignored_before: tuple | None = None  # from `since` until this version the chart ignored the key
    ignored_before_text: str | None = None


@dataclass(eq=False)
class Node:
    types: frozenset | None = None  # None: any type
    nullable: bool = False
    strict: bool = False
    keys: dict = field(default_factory=dict)
    each: Node | None = None
    key_pattern: re.Pattern | None = None
    each_defaults: frozenset = frozenset()
    enum: tuple | None = None
    required: tuple = ()
    one_of: tuple = ()
    when_true: dict | None = None
    nodefault: bool = False
    since: tuple | None = None
    since_text: str | None = None
    z2jh_since: tuple | None = None  # only on `too_new` keys of a version view
    z2jh_since_text: str | None = None
    older: str | None = None
    removed: Removal | None = None
    classes_of: str | None = None
    checked_by: str | None = None
    enforced_by: str | None = None
    subchart: str | None = None
    wrong_level_ok: frozenset = frozenset()
    # Keys the selected JupyterHub chart does not have yet (only in a version's view, see
    # ChartModel.jupyterhub_at): reported as too new, not as unknown.
    too_new: dict = field(default_factory=dict)

    @property
    def is_mapping(self) -> bool:
        return self.types is not None and "mapping" in self.types

    def declared(self) -> dict:
        """Keys a user may write today (removed ones are not suggestions)."""
        return {k: v for k, v in self.keys.items() if v.removed is None}


@dataclass(eq=False)
class ChartModel:
    binderhub: Node
    jupyterhub: Node  # the JupyterHub chart as z2jh main has it; see jupyterhub_at for others
    strict_since: dict
    z2jh_versions: list
    binderhub_classes: frozenset
    jupyterhub_classes: frozenset
    jupyterhub_raw: dict = field(default_factory=dict, repr=False)
    jupyterhub_history: dict = field(default_factory=dict, repr=False)
    compiler: _Compiler | None = field(default=None, repr=False)  # shares what the views leave unchanged
    views: dict = field(default_factory=dict, repr=False)  # z2jh version -> Node

    def z2jh_for(self, chart_key: tuple) -> str:
        """The JupyterHub chart version a BinderHub chart version depends on."""
        chosen = self.z2jh_versions[0][1]
        for first, z2jh in self.z2jh_versions:
            if chart_key >= first:
                chosen = z2jh
        return chosen

    def z2jh_dropped(self, path: tuple) -> str | None:
        """The z2jh release that silently dropped the key at `path` (under `jupyterhub:`), if one did."""
        return self._z2jh_dropped.get(path)

    def places_of(self, key: str) -> list[tuple]:
        """Every path of the BinderHub chart (the JupyterHub subchart's under `jupyterhub`) that
        declares ``key``, removed keys aside: for "this key belongs at …" hints."""
        return self._key_index.get(key, [])

    def jupyterhub_at(self, z2jh_text: str) -> Node:
        """The JupyterHub chart as z2jh version `z2jh_text` has it (NEWEST_Z2JH: the tree as
        written), built once per version."""
        if z2jh_text not in self.views:
            view = _RawAtVersion(self.jupyterhub_history, self._z2jh_removals, z2jh_key(z2jh_text))
            raw = view.node(self.jupyterhub_raw, ())
            self.views[z2jh_text] = self.compiler.node(raw)
        return self.views[z2jh_text]

    @cached_property
    def _z2jh_dropped(self) -> dict[tuple, str]:
        return {_path(dotted): str(release) for release, changes in self.jupyterhub_history.items()
                for dotted in (changes.get("removed") or {})}

    @cached_property
    def _z2jh_removals(self) -> dict[tuple, tuple]:
        """Path -> z2jh version, for every key of the tree whose removal (`removed.z2jh`) a chart explains."""
        found: dict[tuple, tuple] = {}

        def walk(raw, path: tuple):
            if not isinstance(raw, dict):
                return
            if (raw.get("removed") or {}).get("z2jh"):
                found[path] = z2jh_key(raw["removed"]["z2jh"])
            for key, child in (raw.get("keys") or {}).items():
                walk(child, path + (str(key),))
            if "each" in raw:
                walk(raw["each"], path + ("*",))

        walk(self.jupyterhub_raw, ())
        return found

    @cached_property
    def _key_index(self) -> dict[str, list[tuple]]:
        index: dict[str, list[tuple]] = defaultdict(list)

        def walk(node: Node, path: tuple):
            for key, child in node.keys.items():
                if child.removed is None:
                    index[key].append(path + (key,))
                    walk(child, path + (key,))

        walk(self.binderhub, ())
        return dict(index)


# The development head of zero-to-jupyterhub: newer than every release annotated in the model.
NEWEST_Z2JH = "main"


def z2jh_key(text) -> tuple:
    """Orderable form of a JupyterHub chart version: 3.0.0-beta.1 < 3.0.0 < 3.1.0 < main."""
    if str(text) == NEWEST_Z2JH:
        return (float("inf"),)
    core, _, pre = str(text).partition("-")
    numbers = tuple(int(part) for part in core.split("."))
    return numbers + ((0, pre) if pre else (1, ""))


@lru_cache(maxsize=None)
def _parse_type(text: str) -> tuple[frozenset | None, bool]:
    text = text.strip()
    nullable = text.endswith("?")
    names = text.rstrip("?").split("|")
    if "any" in names:
        return None, True
    unknown = [n for n in names if n not in _TYPE_WORDS]
    if unknown:
        raise ValueError(f"chart model: unknown type {unknown[0]!r} in {text!r}")
    return frozenset(_TYPE_WORDS[n] for n in names), nullable


class _Compiler:
    def __init__(self):
        # id -> (raw, Node); holding the raw keeps its id from being reused by another mapping
        self.memo: dict[int, tuple] = {}

    def node(self, raw) -> Node:
        if isinstance(raw, str):
            types, nullable = _parse_type(raw)
            return Node(types=types, nullable=nullable)
        if id(raw) in self.memo:  # YAML anchors (and what the JupyterHub views leave unchanged): one Node
            return self.memo[id(raw)][1]
        node = Node()
        self.memo[id(raw)] = (raw, node)
        if "type" in raw:
            node.types, node.nullable = _parse_type(raw["type"])
        elif {"keys", "each", "strict"} & set(raw):
            node.types = frozenset({"mapping"})
        if "enum" in raw:
            node.enum = tuple(raw["enum"])
            node.nullable = node.nullable or None in node.enum
        node.strict = bool(raw.get("strict", False))
        node.keys = {str(k): self.node(v) for k, v in (raw.get("keys") or {}).items()}
        if "each" in raw:
            node.each = self.node(raw["each"])
        if "key_pattern" in raw:
            node.key_pattern = re.compile(raw["key_pattern"])
        node.each_defaults = frozenset(raw.get("each_defaults", ()))
        node.required = tuple(raw.get("required", ()))
        node.one_of = tuple(raw.get("one_of", ()))
        node.when_true = raw.get("when_true")
        node.nodefault = bool(raw.get("nodefault", False))
        if "since" in raw:
            node.since_text = str(raw["since"])
            node.since = chart_versions.parse(node.since_text)
        if "z2jh_since" in raw:
            node.z2jh_since_text = str(raw["z2jh_since"])
            node.z2jh_since = z2jh_key(node.z2jh_since_text)
        node.older = raw.get("older")
        node.classes_of = raw.get("classes_of")
        node.checked_by = raw.get("checked_by")
        node.enforced_by = raw.get("enforced_by")
        node.subchart = raw.get("subchart")
        node.wrong_level_ok = frozenset(raw.get("wrong_level_ok", ()))
        node.too_new = {str(k): self.node(v) for k, v in (raw.get("too_new") or {}).items()}
        if "removed" in raw:
            spec = raw["removed"]
            removal = Removal(text=spec["text"], moved=spec.get("moved"), group=spec["group"])
            if spec.get("since"):
                removal.since_text = str(spec["since"])
                removal.since = chart_versions.parse(removal.since_text)
            if spec.get("ignored_before"):
                removal.ignored_before_text = str(spec["ignored_before"])
                removal.ignored_before = chart_versions.parse(removal.ignored_before_text)
            if spec.get("z2jh"):
                removal.z2jh_text = str(spec["z2jh"])
                removal.z2jh = z2jh_key(removal.z2jh_text)
            node.removed = removal
        return node


def chart_model(path: Path = MODEL_PATH) -> ChartModel:
    """The model in ``path``, built again only when the file changes (data_files.built)."""
    return built(path, compile_model)


def compile_model(raw: dict) -> ChartModel:
    """A ChartModel from the parsed content of a chart-model file."""
    compiler = _Compiler()
    binderhub = compiler.node(raw["binderhub"])
    jupyterhub = compiler.node(raw["jupyterhub"])
    for key, child in list(binderhub.keys.items()):
        if child.subchart == JUPYTERHUB:
            binderhub.keys[key] = jupyterhub
    return ChartModel(
        binderhub=binderhub,
        jupyterhub=jupyterhub,
        strict_since={side: chart_versions.parse(str(v)) for side, v in raw["strict_since"].items()},
        z2jh_versions=[(chart_versions.parse(str(chart)), str(z2jh)) for chart, z2jh in raw["z2jh_versions"]],
        binderhub_classes=frozenset(raw["binderhub_classes"]),
        jupyterhub_classes=frozenset(raw["jupyterhub_classes"]),
        jupyterhub_raw=raw["jupyterhub"],
        jupyterhub_history=raw["jupyterhub_history"],
        compiler=compiler,
    )


_ABSENT = object()


class _RawAtVersion:
    """The JupyterHub tree (z2jh main) taken back to an older z2jh version through
    `jupyterhub_history`, still in the model's notation: keys added later left out (kept under
    `too_new` where a strict mapping should call them too new rather than unknown), keys removed
    since put back, fields as they were, and a `removed.z2jh` that has not happened yet dropped
    (the key is then an ordinary one)."""

    def __init__(self, history: dict, removals: dict[tuple, tuple], version: tuple):
        self.version = version
        self.removals_ahead = {path for path, since in removals.items() if version < since}
        self.state: dict[tuple, object] = {}  # path -> _ABSENT, or the node a removed key had
        self.was: dict[tuple, dict] = {}
        self.since: dict[tuple, str] = {}
        # Newest change first, so that the oldest change after `version` has the last word.
        for release, changes in sorted(history.items(), key=lambda item: z2jh_key(item[0]), reverse=True):
            if version >= z2jh_key(release):
                continue
            for dotted in changes.get("added") or ():
                self.state[_path(dotted)] = _ABSENT
                self.since[_path(dotted)] = str(release)
            for dotted, node in (changes.get("removed") or {}).items():
                self.state[_path(dotted)] = node
            for dotted, fields in (changes.get("was") or {}).items():
                fields = {"type": fields} if isinstance(fields, str) else fields
                self.was[_path(dotted)] = {**self.was.get(_path(dotted), {}), **fields}
        touched = set(self.state) | set(self.was) | self.removals_ahead
        self.affected = {path[:n] for path in touched for n in range(len(path) + 1)}

    def node(self, raw, path: tuple):
        if path not in self.affected:
            return raw  # unchanged since: shared as it is (YAML anchors stay one Node)
        resolved = _as_mapping(raw)
        resolved.update(self.was.get(path, {}))
        if path in self.removals_ahead:
            del resolved["removed"]
        keys, too_new = {}, {}
        for key, child in (resolved.get("keys") or {}).items():
            here = path + (str(key),)
            if self.state.get(here) is _ABSENT:
                too_new[key] = {**_as_mapping(child), "z2jh_since": self.since[here]}
            else:
                keys[key] = self.node(child, here)
        for here, node in self.state.items():
            if node is not _ABSENT and here[:-1] == path and here[-1] not in keys:
                keys[here[-1]] = self.node(node, here)
        if keys or "keys" in resolved:
            resolved["keys"] = keys
        if too_new and resolved.get("strict") and resolved.get("each") is None:
            resolved["too_new"] = too_new
        if "each" in resolved:
            resolved["each"] = self.node(resolved["each"], path + ("*",))
        return resolved


def _path(dotted: str) -> tuple:
    return tuple(dotted.split("."))


def _as_mapping(raw) -> dict:
    return dict(raw) if isinstance(raw, dict) else {"type": raw}
