"""What grading shows while it runs: exercise by exercise, checks done of total, elapsed.

Grading calls a :class:`ProgressHook` as it goes: ``checks_found`` once an exercise's
checks are collected, ``check_started`` and ``check_done`` around each check. The hook is
passed down explicitly (``grade_submission(..., progress=hook)`` → the pytest plugin's
session); when exercises are graded in worker processes, :mod:`gradekit.grading.relay`
carries the calls back, so a hook is only ever called in the thread that started the
grading, one call at a time, in the order each worker made them.

Two displays implement the hook, and :func:`progress_display` picks one for a stream:

- :class:`LiveBars` on a terminal: one ``rich.progress`` row per exercise (a bar, checks
  done of total, elapsed, the check running or the score once done) and a total row;
  the rows vanish when grading ends, and the report takes their place.
- :class:`PlainLines` anywhere else (a CI log, a pipe): one line as each exercise ends,
  written at once, so a log shows grading move rather than 13 silent seconds.

Progress goes to stderr, never to stdout: a report on stdout (``--format json`` and the
other machine formats) stays exactly the report. ::

    with progress_display(["ex03_fetch_all"]) as progress:
        report = grade_submission(kit, folder, exercises=["ex03_fetch_all"], progress=progress)
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Protocol

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from gradekit.report.model import CheckResult

__all__ = ["ProgressHook", "LiveBars", "PlainLines", "progress_display"]

#: How much of a running check's name a row shows.
CHECK_NAME = 40
#: How long closing waits for rich's refresh thread to end (it ends at once when asked).
JOIN_S = 2.0


class ProgressHook(Protocol):
    """What grading reports as it goes; every method returns quickly and raises nothing."""

    def checks_found(self, exercise_id: str, count: int) -> None:
        """``count`` checks of ``exercise_id`` were collected and will run."""

    def check_started(self, exercise_id: str, name: str) -> None:
        """The check named ``name`` (what the student reads) of ``exercise_id`` starts."""

    def check_done(self, exercise_id: str, result: CheckResult) -> None:
        """A check of ``exercise_id`` ended with ``result`` (its score, status and feedback)."""


@dataclass
class _Tally:
    """One exercise's progress, as the displays count it."""

    total: int | None = None
    done: int = 0
    score: float = 0.0
    max_score: float = 0.0
    started: float | None = None
    ended: float | None = None

    @property
    def finished(self) -> bool:
        return self.total is not None and self.done >= self.total

    def add(self, result: CheckResult, now: float) -> None:
        self.done += 1
        self.score += result.score
        self.max_score += result.max_score
        if self.started is None:
            self.started = now
        if self.finished:
            self.ended = now

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or time.monotonic()) - self.started


class PlainLines:
    """Plain lines for a log: a header once grading starts, then one line as each exercise ends.

    ``[ 3/18] ex03_fetch_all: 7/7 checks, 4.5/10 points, 1.3 s`` — the first number counts
    exercises ended so far (in the order they end, which is not always the catalog's:
    exercises are graded two at a time).
    """

    def __init__(self, stream: IO[str], exercise_ids: list[str]) -> None:
        self._stream = stream
        self._ids = list(exercise_ids)
        self._tallies = {ex_id: _Tally() for ex_id in exercise_ids}
        self._ended = 0
        self._lock = threading.Lock()
        self._began = False

    def checks_found(self, exercise_id: str, count: int) -> None:
        with self._lock:
            self._begin()
            self._tally(exercise_id).total = count

    def check_started(self, exercise_id: str, name: str) -> None:
        with self._lock:
            self._begin()
            tally = self._tally(exercise_id)
            if tally.started is None:
                tally.started = time.monotonic()

    def check_done(self, exercise_id: str, result: CheckResult) -> None:
        with self._lock:
            self._begin()
            tally = self._tally(exercise_id)
            tally.add(result, time.monotonic())
            if tally.finished and tally.done == tally.total:
                self._ended += 1
                width = len(str(len(self._ids)))
                self._write(f"[{self._ended:>{width}}/{len(self._ids)}] {exercise_id}: {tally.done}/{tally.total} "
                            f"checks, {round(tally.score, 2):g}/{round(tally.max_score, 2):g} points, "
                            f"{tally.elapsed:.1f} s")

    def close(self) -> None:
        """Nothing to undo: every line is already written."""

    def _begin(self) -> None:
        # At the first call, not before: a grading refused at once (a bad folder, no isolation)
        # says so in its one line of error, with no progress header above it.
        if not self._began:
            self._began = True
            count = len(self._ids)
            self._write(f"Grading {count} exercise{'s' if count != 1 else ''}: a line as each one ends.")

    def _tally(self, exercise_id: str) -> _Tally:
        if exercise_id not in self._tallies:  # an exercise nobody announced still counts
            self._ids.append(exercise_id)
            self._tallies[exercise_id] = _Tally()
        return self._tallies[exercise_id]

    def _write(self, line: str) -> None:
        self._stream.write(line + "\n")
        self._stream.flush()


class LiveBars:
    """``rich.progress`` rows on a terminal: one per exercise, and a total.

    The rows are drawn by rich's refresh thread, which starts with the first call, not
    before: grading forks its worker processes first, and only a process with a single
    thread forks safely (``gradekit.grading.runner._workers`` checks). Rich's stdout and
    stderr redirection stays off: pytest runs in this process and swaps them itself.
    """

    def __init__(self, console: Console, exercise_ids: list[str]) -> None:
        self._progress = Progress(
            TextColumn("{task.description}", style="bold"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn("checks"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[status]}"),
            console=console, transient=True, redirect_stdout=False, redirect_stderr=False,
        )
        self._tallies: dict[str, _Tally] = {}
        self._rows: dict[str, TaskID] = {}
        self._lock = threading.Lock()
        self._live = False
        self._threads: list[threading.Thread] = []
        self._all = self._progress.add_task("all exercises", total=None, start=False, status="")
        for ex_id in exercise_ids:
            self._row(ex_id)

    def checks_found(self, exercise_id: str, count: int) -> None:
        with self._lock:
            self._begin()
            self._tally(exercise_id).total = count
            self._progress.update(self._row(exercise_id), total=count)
            known = [t.total for t in self._tallies.values()]
            if None not in known:
                self._progress.update(self._all, total=sum(known))

    def check_started(self, exercise_id: str, name: str) -> None:
        with self._lock:
            self._begin()
            row = self._row(exercise_id)
            self._progress.start_task(row)  # no-op once started: the elapsed time runs from the first check
            self._progress.start_task(self._all)
            shown = name if len(name) <= CHECK_NAME else name[:CHECK_NAME - 1] + "…"
            # rich reads "[...]" in a field as markup: a check's name must not restyle the row.
            self._progress.update(row, status=f"[dim]{escape(shown)}[/dim]")

    def check_done(self, exercise_id: str, result: CheckResult) -> None:
        with self._lock:
            self._begin()
            tally = self._tally(exercise_id)
            tally.add(result, time.monotonic())
            row = self._row(exercise_id)
            self._progress.advance(row)
            self._progress.advance(self._all)
            if tally.finished:
                colour = "green" if tally.score >= tally.max_score else "yellow" if tally.score > 0 else "red"
                self._progress.update(row, status=f"[{colour}]{round(tally.score, 2):g}/"
                                                  f"{round(tally.max_score, 2):g} points[/{colour}]")

    def close(self) -> None:
        with self._lock:
            if self._live:
                self._progress.stop()
                self._live = False
            # rich only asks its thread to stop; wait for it, so that the next grading (--watch)
            # finds a one-thread process again and may fork its workers.
            for thread in self._threads:
                thread.join(timeout=JOIN_S)

    def _begin(self) -> None:
        if not self._live:
            before = set(threading.enumerate())
            self._progress.start()
            self._threads = [t for t in threading.enumerate() if t not in before]
            self._live = True

    def _tally(self, exercise_id: str) -> _Tally:
        return self._tallies.setdefault(exercise_id, _Tally())

    def _row(self, exercise_id: str) -> TaskID:
        if exercise_id not in self._rows:
            self._tally(exercise_id)
            self._rows[exercise_id] = self._progress.add_task(exercise_id, total=None, start=False, status="")
        return self._rows[exercise_id]


@contextlib.contextmanager
def progress_display(exercise_ids: list[str], stream: IO[str] | None = None) -> Iterator[LiveBars | PlainLines]:
    """The display for ``stream`` (default stderr): :class:`LiveBars` on a terminal, else :class:`PlainLines`.

    The display writes to its own duplicate of the stream's file descriptor: pytest runs
    inside this process and points descriptors 1 and 2 at capture files while checks run,
    which would otherwise swallow every line.
    """
    target = stream or sys.stderr
    own = _own_stream(target)
    console = Console(file=own)
    if console.is_terminal and not console.is_dumb_terminal:
        display: LiveBars | PlainLines = LiveBars(console, exercise_ids)
    else:
        display = PlainLines(own, exercise_ids)
    try:
        yield display
    finally:
        display.close()
        if own is not target:
            own.close()


def _own_stream(stream: IO[str]) -> IO[str]:
    """A text stream on a duplicate of ``stream``'s descriptor, or ``stream`` itself if it has none."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.StringIO, a closed or replaced stream
        return stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return os.fdopen(os.dup(fd), "w", buffering=1, encoding=encoding, errors="backslashreplace")
