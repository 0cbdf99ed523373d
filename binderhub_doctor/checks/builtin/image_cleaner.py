"""`imageCleaner.*`: the DaemonSet that prunes the builder's images when its disk fills up. The
chart hands the thresholds to jupyterhub/docker-image-cleaner as environment variables
(helm-chart/binderhub/templates/image-cleaner.yaml@b9fad995); what they mean depends on the
cleaner's version, which the chart pins:

- 1.0.0-alpha.x (charts n=2508..2654, and the cleaner the chart built itself before): above
  `imageGCThresholdHigh` it deletes images until usage is below `imageGCThresholdLow`.
- 1.0.0-beta.1 and beta.2 (n=2655..2960): prunes everything unused above the high threshold; the
  low threshold is read but never used. Any type but `relative` is absolute.
- 1.0.0-beta.3 (n=2961 on): the low threshold is not even read; a type other than `relative` or
  `absolute` stops it with ValueError.
Since beta.1, `absolute` with a high threshold of 1 GiB or less stops it with ValueError
("Absolute GC threshold should be at least 1GB"; docker_image_cleaner/cleaner.py@1.0.0-beta.3).
"""

from __future__ import annotations

from ... import chart_versions
from ..base import Hit
from ..kinds import builtin

CLEANER = ("imageCleaner",)
TYPE = CLEANER + ("imageGCThresholdType",)
HIGH = CLEANER + ("imageGCThresholdHigh",)
LOW = CLEANER + ("imageGCThresholdLow",)
TAG = CLEANER + ("image", "tag")
GIB = 2**30
# The chart's pinned cleaner, by the first chart version that pinned it (helm-chart/binderhub/values.yaml).
BETA_SINCE = "0.2.0-n923"  # n=2655, 904ff0e0 (2022-05-25): 1.0.0-beta.1
BETA_3_SINCE = "1.0.0-0.dev.git.2961"  # 51c4ae8c (2023-01-02): 1.0.0-beta.3
# c81957fc (2025-01-23, n=3668) added imageCleaner.cordon; before, the cleaner always cordoned.
CORDON_OPTION_SINCE = "1.0.0-0.dev.git.3668"
DEFAULTS = {TYPE: "relative", HIGH: 80, LOW: 60}


def cleaner_generation(values, context) -> str | None:
    """`alpha`, `beta` or `beta3`: the cleaner the values run (the chart's pin, or a known tag
    set in imageCleaner.image.tag); None for a tag this module does not know."""
    if values.has(TAG):
        tag = str(values.get(TAG))
        if tag.startswith("1.0.0-alpha"):
            return "alpha"
        if tag in ("1.0.0-beta.1", "1.0.0-beta.2"):
            return "beta"
        if tag == "1.0.0-beta.3":
            return "beta3"
        return None
    if context.chart_key >= chart_versions.parse(BETA_3_SINCE):
        return "beta3"
    if context.chart_key >= chart_versions.parse(BETA_SINCE):
        return "beta"
    return "alpha"


def _setting(values, path):
    value = values.get(path)
    return DEFAULTS[path] if value is None else value


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))  # the chart quotes it into an env variable; the cleaner calls float()
    except ValueError:
        return None


@builtin
def thresholds(values, spec, context):
    if values.get(CLEANER + ("enabled",)) is False:
        return
    generation = cleaner_generation(values, context)
    kind = _setting(values, TYPE)
    high, low = _number(_setting(values, HIGH)), _number(_setting(values, LOW))
    type_at = TYPE if values.has(TYPE) else HIGH
    if kind not in ("relative", "absolute") and generation == "beta3":
        yield Hit(type_at, f"imageCleaner.imageGCThresholdType is {values.show(TYPE)}: the image cleaner accepts "
                           "only `relative` or `absolute` and stops with ValueError, so images are never pruned "
                           "and the builder's disk fills up", severity="error",
                  fix="Use `relative` (thresholds in percent of the disk) or `absolute` (thresholds in bytes).")
        return
    if high is None:
        return  # a type error, reported by the chart's schema
    absolute = kind != "relative"
    high_at = HIGH if values.has(HIGH) else type_at
    if absolute and high <= GIB:
        stops = generation in ("beta", "beta3")
        if stops:
            effect = ("the image cleaner refuses a high threshold of 1 GiB or less in absolute mode and stops "
                      "with ValueError, so images are never pruned")
        elif generation == "alpha":
            effect = "in absolute mode it is a size in bytes, so the cleaner prunes all the time"
        else:
            effect = ("in absolute mode it is a size in bytes: cleaners since 1.0.0-beta.1 refuse it and stop, "
                      "older ones prune all the time")
        yield Hit(high_at, f"imageCleaner.imageGCThresholdHigh is {_shown(values, HIGH)} with imageGCThresholdType "
                           f"{kind}: {effect}. It looks like a percentage", severity="error" if stops else "warning",
                  fix="Give the thresholds in bytes (e.g. `imageGCThresholdHigh: 40e9`), or use "
                      "`imageGCThresholdType: relative` for percentages.")
    elif not absolute and (high > 100 or high <= 0):
        effect = "never reaches it, so images are never pruned" if high > 100 else "is always above it, so the cleaner prunes all the time"
        yield Hit(high_at, f"imageCleaner.imageGCThresholdHigh is {_shown(values, HIGH)} with imageGCThresholdType "
                           f"relative, a percentage of the disk: usage {effect}. A size in bytes needs "
                           "`imageGCThresholdType: absolute`",
                  fix="Use a percentage between 0 and 100, or set `imageGCThresholdType: absolute` for bytes.")
    elif generation == "alpha" and low is not None and low >= high and (values.has(LOW) or values.has(HIGH)):
        at = LOW if values.has(LOW) else HIGH
        yield Hit(at, f"imageCleaner.imageGCThresholdLow ({_shown(values, LOW)}) is not below imageGCThresholdHigh "
                      f"({_shown(values, HIGH)}): this chart's image cleaner deletes images only while usage is above "
                      "the low threshold, so it starts pruning at the low threshold, not the high one",
                  fix="Set imageGCThresholdLow below imageGCThresholdHigh (the chart's defaults are 60 and 80).")


def _shown(values, path) -> str:
    return values.show(path) if values.has(path) else f"{DEFAULTS[path]} (the chart's default)"


@builtin
def cordon_single_node(values, spec, context):
    """use_registry: false is BinderHub's single-node mode (binderhub/app.py@b9fad995: "Useful when
    running in a single node"); cordoning that one node stops every launch while images are pruned."""
    if context.chart_key < chart_versions.parse(CORDON_OPTION_SINCE):
        return
    if values.get(CLEANER + ("enabled",)) is False or values.get(("config", "BinderHub", "use_registry")) is not False:
        return
    if values.get(CLEANER + ("cordon",)) is False:
        return
    path = CLEANER + ("cordon",) if values.has(CLEANER + ("cordon",)) else ("config", "BinderHub", "use_registry")
    yield Hit(path, "use_registry is false, BinderHub's single-node mode, and the image cleaner cordons its node "
                    "while it prunes images (imageCleaner.cordon, on by default): on a one-node cluster no user or "
                    "build pod can start until it is done")
