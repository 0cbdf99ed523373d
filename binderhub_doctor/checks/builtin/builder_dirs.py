"""The node directories of the dind/pink image builder, compared across the values sets linted
together: two releases in one cluster whose builders use the same directories run two docker
(or podman) daemons on one socket and one image store on every node."""

from __future__ import annotations

from ... import chart_versions
from ..base import Hit
from ..kinds import across_sets

# c7a6e173 (2022-12-06, n=2904) replaced `dind.enabled` with `imageBuilderType` (dind, pink, or
# the node's own docker: `host`).
BUILDER_TYPE_SINCE = "1.0.0-0.dev.git.2904"
# Each builder's host directories with the chart's defaults
# (helm-chart/binderhub/values.yaml@b9fad995; the same since dind came in).
DIRS = {
    "dind": {"hostSocketDir": "/var/run/dind", "hostLibDir": "/var/lib/dind"},
    "pink": {"hostSocketDir": "/var/run/pink", "hostStorageDir": "/var/lib/pink/storage"},
}


def builder(values, context) -> tuple[str, tuple] | None:
    """(dind or pink, the path that chose it) when the values run a builder DaemonSet, else None."""
    if context.chart_key >= chart_versions.parse(BUILDER_TYPE_SINCE):
        chosen = values.get(("imageBuilderType",))
        return (chosen, ("imageBuilderType",)) if chosen in DIRS else None
    return ("dind", ("dind", "enabled")) if values.get(("dind", "enabled")) is True else None


def host_dirs(values, name: str) -> dict[str, str]:
    return {key: str(values.get((name, key)) if values.get((name, key)) is not None else default)
            for key, default in DIRS[name].items()}


@across_sets
def shared_between_sets(sets, spec):
    """(index of the set, hit) for each later set whose builder directories an earlier set uses."""
    seen: list[tuple[int, str, dict]] = []
    for index, (values, context) in enumerate(sets):
        found = builder(values, context)
        if found is None:
            continue
        name, chosen_by = found
        dirs = host_dirs(values, name)
        for earlier, earlier_name, earlier_dirs in seen:
            shared = [key for key in dirs if earlier_name == name and earlier_dirs[key] == dirs[key]]
            if not shared:
                continue
            other = ", ".join(doc.file for doc in sets[earlier][0].documents)
            written = [key for key in shared if values.has((name, key))]
            at = (name, written[0]) if written else chosen_by
            listed = " and ".join(f"{name}.{key} ({dirs[key]}{'' if values.has((name, key)) else ', the default'})"
                                  for key in shared)
            yield index, Hit(at, f"{listed} {'is' if len(shared) == 1 else 'are'} the same as in the values set "
                                 f"{other}: if both releases run in one cluster, their {name} DaemonSets share "
                                 "the daemon's socket and image storage on every node, so one release's builds "
                                 "and image cleaner act on the other's daemon")
            break
        seen.append((index, name, dirs))
