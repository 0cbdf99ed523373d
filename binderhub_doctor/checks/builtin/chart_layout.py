"""Chart layout (rules/chart.yaml, BHD4xx): what Helm checks against the BinderHub chart's values
schema and the JupyterHub subchart's, and what the chart's NOTES.txt refuses, answered from our
own model of the charts (models/chart.py) so that nobody needs `helm lint` with the chart to
find it.

One walk over the values finds everything; each rule's function returns its share of that walk,
which the lint's context keeps for the others.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ...models.chart import BINDERHUB, JUPYTERHUB, Node, Removal, z2jh_key
from ...paths import closest
from ...value_types import looks_like_number, type_name, with_article
from ...values import META_CHART_KEY, format_path, nested_values_key
from ..base import Context, Hit
from ..kinds import builtin

# Names too common to say "this key belongs at …" about.
_TOO_COMMON = {"enabled", "image", "name", "tag", "type", "resources", "labels", "annotations",
               "nodeSelector", "tolerations", "extraEnv", "extraVolumes", "extraVolumeMounts",
               "initContainers", "lifecycle", "pdb", "networkPolicy", "serviceAccount", "service",
               "extraPodSpec", "containerSecurityContext", "hosts", "ingress", "egress", "create",
               "replicas", "revisionHistoryLimit", "extraFiles", "config", "extraConfig", "url",
               "password", "username", "key", "secret", "https", "debug", "rbac", "global"}


# --------------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------------

_GROUP_OF_REMOVAL = {
    "legacy": "removed_key",
    "cors": "renamed_cors",
    "dind": "dind_enabled",
    "image-cleaner": "image_cleaner_host",
    "jupyterhub": "removed_jupyterhub_key",
}


class _Walk:
    def __init__(self, values, context: Context):
        self.values = values
        self.model = context.model()
        self.chart_text = context.chart_version
        self.chart = context.chart_key
        self.z2jh_text = self.model.z2jh_for(self.chart)
        self.z2jh = z2jh_key(self.z2jh_text)
        self.jupyterhub = self.model.jupyterhub_at(self.z2jh_text)  # what that z2jh version accepts
        self.strict_now = {side: self.chart >= since for side, since in self.model.strict_since.items()}
        self.hits: dict[str, list[Hit]] = defaultdict(list)
        self.enforced_by: str | None = None  # set inside values only the application checks

    # -- output ---------------------------------------------------------------------------
    def add(self, group: str, path, message: str, severity: str | None = None, fix: str | None = None,
            position=None):
        self.hits[group].append(Hit(path, message, severity=severity, fix=fix, position=position))

    def refusal(self, side: str) -> tuple[str, str | None]:
        """How the chart reacts to a value its schema forbids: (words, severity override)."""
        if self.enforced_by:
            return self.enforced_by, None
        if self.strict_now[side]:
            return "Helm refuses the install", None
        chart = (f"BinderHub chart {self.chart_text}" if side == BINDERHUB else
                 f"JupyterHub chart {self.z2jh_text} (in BinderHub chart {self.chart_text})")
        return (f"{chart} has no values schema, so Helm lets it through, but the templates or the "
                "application may still fail", "warning")

    def shown(self, path: tuple) -> str:
        return f"`{self.values.display_path(path)}`"

    def where(self, path: tuple) -> str:
        return self.values.display_path(path)

    # -- entry ----------------------------------------------------------------------------
    def run(self) -> dict[str, list[Hit]]:
        data = self.values.data
        self.visit(self.model.binderhub, data, (), BINDERHUB, required=False, has_default=True,
                   defaults_known=True)
        self.outside_values_key()
        return self.hits

    def visit(self, node: Node, value, path: tuple, side: str, *, required: bool, has_default: bool,
              defaults_known: bool, parent_strict: bool = True):
        if node is self.model.jupyterhub:
            node, side = self.jupyterhub, JUPYTERHUB
        if node.removed is not None and self.removal_applies(node.removed):
            self.report_removed(node, value, path, side, parent_strict)
            return
        if not self.available(node, path, side, parent_strict):
            return
        if value is None:
            self.check_null(node, path, side, required=required, has_default=has_default)
            return
        if not self.check_type(node, value, path, side):
            return
        if isinstance(value, dict) and node.is_mapping:
            outer = self.enforced_by
            self.enforced_by = node.enforced_by or outer  # for what is inside, not the mapping itself
            try:
                self.visit_mapping(node, value, path, side, defaults_known and not node.nodefault)
            finally:
                self.enforced_by = outer

    def visit_mapping(self, node: Node, value: dict, path: tuple, side: str, defaults_known: bool):
        strict = node.strict
        required = set(node.required)
        if node.when_true is not None:
            if value.get(node.when_true["key"]) is not True:
                return  # the schema constrains nothing else then
            strict = strict or bool(node.when_true.get("strict"))
            self.check_when_true(node, value, path, side)
        for key, item in value.items():
            key = str(key)
            here = path + (key,)
            child = node.keys.get(key)
            if child is not None:
                self.visit(child, item, here, side, required=key in required,
                           has_default=defaults_known and not child.nodefault,
                           defaults_known=defaults_known, parent_strict=strict)
                continue
            if key in node.too_new:
                self.available(node.too_new[key], here, side, strict)
                continue
            if node.each is not None and (node.key_pattern is None or node.key_pattern.search(key)):
                self.wrong_side_class(node, key, here)
                self.visit(node.each, item, here, side, required=key in required,
                           has_default=defaults_known and key in node.each_defaults,
                           defaults_known=False, parent_strict=strict)
                continue
            if strict:
                self.unknown(node, item, path, key, side)
            elif node.key_pattern is not None and node.classes_of:
                # An open hub.config (z2jh before 4.3.0): Helm takes the key, and the hub's
                # `c[name].update(...)` keeps a lower-case name as a plain value no class reads.
                self.unknown(node, item, path, key, side,
                             ignored=f"JupyterHub chart {self.z2jh_text} lets it through, but the hub only "
                                     f"reads class sections (such as `KubeSpawner`) from {self.shown(path)} "
                                     "and ignores it")
        if not defaults_known:
            for key in node.required:
                if key not in value:
                    self.add("required_missing", path,
                             f"{self.shown(path)} has no `{key}`, which the chart requires here; "
                             "Helm refuses the install unless another values file sets it",
                             fix=f"Add `{key}:` to {self.where(path)}.")
        if node.one_of:
            given = [k for k in node.one_of if value.get(k) is not None]
            if not given:
                self.add("required_missing", path,
                         f"{self.shown(path)} needs one of {_or_list(node.one_of)}",
                         fix=f"Give the content as one of {_or_list(node.one_of)}.")
            elif len(given) > 1:
                words, downgrade = self.refusal(side)
                self.add("required_missing", path,
                         f"{self.shown(path)} sets {_and_list(given)}; the chart takes exactly one of "
                         f"{_or_list(node.one_of)}: {words}",
                         severity=downgrade or "error", fix=f"Keep only one of {_and_list(given)}.")

    # -- individual checks ------------------------------------------------------------------
    def available(self, node: Node, path: tuple, side: str, parent_strict: bool) -> bool:
        """False (and a finding) when the selected chart predates this key."""
        if node.since is not None and self.chart < node.since:
            what = f"BinderHub chart {node.since_text}"
            yours = f"chart {self.chart_text}"
        elif node.z2jh_since is not None and self.z2jh < node.z2jh_since:
            what = f"JupyterHub chart {node.z2jh_since_text}"
            yours = f"JupyterHub chart {self.z2jh_text}, which BinderHub chart {self.chart_text} uses,"
        else:
            return True
        refused = parent_strict and self.strict_now[side]
        effect = "refuses it, so Helm stops the install" if refused else "ignores it"
        older = f" Older charts call this setting `{node.older}`." if node.older else ""
        self.add("key_too_new", path,
                 f"{self.shown(path)} arrived with {what}; {yours} {effect}.{older}",
                 severity=None if refused else "warning",
                 fix=f"Upgrade to BinderHub chart {node.since_text} or newer (pass --chart-version if "
                     "you already use it), or remove the key." if node.since is not None else
                 "Remove the key, or use a BinderHub chart whose JupyterHub chart has it.")
        return False

    def check_null(self, node: Node, path: tuple, side: str, *, required: bool, has_default: bool):
        words, downgrade = self.refusal(side)
        if required and node is self.jupyterhub:
            # Checked with helm 3.19 and 4.3 and the real charts: a null subchart key keeps the
            # subchart's own defaults and drops only what the parent chart sets for it.
            self.add("null_required", path,
                     f"{self.shown(path)} is null: Helm then keeps the JupyterHub chart's own defaults but "
                     "drops every JupyterHub setting the BinderHub chart makes, among them "
                     "`jupyterhub.hub.services.binder`, which the BinderHub chart requires: " + words,
                     severity=downgrade, fix="Remove the empty `jupyterhub:` line, or set keys under it.")
            return
        if required:
            self.add("null_required", path,
                     f"{self.shown(path)} is null, but the chart requires this key (a null removes the "
                     f"chart's default instead of keeping it): {words}", severity=downgrade,
                     fix=f"Remove `{path[-1]}:` (to keep the chart's default) or give it a value.")
            return
        if has_default or node.nullable or node.types is None or self.null_deletes_earlier(path):
            return  # deletes a default: a normal way to switch something off
        if node.checked_by:
            return
        self.add("wrong_type", path,
                 f"{self.shown(path)} is empty (null), but must be {with_article(_type_words(node))}; "
                 f"the chart has no default here for the null to delete: {words}",
                 severity=downgrade, fix=f"Give {self.where(path)} a value, or remove the key.")

    def null_deletes_earlier(self, path: tuple) -> bool:
        """A null that removes what an earlier values file set (as meta-charts' overrides do)."""
        full = self.values.prefix + tuple(path)
        owner = self.values.document_of(path)
        for doc in self.values.documents:
            if doc is owner:
                break
            node = doc.data
            for part in full:
                node = node.get(part) if isinstance(node, dict) else None
            if node is not None:
                return True
        return False

    def check_type(self, node: Node, value, path: tuple, side: str) -> bool:
        actual = type_name(value)
        if node.types is not None:
            allowed = set(node.types) | ({"integer"} if "number" in node.types else set())
            if actual not in allowed:
                if node.checked_by:
                    return False
                words, downgrade = self.refusal(side)
                self.add("wrong_type", path, f"{self.type_message(node, value, actual, path)}: {words}",
                         severity=downgrade)
                return False
        if node.enum is not None and value not in node.enum:
            choices = [c for c in node.enum if c is not None]
            words = ", ".join('""' if c == "" else str(c) for c in choices)
            guess = closest(str(value), [c for c in choices if c], cutoff=0.6) if isinstance(value, str) else None
            hint = f" (did you mean `{guess}`?)" if guess else ""
            refused, downgrade = self.refusal(side)
            self.add("bad_enum", path,
                     f"{self.shown(path)} is {self.values.show(path)}, but the chart only accepts "
                     f"{words}{hint}: {refused}", severity=downgrade,
                     fix=f"Use one of: {words}.")
            return False
        return True

    def type_message(self, node: Node, value, actual: str, path: tuple) -> str:
        expected = _type_words(node)
        shown = self.shown(path)
        if actual == "string" and "boolean" in node.types and value.strip().lower() in ("true", "false"):
            return f"{shown} is the string {self.values.show(path)}, not a boolean (remove the quotes)"
        if actual == "string" and node.types & {"integer", "number"} and looks_like_number(value):
            return f"{shown} is the string {self.values.show(path)}, not a number (remove the quotes)"
        if actual in ("integer", "number", "boolean") and "string" in node.types:
            return (f"{shown} is {with_article(actual)} ({self.values.show(path)}), but the chart wants a "
                    "string (quote the value so that YAML keeps it as text)")
        value_shown = "" if actual in ("list", "mapping") else f" ({self.values.show(path)})"  # no "a list (a list)"
        return f"{shown} is {with_article(actual)}{value_shown}, but the chart wants {with_article(expected)}"

    def check_when_true(self, node: Node, value: dict, path: tuple, side: str):
        switch = node.when_true["key"]
        for key in node.when_true.get("required", ()):
            if key not in value:
                # (the message avoids quoting `key: value` lines: the redactor may know them)
                self.add("required_missing", path,
                         f"{self.shown(path)} has `{switch}` set to true but no `{key}`, which the chart "
                         "then requires", fix=f"Add `{key}:` to {self.where(path)}.")
            elif value[key] is None:
                words, downgrade = self.refusal(side)
                self.add("null_required", path + (key,),
                         f"{self.shown(path + (key,))} is empty, but with `{switch}` set to true the chart "
                         f"requires a value: {words}",
                         severity=downgrade, fix=f"Give {self.where(path + (key,))} a value.")

    def wrong_side_class(self, node: Node, key: str, path: tuple):
        """A BinderHub class under the hub's config. (JupyterHub classes under BinderHub's `config:`
        are BHD301's, with the other class names there.)"""
        model = self.model
        if node.classes_of == JUPYTERHUB and key in model.binderhub_classes and key not in model.jupyterhub_classes:
            self.add("binderhub_key_under_jupyterhub", path,
                     f"{self.shown(path)} configures BinderHub's `{key}` on the JupyterHub side, which "
                     f"ignores it; BinderHub reads `config.{key}`",
                     severity="warning", fix=f"Move it to {self.where(('config', key))}.")

    def unknown(self, node: Node, item, path: tuple, key: str, side: str, ignored: str | None = None):
        """A key the chart does not declare here; `ignored`: how it is ignored where the chart
        itself takes any key."""
        here = path + (key,)
        model = self.model
        severity = None if self.strict_now[side] and not ignored else "warning"
        effect = (ignored or ("Helm refuses the install (additional property not allowed)" if severity is None
                              else f"chart {self.chart_text} ignores it without a word"))
        if side == BINDERHUB and path == () and key in self.jupyterhub.declared() \
                and key not in model.binderhub.wrong_level_ok:
            self.add("jupyterhub_key_at_root", here,
                     f"{self.shown(here)} is a JupyterHub setting; in the BinderHub chart it belongs under "
                     f"`jupyterhub:` ({self.where((JUPYTERHUB, key))}). At the top level {effect}",
                     severity=severity, fix=f"Indent it under `jupyterhub:`, as {self.where((JUPYTERHUB, key))}.")
            return
        if side == JUPYTERHUB and path == (JUPYTERHUB,) and key in model.binderhub.declared() \
                and key not in model.binderhub.wrong_level_ok:
            hub_too = (f" (JupyterHub's own `{key}` is {self.where((JUPYTERHUB, 'hub', key))})"
                       if key in self.jupyterhub.keys["hub"].declared() else "")
            self.add("binderhub_key_under_jupyterhub", here,
                     f"{self.shown(here)} is a BinderHub chart setting, but it is under `jupyterhub:`, "
                     f"where the JupyterHub chart {'does not allow it: Helm refuses the install' if severity is None else 'ignores it'}; "
                     f"it belongs at the top level ({self.where((key,))}){hub_too}",
                     severity=severity, fix=f"Move it out of `jupyterhub:` to {self.where((key,))}.")
            return
        chart = "BinderHub" if side == BINDERHUB else "JupyterHub"
        group = "unknown_key" if side == BINDERHUB else "unknown_jupyterhub_key"
        where = f"the {chart} chart's `{format_path(path)}`" if path else f"the {chart} chart"
        what = "a class name" if ignored and node.key_pattern is not None else f"a key of {where}"
        dropped = model.z2jh_dropped(here[1:]) if side == JUPYTERHUB else None
        what += f" (JupyterHub chart {dropped} dropped it)" if dropped else ""
        message = f"{self.shown(here)} is not {what}; {effect}."
        guess = closest(key, node.declared())
        if guess:
            message += f" Did you mean `{guess}`?"
            fix = f"Rename it to `{guess}`."
        else:
            elsewhere = self.elsewhere(key, here)
            nested = nested_values_key(key, item) if side == BINDERHUB and path == () else None
            if side == BINDERHUB and path == () and key == META_CHART_KEY and isinstance(item, dict):
                message += (" These look like the values of a chart that holds BinderHub under "
                            "`binderhub:`; lint them with `--values-key binderhub`.")
                fix = "Pass --values-key binderhub, and keep every BinderHub setting under `binderhub:`."
            elif nested:
                message += (f" These look like the values of a chart that holds BinderHub under `{nested}`; "
                            f"lint them with `--values-key {nested}`.")
                fix = f"Pass --values-key {nested}, and keep every BinderHub setting under `{nested}`."
            elif elsewhere:
                message += f" `{key}` belongs at {elsewhere}."
                fix = f"Move it to {elsewhere}."
            elif node.key_pattern is not None:
                message += f" Entries here are class names and must match `{node.key_pattern.pattern}`."
                fix = "Write the class name with its capital letter (e.g. `JupyterHub`, `KubeSpawner`)."
            else:
                known = ", ".join(sorted(node.declared()))
                fix = f"Remove it, or use one of the keys the chart knows here: {known}."
        self.add(group, here, message, severity=severity, fix=fix)

    def elsewhere(self, key: str, here: tuple) -> str | None:
        if key in _TOO_COMMON:
            return None
        places = [p for p in self.model.places_of(key) if p != here]
        if not places or len(places) > 2:
            return None
        return " or ".join(f"`{self.where(p)}`" for p in places)

    # -- removed keys ------------------------------------------------------------------------
    def removal_applies(self, removal: Removal) -> bool:
        if removal.since is not None:
            return self.chart >= removal.since
        return True  # (a JupyterHub view holds only the removals its z2jh version has made)

    def report_removed(self, node: Node, value, path: tuple, side: str, parent_strict: bool):
        removal = node.removed
        group = _GROUP_OF_REMOVAL[removal.group]
        moves = self.moves(removal, value, path)
        if not moves and self.only_jupyterhub_keys(removal, value, path, side):
            # `hub:` with no `url`: JupyterHub settings at the wrong level, not the old layout
            self.leftover_jupyterhub_keys(removal, value, path, side, also=False)
            return
        severity = None
        if removal.ignored_before is not None and self.chart < removal.ignored_before:
            refusal = (f"BinderHub chart {self.chart_text} ignores it without a word (charts from "
                       f"{removal.ignored_before_text} on refuse it)")
            severity = "warning"
        elif removal.ignored_before_text:
            refusal = f"BinderHub chart {removal.ignored_before_text} and newer refuse it"
        elif removal.since_text:
            refusal = f"BinderHub chart {removal.since_text} and newer refuse it"
        elif removal.z2jh_text:
            refusal = (f"JupyterHub chart {removal.z2jh_text} and newer refuse it (BinderHub chart "
                       f"{self.chart_text} uses {self.z2jh_text})")
        else:
            refusal = "the chart refuses it"
        # A key the schema still declares (or under an open mapping) is refused by NOTES.txt, with
        # a message; one it no longer declares is refused by Helm's schema check, without one.
        if severity == "warning":
            how = "the setting has no effect"
        elif node.types is None and parent_strict and self.strict_now[side]:
            how = "Helm refuses the install (additional property not allowed)"
        else:
            how = "the chart's NOTES.txt stops the install"
        message = f"{self.shown(path)} {removal.text}; {refusal}: {how}."
        if moves:
            message += " Set " + "; ".join(f"`{new}`" + (f" (was `{old}`)" if old else "") for old, new, _ in moves) + " instead."
        fixes = [f"{new}: {shown}" if shown is not None and _is_path(new) else new for _, new, shown in moves]
        fix = ("Replace it with " + "; ".join(fixes) + ".") if fixes else None
        self.add(group, path, message, severity=severity, fix=fix)
        self.leftover_jupyterhub_keys(removal, value, path, side)

    def moves(self, removal: Removal, value, path: tuple) -> list[tuple[str | None, str, str | None]]:
        """(old key, new place, value to show) for each setting that has moved."""
        moved = removal.moved
        if moved is None:
            return []
        if isinstance(moved, str):
            shown = self.values.show(path) if value is not None and not isinstance(value, (dict, list)) else None
            return [(None, moved, shown)]
        result = []
        present = value if isinstance(value, dict) else {}
        for sub, new in moved.items():
            if present and sub not in present:
                continue
            item = present.get(sub)
            shown = (self.values.show(path + (sub,))
                     if item is not None and not isinstance(item, (dict, list)) else None)
            result.append((format_path(path[-1:] + (sub,)), new, shown))
        return result

    def only_jupyterhub_keys(self, removal: Removal, value, path: tuple, side: str) -> bool:
        return (side == BINDERHUB and len(path) == 1 and isinstance(value, dict) and bool(value)
                and isinstance(removal.moved, dict) and path[0] in self.jupyterhub.declared())

    def leftover_jupyterhub_keys(self, removal: Removal, value, path: tuple, side: str, also: bool = True):
        """`hub:` at the top level may hold the old `hub.url` and JupyterHub settings side by side."""
        if not self.only_jupyterhub_keys(removal, value, path, side):
            return
        others = [k for k in value if str(k) not in removal.moved]
        if others:
            target = (JUPYTERHUB,) + path
            severity = None if self.strict_now[BINDERHUB] else "warning"
            holds = "also holds" if also else "holds"
            self.add("jupyterhub_key_at_root", path,
                     f"{self.shown(path)} {holds} {_and_list([f'`{k}`' for k in others])}: JupyterHub "
                     f"settings, which belong under `jupyterhub:` ({self.where(target)}); at the top "
                     "level " + ("Helm refuses the install (additional property not allowed)" if severity is None
                                 else f"chart {self.chart_text} ignores them"),
                     severity=severity, fix=f"Indent them under `jupyterhub:`, as {self.where(target)}.")

    # -- the meta-chart around BinderHub -------------------------------------------------------
    def outside_values_key(self):
        """BinderHub-only keys beside a parent chart's `binderhub:` block: BinderHub never sees them.

        With a values key (`--values-key binderhub`, or detected), only values under it are
        BinderHub's; the parent chart's other keys (mybinder's `registry.auth`) are not linted.
        Without one, a `binderhub:` block next to BinderHub keys means the file mixes both levels."""
        values = self.values
        root = values.root
        if values.prefix:
            holder = values.prefix[0]
        elif isinstance(root.get(META_CHART_KEY), dict):
            holder = META_CHART_KEY
        else:
            return
        for key, item in root.items():
            if key == holder or key in values.parent_keys:
                continue  # the parent chart's own values.yaml declares it: its templates read it
            suspicious = key in ("imageBuilderType", "dind", "pink", "imageCleaner") or (
                key == "config" and isinstance(item, dict)
                and bool(set(map(str, item)) & self.model.binderhub_classes))
            if not suspicious:
                continue
            target = f"{holder}.{key}"
            message = (f"`{key}` is at the top level, outside `{holder}:`; when BinderHub is a dependency "
                       f"held under `{holder}:`, it only sees what is under that key, so this setting has "
                       f"no effect there (it belongs at `{target}`)")
            fix = f"Move `{key}:` under `{holder}:`."
            if values.prefix:
                owner = values.owners.get((key,))
                position = values.documents[owner].position((key,)) if owner is not None else None
                self.add("outside_values_key", None, message, fix=fix, position=position)
            else:
                self.add("outside_values_key", (key,), message, fix=fix)


def _type_words(node: Node) -> str:
    names = sorted(node.types or ())
    return " or ".join(names) if names else "a value"




def _is_path(text: str) -> bool:
    return re.fullmatch(r"[\w.-]+", text) is not None


def _or_list(items) -> str:
    items = [f"`{i}`" if not str(i).startswith("`") else str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _and_list(items) -> str:
    items = [str(i) if str(i).startswith("`") else f"`{i}`" for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------------------------
# Rule entry points: each returns its share of one walk
# --------------------------------------------------------------------------------------------

_WALK = "chart_layout.walk"  # its key in Context.shared


def analyse(values, context: Context) -> dict[str, list[Hit]]:
    """The hits of the one walk over ``values``, by rule function; made by the first BHD4xx rule
    of a lint and kept on its context for the others."""
    done = context.shared.get(_WALK)
    if done is None or done[0] is not values:
        done = (values, _Walk(values, context).run())
        context.shared[_WALK] = done
    return done[1]


def _share(group: str):
    def check(values, spec, context):
        return list(analyse(values, context).get(group, ()))

    check.__name__ = group
    return check


unknown_key = builtin(_share("unknown_key"))
unknown_jupyterhub_key = builtin(_share("unknown_jupyterhub_key"))
removed_key = builtin(_share("removed_key"))
renamed_cors = builtin(_share("renamed_cors"))
dind_enabled = builtin(_share("dind_enabled"))
image_cleaner_host = builtin(_share("image_cleaner_host"))
wrong_type = builtin(_share("wrong_type"))
bad_enum = builtin(_share("bad_enum"))
jupyterhub_key_at_root = builtin(_share("jupyterhub_key_at_root"))
binderhub_key_under_jupyterhub = builtin(_share("binderhub_key_under_jupyterhub"))
removed_jupyterhub_key = builtin(_share("removed_jupyterhub_key"))
null_required = builtin(_share("null_required"))
required_missing = builtin(_share("required_missing"))
key_too_new = builtin(_share("key_too_new"))
outside_values_key = builtin(_share("outside_values_key"))
