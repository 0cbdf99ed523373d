"""Writing what the tool produces into files: reports (`lint --output`) and edited values files.

A regular file is replaced atomically (a temporary file beside it, fsync, rename), so readers and
a crash see the old or the new file, never a torn one. Anything else is written in place: a
device (`/dev/null`, which root could otherwise replace with a regular file), a FIFO, or our own
standard output or error (`-o /dev/stdout`, whose shell redirection may be a pipe, or a file that
the shell's other commands write to as well). Ordinary failures (no space left, read-only file
system, permission denied) raise OutputError with one line that names the file.
"""

from __future__ import annotations

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
    folder = path.parent
    if mode is None:
        if path.exists():
            mode = path.stat().st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    import tempfile  # only when writing: lint's start-up stays small

    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    try:
        folder_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder_fd)  # the rename itself survives a crash
    except OSError:
        pass
    finally:
        os.close(folder_fd)
