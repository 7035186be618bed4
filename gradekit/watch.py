"""``python grade.py --watch``: grade an exercise again each time its file is saved.

After the first grading, :class:`Watch` waits on the submission folder with `watchfiles`_
(the operating system's file events: inotify, FSEvents, ReadDirectoryChangesW), not a
polling loop of our own. When exercise modules are saved, it grades those exercises
again and prints only what changed::

    ex03_fetch_all.py changed: grading it again…
      ex03_fetch_all  0/6 → 6/6
          ✓ now passes: results keep the order of urls (+3)
          ✓ now passes: elapsed ≈ the slowest fetch (+3)
      Total: 0/73.5 → 6/73.5

Whether a file changed is decided by its content (a digest), not by the event alone:
editors that touch a file without changing it re-grade nothing, and a file saved while
a grading runs is graded next, because each grading starts from the digests taken just
before it. The JSON report at ``--output`` is rewritten after each grading, whole.
Ctrl-C ends watching cleanly, also in the middle of a grading.

.. _watchfiles: https://watchfiles.helpmanual.io/
"""

from __future__ import annotations

import dataclasses
import hashlib
import stat
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
import watchfiles

from gradekit.grading.runner import GraderError
from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport
from gradekit.sandbox.workspace import SubmissionError

__all__ = ["Watch", "ExerciseChange", "module_digests", "merge"]

#: How long the watcher waits before it first reports in (then it is surely watching).
READY_MS = 500
WIDTH = 100
#: Failing names listed per exercise under "still failing", then how many more.
STILL_FAILING = 4
#: A module larger than this is not graded anyway (the workspace refuses it): its size stands for its content.
DIGEST_CAP = 1 << 20


def module_digests(folder: Path, exercise_ids: list[str]) -> dict[str, str | None]:
    """What each exercise module of ``folder`` holds now, as a digest (None when it is absent)."""
    return {ex_id: _digest(folder / f"{ex_id}.py") for ex_id in exercise_ids}


def _digest(path: Path) -> str | None:
    try:
        info = path.lstat()
        # Never open a FIFO or a device (it could block): its kind stands for its content.
        if not stat.S_ISREG(info.st_mode) or info.st_size > DIGEST_CAP:
            return f"{stat.S_IFMT(info.st_mode)}:{info.st_size}:{info.st_mtime_ns}"
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class ExerciseChange:
    """One exercise graded twice: what changed between ``before`` and ``after``."""

    before: ExerciseResult
    after: ExerciseResult

    @property
    def now_passing(self) -> list[CheckResult]:
        was = {t.id: t.status for t in self.before.tests}
        return [t for t in self.after.tests if t.status == "passed" and was.get(t.id) != "passed"]

    @property
    def now_failing(self) -> list[CheckResult]:
        was = {t.id: t.status for t in self.before.tests}
        return [t for t in self.after.tests if t.status != "passed" and was.get(t.id) == "passed"]

    @property
    def still_failing(self) -> list[CheckResult]:
        was = {t.id: t.status for t in self.before.tests}
        return [t for t in self.after.tests if t.status != "passed" and was.get(t.id, "failed") != "passed"]

    def lines(self) -> list[str]:
        """The change as the student reads it: the score, then each check that flipped."""
        before, after = self.before, self.after
        arrow = f"{before.score:g}/{before.max_score:g} → {after.score:g}/{after.max_score:g}"
        colour = "green" if after.score > before.score else "red" if after.score < before.score else None
        status = "" if after.status == "graded" else f"  [{after.status}]"
        lines = [f"  {after.id}  " + click.style(arrow, fg=colour, bold=True) + status]
        if after.status != "graded" and (after.status, after.feedback) != (before.status, before.feedback):
            lines += _wrap(after.feedback, "      ")
        for test in self.now_passing:
            lines.append(f"      {click.style('✓', fg='green')} now passes: {test.name} (+{test.max_score:g})")
        for test in self.now_failing:
            lines.append(f"      {click.style('✗', fg='red')} now fails: {test.name} (−{test.max_score:g})")
            lines += _wrap(test.feedback, "          ")
        if not (self.now_passing or self.now_failing) and after.status == before.status:
            lines.append("      no check changed")
        if still := self.still_failing:
            names = ", ".join(t.name for t in still[:STILL_FAILING])
            more = f" and {len(still) - STILL_FAILING} more" if len(still) > STILL_FAILING else ""
            lines += _wrap(f"still failing: {names}{more}", "      ")
        return lines


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) if text else []


def merge(report: SubmissionReport, regraded: SubmissionReport) -> SubmissionReport:
    """``report`` with the exercises of ``regraded`` in their places (and its time, folder listing)."""
    new = {e.id: e for e in regraded.exercises}
    return dataclasses.replace(report, exercises=[new.get(e.id, e) for e in report.exercises],
                               duration_s=regraded.duration_s, ignored=regraded.ignored,
                               isolation=regraded.isolation)


@dataclass
class Watch:
    """Grade ``exercise_ids`` of ``folder`` again whenever their files change, until Ctrl-C.

    ``regrade(ids)`` grades those exercises and returns their report; ``publish(report)``
    stores the whole, merged report (the CLI writes ``--output``); ``echo`` prints a line.
    """

    folder: Path
    exercise_ids: list[str]
    regrade: Callable[[list[str]], SubmissionReport]
    publish: Callable[[SubmissionReport], None]
    echo: Callable[[str], None] = click.echo

    def run(self, report: SubmissionReport, graded: dict[str, str | None]) -> SubmissionReport:
        """Watch from ``report``, graded from files whose digests were ``graded``; return the last report."""
        names = {f"{ex_id}.py" for ex_id in self.exercise_ids}
        graded = dict(graded)
        ready = False
        try:
            # yield_on_timeout: the first (empty) yield says the watcher is running, so the
            # ready line is true when printed and a save made during the first grading is seen.
            for changes in watchfiles.watch(self.folder, watch_filter=lambda _, path: Path(path).name in names,
                                            recursive=False, yield_on_timeout=True, rust_timeout=READY_MS):
                if ready and not changes:
                    continue
                if not ready:
                    ready = True
                    self.echo(self._ready_line())
                report = self._grade_changed(report, graded)
        except KeyboardInterrupt:
            self.echo("Stopped watching.")
        return report

    def _ready_line(self) -> str:
        which = (f"{self.exercise_ids[0]}.py" if len(self.exercise_ids) == 1
                 else f"the {len(self.exercise_ids)} exercise files")
        return f"\nWatching {self.folder}: saving {which} grades it again (Ctrl-C to stop)."

    def _grade_changed(self, report: SubmissionReport, graded: dict[str, str | None]) -> SubmissionReport:
        now = module_digests(self.folder, self.exercise_ids)
        changed = [ex_id for ex_id in self.exercise_ids if now[ex_id] != graded.get(ex_id)]
        if not changed:
            return report
        graded.update({ex_id: now[ex_id] for ex_id in changed})  # before grading: a save during it is news
        files = ", ".join(f"{ex_id}.py" for ex_id in changed)
        self.echo(f"\n{files} changed: grading {'it' if len(changed) == 1 else 'them'} again…")
        try:
            regraded = self.regrade(changed)
        except (SubmissionError, GraderError, OSError) as exc:
            self.echo(f"  could not grade: {exc}; still watching.")
            return report
        merged = merge(report, regraded)
        before = {e.id: e for e in report.exercises}
        for exercise in regraded.exercises:
            self.echo("\n".join(ExerciseChange(before[exercise.id], exercise).lines()))
        self.echo(f"  Total: {report.score:g}/{report.max_score:g} → {merged.score:g}/{merged.max_score:g}")
        self.publish(merged)
        return merged
