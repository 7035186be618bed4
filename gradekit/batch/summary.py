"""Where the class struggles, in a few lines of terminal: the summary after ``batch`` and ``merge``.

:func:`summarise` reads the manifest and the graded reports; :func:`render_summary`
prints the count of each status, the mean and median of every exercise over the graded
submissions, the checks failed most often (with how many students failed each), and
the students flagged for review. Only graded submissions count in the figures; the
others are counted by status, and the manifest says why each one was not graded.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from gradekit.batch.manifest import Manifest

__all__ = ["ClassSummary", "render_summary", "summarise"]

#: How many of the most failed checks the summary lists.
MOST_FAILED = 10


@dataclass(frozen=True)
class ExerciseFigures:
    exercise_id: str
    mean: float
    median: float
    max_score: float


@dataclass(frozen=True)
class FailedCheck:
    exercise_id: str
    name: str
    failures: int  # students who did not pass it


@dataclass
class ClassSummary:
    students: int
    statuses: Counter
    graded: int
    total_mean: float | None
    total_median: float | None
    max_total: float | None
    exercises: list[ExerciseFigures] = field(default_factory=list)
    most_failed: list[FailedCheck] = field(default_factory=list)
    flagged: list[tuple[str, str]] = field(default_factory=list)  # (student, reason)


def summarise(manifest: Manifest, reports: dict[str, dict]) -> ClassSummary:
    """Figures over the graded submissions of ``manifest`` (``reports``: student -> report)."""
    graded = [reports[s] for s, r in sorted(manifest.submissions.items()) if r.status == "graded"]
    scores: dict[str, list[float]] = {ex: [] for ex in manifest.exercises}
    maxima: dict[str, float] = {}
    failures: Counter = Counter()
    for report in graded:
        for exercise in report["exercises"]:
            ex_id = exercise.get("id")
            if ex_id in scores:
                scores[ex_id].append(float(exercise["score"]))
                maxima[ex_id] = float(exercise["max_score"])
            for test in exercise.get("tests", []):
                if test.get("status") != "passed":
                    failures[(ex_id, test.get("name", test.get("id", "?")))] += 1
    totals = [float(r["score"]) for r in graded]
    return ClassSummary(
        students=len(manifest.submissions),
        statuses=Counter(r.status for r in manifest.submissions.values()),
        graded=len(graded),
        total_mean=statistics.fmean(totals) if totals else None,
        total_median=statistics.median(totals) if totals else None,
        max_total=max((float(r["max_score"]) for r in graded), default=None),
        exercises=[ExerciseFigures(ex, statistics.fmean(v), statistics.median(v), maxima[ex])
                   for ex, v in scores.items() if v],
        # Most failures first; ties in the catalog's order, so the list is the same on every run.
        most_failed=[FailedCheck(ex, name, n) for (ex, name), n in
                     sorted(failures.items(), key=lambda item: (-item[1], item[0]))[:MOST_FAILED]],
        flagged=[(s, r.flag_reason) for s, r in sorted(manifest.submissions.items()) if r.flagged],
    )


def render_summary(summary: ClassSummary) -> str:
    """The summary as plain text (no colour: it is also read in CI logs)."""
    counts = ", ".join(f"{n} {status}" for status, n in sorted(summary.statuses.items()))
    lines = [f"{summary.students} submission(s): {counts or 'none'}"]
    if summary.graded:
        lines.append(f"Total over {summary.graded} graded: mean {summary.total_mean:.1f}, "
                     f"median {summary.total_median:g} of {summary.max_total:g}")
        lines += ["", f"{'exercise':<28}{'mean':>8}{'median':>8}{'max':>6}"]
        lines += [f"{e.exercise_id:<28}{e.mean:>8.1f}{e.median:>8g}{e.max_score:>6g}" for e in summary.exercises]
    if summary.most_failed:
        lines += ["", "Checks failed most often:"]
        width = len(str(summary.graded))
        lines += [f"  {c.failures:>{width}}/{summary.graded}  {c.exercise_id}: {c.name}" for c in summary.most_failed]
    if summary.flagged:
        lines += ["", "Flagged for review:"]
        lines += [f"  {student}: {reason}" for student, reason in summary.flagged]
    return "\n".join(lines)
