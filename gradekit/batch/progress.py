"""What ``batch`` shows while it runs: submissions done of total, and how each one ended.

Two displays, picked for the stream (stderr) as :func:`gradekit.progress.progress_display`
picks them for one grading:

- :class:`BatchBar` on a terminal: one ``rich.progress`` bar (done of total, elapsed,
  time left, the last submission and its result).
- :class:`BatchLines` anywhere else (a CI log, a pipe, a cluster job's output): one line
  as each submission ends, written at once::

      [ 12/300] alice: graded 170/180 in 5.2 s
      [ 13/300] bob: unchanged since the last run, kept (180/180)
      [ 14/300] carol: rejected: carol.zip holds a path that leaves its folder ('../x.py')

Unlike the single-grading bars, the batch bar is refreshed by the batch's own loop,
never by rich's refresh thread: the batch forks a process per grading, and only a
process with one thread forks safely.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import IO, Protocol

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from gradekit.batch.manifest import Record

__all__ = ["BatchBar", "BatchLines", "BatchProgress", "batch_progress", "describe"]


class BatchProgress(Protocol):
    def ended(self, student: str, record: Record, seconds: float | None, kept: bool) -> None:
        """``student``'s submission ended as ``record`` after ``seconds`` of grading (``kept``: from an earlier run)."""

    def tick(self) -> None:
        """Called often by the batch's loop: redraw what time changes."""

    def close(self) -> None:
        """Leave the terminal clean."""


def describe(record: Record, seconds: float | None, kept: bool) -> str:
    """How one submission ended, in a few words."""
    if kept:
        return f"unchanged since the last run, kept ({record.score:g}/{record.max_score:g})"
    if record.status == "graded":
        flag = ", FLAGGED for review" if record.flagged else ""
        took = f" in {seconds:.1f} s" if seconds is not None else ""
        return f"graded {record.score:g}/{record.max_score:g}{took}{flag}"
    return f"{record.status}: {record.reason}"


class BatchLines:
    """One plain line per submission, for logs."""

    def __init__(self, stream: IO[str], total: int, at_once: int) -> None:
        self._stream = stream
        self._total = total
        self._done = 0
        self._write(f"Grading {total} submission(s), up to {at_once} at once: a line as each one ends.")

    def ended(self, student: str, record: Record, seconds: float | None, kept: bool) -> None:
        self._done += 1
        width = len(str(self._total))
        self._write(f"[{self._done:>{width}}/{self._total}] {student}: {describe(record, seconds, kept)}")

    def tick(self) -> None:
        """Lines need no redrawing."""

    def close(self) -> None:
        """Every line is already written."""

    def _write(self, line: str) -> None:
        self._stream.write(line + "\n")
        self._stream.flush()


class BatchBar:
    """A ``rich.progress`` bar, redrawn by the batch's loop (no refresh thread)."""

    def __init__(self, console: Console, total: int, at_once: int) -> None:
        self._progress = Progress(
            TextColumn("[bold]grading[/bold]"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("elapsed,"),
            TimeRemainingColumn(),
            TextColumn("left"),
            TextColumn("{task.fields[last]}"),
            console=console, auto_refresh=False, redirect_stdout=False, redirect_stderr=False,
        )
        self._task = self._progress.add_task("grading", total=total, last=f"up to {at_once} at once")
        self._progress.start()

    def ended(self, student: str, record: Record, seconds: float | None, kept: bool) -> None:
        # Names and reasons come from the batch folder: rich must not read them as markup.
        last = escape(f"{student}: {describe(record, seconds, kept)}"[:80])
        self._progress.update(self._task, advance=1, last=last)
        self._progress.refresh()

    def tick(self) -> None:
        self._progress.refresh()

    def close(self) -> None:
        self._progress.stop()


@contextlib.contextmanager
def batch_progress(total: int, at_once: int, stream: IO[str] | None = None) -> Iterator[BatchProgress]:
    """The display for ``stream`` (default stderr): a bar on a terminal, plain lines elsewhere."""
    target = stream or sys.stderr
    console = Console(file=target)
    display: BatchProgress
    if console.is_terminal and not console.is_dumb_terminal:
        display = BatchBar(console, total, at_once)
    else:
        display = BatchLines(target, total, at_once)
    try:
        yield display
    finally:
        display.close()
