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


def check_rule_names(config: Config, rules, select=(), ignore=()) -> None:
    """Every rule id, id prefix or name in ``--select``/``--ignore`` and in the config file names
    at least one rule; a typo (`BHD2O2`) would otherwise turn a rule off or on without a word."""
    named = [("--select", select), ("--ignore", ignore)]
    where = f"{config.path}: " if config.path else ""
    named += [(f"{where}select", config.select), (f"{where}ignore", config.ignore)]
    named += [(f"{where}per-file-ignores {pattern!r}", ids) for pattern, ids in config.per_file_ignores.items()]
    for source, selectors in named:
        for selector in selectors:
            if not any(_matches(rule, selector) for rule in rules):
                raise ConfigError(f"{source}: no rule has the id, id prefix or name `{selector}`"
                                  f"{rule_suggestion(selector, rules)}")
    for name in config.severity:  # a severity names one rule, never a prefix
        if not any(name in (rule.id, rule.name) for rule in rules):
            raise ConfigError(f"{where}severity: no rule has the id or name `{name}`{rule_suggestion(name, rules)}")


def rule_suggestion(selector: str, rules) -> str:
    """`; did you mean X?` for a rule id or name that names no rule, or where to look them up."""
    from .paths import closest

    ids = [r.id for r in rules]
    digits = selector.upper().replace("O", "0")  # BHD2O2: the letter O for a zero
    if digits != selector.upper() and any(i.startswith(digits) for i in ids):
        guess = digits
    else:
        guess = closest(selector, ids + [r.name for r in rules], cutoff=0.6)
    return f"; did you mean {guess}?" if guess else "; `binderhub-doctor rules` lists them"


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
    data = _read(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: config file must be a mapping of settings")
    keys = [k for k in data if not isinstance(k, str)]
    if keys:
        raise ConfigError(f"{path}: setting names must be strings, not {keys[0]!r}; known: {', '.join(sorted(_KEYS))}")
    unknown = set(data) - _KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(_KEYS))}")
    config = Config(path=path)
    config.select = _str_list(data, "select", path)
    config.ignore = _str_list(data, "ignore", path)
    severity = data.get("severity") or {}
    if not isinstance(severity, dict) or not all(isinstance(k, (str, int)) and isinstance(v, str) and v in SEVERITIES
                                                 for k, v in severity.items()):
        raise ConfigError(f"{path}: severity must map rule ids to one of {', '.join(SEVERITIES)}")
    config.severity = {str(k): v for k, v in severity.items()}
    config.per_file_ignores = _per_file_ignores(data.get("per-file-ignores") or {}, path)
    config.rule_dirs = [path.parent / d for d in _str_list(data, "rules", path)]
    config.secret_files = [path.parent / f for f in _str_list(data, "secret-files", path)]
    config.chart_version = _scalar(data, "chart-version", path)
    config.values_key = _scalar(data, "values-key", path)
    return config


def _read(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: config file is not UTF-8 text (byte {exc.start + 1})") from None
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: config file is not valid YAML") from None
    except RecursionError:  # PyYAML composes nested nodes recursively
        raise ConfigError(f"{path}: config file is nested too deeply to be a config file") from None


def _per_file_ignores(value, path: Path) -> dict[str, list[str]]:
    """{pattern: [ids]}; a single id may be written as a string (`{"config.yaml": BHD505}`)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: per-file-ignores must map file patterns to lists of rule ids")
    result = {}
    for pattern, ids in value.items():
        if isinstance(ids, (str, int)):
            ids = [ids]
        if ids is None:
            ids = []
        if not isinstance(pattern, (str, int)) or not isinstance(ids, list) or \
                not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in ids):
            raise ConfigError(f"{path}: per-file-ignores must map file patterns to lists of rule ids "
                              f"(at {str(pattern)[:80]!r})")
        result[str(pattern)] = [str(i) for i in ids]
    return result


def _scalar(data: dict, key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ConfigError(f"{path}: {key} must be a string")
    return str(value)


def _str_list(data: dict, key: str, path: Path) -> list[str]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return [str(v) for v in value]
