"""`.binderhub-doctor.yaml`: which rules run, at what severity, where, against which chart.

```yaml
select: [BHD2]            # only rules whose id or name starts with one of these
ignore: [BHD104, image-prefix-trailing-dash]
severity: {BHD203: error}
per-file-ignores: {"staging/*.yaml": [BHD301]}
rules: [org-rules/]       # extra rule folders, relative to this file
chart-version: 1.0.0-0.dev.git.3959.hb9fad995
values-key: binderhub
secret-files: [secrets/prod.yaml]
```
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .findings import SEVERITIES

CONFIG_NAMES = (".binderhub-doctor.yaml", ".binderhub-doctor.yml")
_KEYS = {"select", "ignore", "severity", "per-file-ignores", "rules", "chart-version", "values-key",
         "secret-files"}


class ConfigError(Exception):
    pass


@dataclass
class Config:
    path: Path | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    rule_dirs: list[Path] = field(default_factory=list)
    chart_version: str | None = None
    values_key: str | None = None
    secret_files: list[Path] = field(default_factory=list)

    def enabled(self, rule) -> bool:
        if self.select and not any(_matches(rule, s) for s in self.select):
            return False
        return not any(_matches(rule, i) for i in self.ignore)

    def severity_override(self, rule) -> str | None:
        return self.severity.get(rule.id) or self.severity.get(rule.name)

    def ignored_in_file(self, rule, file: str | None) -> bool:
        if not file:
            return False
        for pattern, ids in self.per_file_ignores.items():
            if _file_matches(file, pattern, self.path) and any(_matches(rule, i) for i in ids):
                return True
        return False


def _matches(rule, selector: str) -> bool:
    return rule.id.startswith(selector.upper()) or rule.name == selector


def _file_matches(file: str, pattern: str, config_path: Path | None) -> bool:
    candidates = {file, Path(file).name}
    if config_path is not None:
        try:
            candidates.add(str(Path(file).resolve().relative_to(config_path.parent.resolve())))
        except ValueError:
            pass
    return any(fnmatch.fnmatch(c, pattern) for c in candidates)


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: config file is not valid YAML") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: config file must be a mapping of settings")
    unknown = set(data) - _KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(_KEYS))}")
    config = Config(path=path)
    config.select = _str_list(data, "select", path)
    config.ignore = _str_list(data, "ignore", path)
    severity = data.get("severity") or {}
    if not isinstance(severity, dict) or any(v not in SEVERITIES for v in severity.values()):
        raise ConfigError(f"{path}: severity must map rule ids to one of {', '.join(SEVERITIES)}")
    config.severity = {str(k): v for k, v in severity.items()}
    pfi = data.get("per-file-ignores") or {}
    if not isinstance(pfi, dict):
        raise ConfigError(f"{path}: per-file-ignores must map file patterns to lists of rule ids")
    config.per_file_ignores = {str(k): [str(i) for i in (v or [])] for k, v in pfi.items()}
    config.rule_dirs = [path.parent / d for d in _str_list(data, "rules", path)]
    config.secret_files = [path.parent / f for f in _str_list(data, "secret-files", path)]
    if data.get("chart-version") is not None:
        config.chart_version = str(data["chart-version"])
    if data.get("values-key") is not None:
        config.values_key = str(data["values-key"])
    return config


def _str_list(data: dict, key: str, path: Path) -> list[str]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return [str(v) for v in value]
