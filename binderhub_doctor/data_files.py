"""YAML data files (rules, the trait catalogue, the chart model), parsed once per change, and the
models built from them, built once per change.

Building Python objects from YAML is the largest part of `lint`'s start-up, so the parsed form is
kept in the user's cache folder (marshal: fast, exact for plain data) and reused while the file's
size and modification time are unchanged. Without a writable cache folder it just parses.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from pathlib import Path

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

_FORMAT = 1


def cache_dir() -> Path | None:
    configured = os.environ.get("BINDERHUB_DOCTOR_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None  # empty: no cache
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "binderhub-doctor"


def load_yaml(path: Path):
    """The parsed content of ``path``; yaml.YAMLError and OSError propagate to the caller."""
    path = Path(path)
    stat = path.stat()
    stamp = (_FORMAT, sys.version_info[:2], str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    folder = cache_dir()
    entry = None
    if folder is not None:
        # zlib, not hashlib: cheaper to import, and the stamp inside the entry is compared anyway
        entry = folder / f"{path.stem}-{zlib.crc32(stamp[2].encode()):08x}.marshal"
        try:
            with entry.open("rb") as handle:
                cached_stamp, data = marshal.load(handle)
            if tuple(cached_stamp) == stamp:
                return data
        except (OSError, EOFError, ValueError, TypeError):
            pass
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    if entry is not None:
        _store(entry, stamp, data)
    return data


# (path as given, build) -> (stamp, what build made of the file's content)
_BUILT: dict[tuple, tuple] = {}


def built(path: Path, build):
    """``build(content)`` of the YAML file ``path``, made again only when the file changes (size or
    modification time): a model is a function of its file alone, so lints may share it, and one
    that reads a changed or another file never sees a stale one. Checks ask for their model
    often, so this costs one stat() (the path is not resolved)."""
    stat = os.stat(path)
    stamp = (stat.st_size, stat.st_mtime_ns)
    key = (os.fspath(path), build)
    entry = _BUILT.get(key)
    if entry is None or entry[0] != stamp:
        entry = (stamp, build(load_yaml(path)))
        _BUILT[key] = entry
    return entry[1]


def _store(entry: Path, stamp: tuple, data) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temp = entry.with_suffix(f".{os.getpid()}.tmp")
        with temp.open("wb") as handle:
            marshal.dump((stamp, data), handle)
        os.replace(temp, entry)
    except (OSError, ValueError):
        pass  # a read-only home (pre-commit.ci, containers) only costs speed
