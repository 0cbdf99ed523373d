"""A probe while it runs: the settings it derived at once, each step as it finishes, and on a
terminal one live line naming the request being waited for, its elapsed time and its deadline.

A slow or silent server otherwise means seconds of blank screen. The probes know nothing of
this: a command opens `showing(Progress(...))`, the report's step list and the HTTP client tell
the current Progress (if any) what happens, and the command prints the summary at the end.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar

from ..printable import printable

_CURRENT: ContextVar[Progress | None] = ContextVar("binderhub_doctor_progress", default=None)
TICK = 0.1  # seconds between two updates of the live line


def current() -> Progress | None:
    return _CURRENT.get()


@contextmanager
def showing(progress: Progress):
    token = _CURRENT.set(progress)
    try:
        yield progress
    finally:
        _CURRENT.reset(token)
        progress.close()


class Progress:
    """``steps``: print each finished step (and ``heading`` and the derived settings before the
    first) to ``out``; ``label``: what the live line starts with (doctor: the section's title).
    Nothing is printed before the probe has something to show, so a probe that refuses its
    input (exit 2) leaves stdout empty."""

    def __init__(self, *, steps: bool = True, heading: str | None = None, label: str = "", out=None,
                 live_stream=None, live: bool | None = None):
        self.steps = steps
        self.heading = heading
        self.label = label
        self.out = out or sys.stdout
        self.live_stream = live_stream or sys.stderr
        self.live = _is_terminal(self.live_stream) if live is None else live
        self.shown_report = None  # the report whose derived settings were printed
        self._lock = threading.Lock()
        self._waiting: tuple[str, float, float | None] | None = None
        self._line_shown = False
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    # --- what the probes report -----------------------------------------------------------------

    def step(self, report, step) -> None:
        if not self.steps:
            return
        from .report import step_lines

        with self._lock:
            self._clear_line()
            lines = [] if self.shown_report is report else self._opening(report)
            self.shown_report = report
            self.out.write("".join(line + "\n" for line in [*lines, *step_lines(step)]))
            self.out.flush()

    def _opening(self, report) -> list[str]:
        from .report import derived_lines

        return [*([self.heading] if self.heading else []), *derived_lines(report.derived)]

    def waiting(self, what: str, deadline: float | None) -> None:
        """A request has gone out; ``deadline``: the seconds it (with its retries) may take at most."""
        with self._lock:
            self._waiting = (what, time.monotonic(), deadline)
        if self.live and self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="binderhub-doctor-progress", daemon=True)
            self._ticker.start()

    def answered(self) -> None:
        with self._lock:
            self._waiting = None
            self._clear_line()

    # --- the command's side ---------------------------------------------------------------------

    def derived(self, report) -> None:
        """The derived settings of a report that finished without a single step."""
        if self.steps and self.shown_report is not report:
            with self._lock:
                self._clear_line()
                self.out.write("".join(line + "\n" for line in self._opening(report)))
                self.out.flush()
                self.shown_report = report

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=1)
        with self._lock:
            self._waiting = None
            self._clear_line()

    # --- the live line --------------------------------------------------------------------------

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            with self._lock:
                if self._waiting is None:
                    continue
                what, started, deadline = self._waiting
                waited = time.monotonic() - started
                limit = f", gives up after {deadline:.0f} s" if deadline else ""
                label = f"{self.label}: " if self.label else ""
                self.live_stream.write(f"\r… {printable(label + what)}: {waited:.1f} s{limit}\033[K")
                self.live_stream.flush()
                self._line_shown = True

    def _clear_line(self) -> None:
        if self._line_shown:
            self.live_stream.write("\r\033[K")
            self.live_stream.flush()
            self._line_shown = False


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
