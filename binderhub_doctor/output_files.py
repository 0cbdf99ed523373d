"""Writing what the tool produces into files: reports (`lint --output`), edited values files and
the files `init` creates. Every command that writes a file writes it here.

A regular file is replaced atomically (a temporary file beside it, fsync, rename), so readers and
a crash see the old or the new file, never a torn one. Anything else is written in place: a
device (`/dev/null`, which root could otherwise replace with a regular file), a FIFO, or our own
standard output or error (`-o /dev/stdout`, whose shell redirection may be a pipe, or a file that
the shell's other commands write to as well). Ordinary failures (no space left, read-only file
system, permission denied) raise OutputError with one line that names the file.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path


class OutputError(Exception):
    """The file cannot be written; the message names it and says why, in one line."""


def write_output(path: Path | str, text: str) -> None:
    """The report into ``path``: our own stdout/stderr and special files directly, regular files
    atomically."""
    path = Path(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise _failure(path, exc) from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise OutputError(f"{path}: is a folder; name a file to write the report to")
    stream = _own_stream(status)
    try:
        if stream is not None:
            stream.write(text)
            stream.flush()
        elif status is not None and not stat.S_ISREG(status.st_mode):
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        else:
            write_atomically(path, text)
    except OSError as exc:
        raise _failure(path, exc) from None


def _own_stream(status: os.stat_result | None):
    """sys.stdout or sys.stderr when ``status`` is the file they write to (`/dev/stdout`,
    `/dev/fd/1`, or the file the shell redirected them to): writing there through the stream
    keeps the order with everything else written to it and never truncates it."""
    if status is None:
        return None
    for stream in (sys.stdout, sys.stderr):
        try:
            own = os.fstat(stream.fileno())
        except (AttributeError, OSError, ValueError):
            continue
        if (own.st_dev, own.st_ino) == (status.st_dev, status.st_ino):
            stream.flush()
            return stream
    return None


def _failure(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"{path}: cannot write: {reason}")


def write_atomically(path: Path, text: str, mode: int | None = None) -> None:
    """Temporary file in the same folder, fsync, rename, fsync of the folder: readers and a crash
    leave the old or the new file, never a torn one. A symbolic link is written through; an
    existing file keeps its permissions, a new one gets the usual ones (0666 less the umask).
    ``text`` is written as it is: its line endings (CRLF too) are kept."""
    path = Path(os.path.realpath(path))
    if mode is None:
        mode = path.stat().st_mode & 0o7777 if path.exists() else default_mode()
    temp = _written_beside(path, text, mode)
    try:
        os.replace(temp, path)
    except BaseException:
        _remove(temp)
        raise
    _sync_folder(path.parent)


def create_file(path: Path, text: str, mode: int, overwrite: bool) -> None:
    """Write ``text`` to ``path`` atomically with ``mode`` from the first byte (mkstemp makes the
    temporary file 0600); without ``overwrite``, never replace a file, even one created meanwhile:
    FileExistsError then."""
    temp = _written_beside(path, text, mode)
    try:
        if overwrite:
            os.replace(temp, path)
            return
        try:
            os.link(temp, path)  # fails with EEXIST instead of replacing
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise
            if path.exists():  # no hard links on this filesystem: check, then rename
                raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
            os.replace(temp, path)
    finally:
        _remove(temp)


def kept_mode(path: Path, private: int | None = None) -> int:
    """The mode to write ``path`` with: a replaced file keeps its permissions (a config.yaml
    someone made 0600 stays 0600), a new one gets the usual ones; a ``private`` file (e.g. 0600)
    never ends up readable by more than ``private`` allows."""
    try:
        original = stat.S_IMODE(path.stat().st_mode) if path.is_file() else None
    except OSError:
        original = None
    if private is not None:
        return private if original is None else original & private
    return default_mode() if original is None else original


def default_mode() -> int:
    """What a new file gets: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _written_beside(path: Path, text: str, mode: int) -> str:
    """A temporary file in ``path``'s folder holding ``text`` (synced to disk) with ``mode``."""
    import tempfile  # only when writing: lint's start-up stays small

    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
    except BaseException:
        _remove(temp)
        raise
    return temp


def _remove(temp: str) -> None:
    if os.path.exists(temp):
        os.unlink(temp)


def _sync_folder(folder: Path) -> None:
    """fsync of the folder, so that the rename itself survives a crash."""
    try:
        folder_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder_fd)
    except OSError:
        pass
    finally:
        os.close(folder_fd)
