"""Which BinderHub chart the values are for, and how we know: `--chart-version`, the config file,
the chart the deployment's own Chart.yaml / requirements.yaml pins, or else the newest we know.

A deployment that wraps BinderHub in its own chart (mybinder.org-deploy, gesisbinder, 2i2c)
keeps its values next to that chart's Chart.yaml (Helm 3, `dependencies:`) or requirements.yaml
(Helm 2), which names the exact `binderhub` chart version it deploys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import chart_versions
from .models.chart import BINDERHUB, JUPYTERHUB  # the charts' names

_CHART_FILES = ("Chart.yaml", "requirements.yaml")
NEWEST_SOURCE = "the newest known"


@dataclass(frozen=True)
class ChartChoice:
    version: str
    source: str  # where the version came from, for the summary


def choose(explicit: str | None, config, pin: Pin | None = None) -> ChartChoice:
    """The version to lint against, first of: the option, the config file, the pin (find_pin of
    the values files), the newest."""
    if explicit:
        choice = ChartChoice(str(explicit), "--chart-version")
    elif config.chart_version:
        choice = ChartChoice(config.chart_version, f"chart-version in {config.path or 'the config file'}")
    elif pin is not None and pin.version is not None:
        where = "pinned in" if pin.values_key else "the chart of"
        choice = ChartChoice(pin.version, f"{where} {pin.chart_file}")
    else:
        choice = ChartChoice(chart_versions.NEWEST, NEWEST_SOURCE)
    chart_versions.parse(choice.version)  # a bad option or config value is a usage error
    return choice


@dataclass(frozen=True)
class Pin:
    """A chart next to the values files that deploys BinderHub."""

    chart_file: Path
    version: str | None  # the exact BinderHub chart version, None for a range
    values_key: str | None  # where BinderHub's values sit: the dependency's alias or name; None at the top

    @property
    def chart_values(self) -> Path:
        """The chart's own values.yaml: its defaults, and the keys that are the chart's own."""
        return self.chart_file.parent / "values.yaml"


def find_pin(files: list[Path]) -> Pin | None:
    """The chart (Chart.yaml or requirements.yaml) that deploys BinderHub, next to the first values
    file that has one: a parent chart with a `binderhub` dependency, or BinderHub's own chart."""
    seen: set[Path] = set()
    for values_file in files:
        folder = Path(values_file).parent
        if folder in seen:
            continue
        seen.add(folder)
        for name in _CHART_FILES:
            found = _pin_in(folder / name)
            if found:
                return found
    return None


def _pin_in(chart_file: Path) -> Pin | None:
    data = _read(chart_file)
    if not isinstance(data, dict):
        return None
    dependencies = [d for d in data.get("dependencies") or () if isinstance(d, dict)]
    for dependency in dependencies:
        if dependency.get("name") == BINDERHUB:
            return Pin(chart_file, _exact(dependency.get("version")), str(dependency.get("alias") or BINDERHUB))
    # BinderHub's own chart (it depends on the JupyterHub chart): its values.yaml is the chart's.
    if data.get("name") == BINDERHUB and any(d.get("name") == JUPYTERHUB for d in dependencies):
        return Pin(chart_file, _exact(data.get("version")), None)
    return None


def _exact(version) -> str | None:
    """A pinned version; a range (`~1.0.0`, `>=0.2.0`) or chartpress's placeholder names none."""
    if version is None:
        return None
    text = str(version).strip()
    try:
        key = chart_versions.parse(text)
    except chart_versions.ChartVersionError:
        return None
    # Every published BinderHub chart is a pre-release of 0.1.0 or later; `0.0.1-set.by.chartpress`
    # (a chart in development) or a bare `0.2.0` name none.
    return text if key[:3] >= (0, 1, 0) and "-" in text and "chartpress" not in text else None


def _read(path: Path):
    try:
        with path.open("rb") as handle:
            raw = handle.read(1024 * 1024)
    except OSError:
        return None
    import yaml  # already loaded by the values loader

    try:
        return yaml.safe_load(raw.decode("utf-8", "replace"))
    except yaml.YAMLError:
        return None
