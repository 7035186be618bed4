"""What the dashboard says about the class, computed from the loaded output.

Definitions, so the numbers can be read without the code:

- A student *with a report* is one the batch graded and whose report could be read
  (:attr:`Student.graded`). Only they count in scores and pass rates; the others are
  listed, with their status and reason, under "could not be graded".
- The score distribution bins each such student's total as a percentage of their
  maximum, in :data:`BINS` equal bins (a full score falls in the last).
- An exercise's *pass rate* is the share of students with a report who got full
  marks on it; its mean and median count a missing or crashing module as 0.
- A check's *pass rate* is the share of its *attempts* that passed, where an attempt
  is a student whose module for that exercise was found and imported (exercise status
  ``graded``): a missing module says nothing about the check.
- A report *warning* (how a report was made, e.g. without full isolation) is listed
  once, with the number of reports that carry it.
- The *most common failures* are the failed attempts grouped by check; for each, the
  feedback texts are grouped by their shape (digits replaced, so "observed 0.800 s"
  and "observed 0.700 s" are one group) and the largest groups are shown with one
  example each.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from gradekit.dashboard.load import Check, ClassOutput, Student

__all__ = ["Bin", "CheckRow", "ClassStats", "ExerciseRow", "Failure", "class_stats"]

BINS = 10
TOP_FAILURES = 20
FEEDBACK_EXAMPLES = 3


@dataclass(frozen=True)
class Bin:
    low: float  # percent, inclusive
    high: float  # percent, exclusive (inclusive for the last bin)
    count: int


@dataclass(frozen=True)
class ExerciseRow:
    id: str
    students: int  # students with a report that lists this exercise
    full_marks: int
    mean: float
    median: float
    max_score: float
    missing: int
    errors: int

    @property
    def pass_rate(self) -> float:
        return self.full_marks / self.students if self.students else 0.0


@dataclass(frozen=True)
class CheckRow:
    exercise: str
    id: str
    name: str
    visibility: str
    max_score: float
    attempts: int
    passed: int

    @property
    def pass_rate(self) -> float:
        return self.passed / self.attempts if self.attempts else 0.0


@dataclass(frozen=True)
class Failure:
    exercise: str
    name: str
    visibility: str
    failed: int
    attempts: int
    feedback: list[tuple[str, int]]  # (an example text, how many failures share its shape)


@dataclass(frozen=True)
class ClassStats:
    submissions: int
    graded: list[Student]
    histogram: list[Bin]
    exercises: list[ExerciseRow]
    checks: list[CheckRow]
    failures: list[Failure]
    flagged: list[Student]
    ungraded: list[Student]
    mean_percent: float | None = None
    median_percent: float | None = None
    ungraded_statuses: dict[str, int] = field(default_factory=dict)  # status -> how many, among the ungraded
    warnings: list[tuple[str, int]] = field(default_factory=list)  # each report warning, in how many reports


def _percent(student: Student) -> float:
    return 100.0 * student.score / student.max_score if student.max_score else 0.0


def histogram(percents: list[float], bins: int = BINS) -> list[Bin]:
    """Count ``percents`` (0-100) in ``bins`` equal bins; 100 falls in the last, out-of-range values are clamped."""
    width = 100.0 / bins
    counts = [0] * bins
    for value in percents:
        counts[min(bins - 1, max(0, int(value // width)))] += 1
    return [Bin(i * width, (i + 1) * width, count) for i, count in enumerate(counts)]


def _exercise_rows(graded: list[Student]) -> list[ExerciseRow]:
    by_id: dict[str, list] = {}
    for student in graded:
        for exercise in student.exercises:
            by_id.setdefault(exercise.id, []).append(exercise)
    rows = []
    for ex_id, results in sorted(by_id.items()):
        scores = [e.score for e in results]
        rows.append(ExerciseRow(
            id=ex_id, students=len(results), full_marks=sum(e.max_score > 0 and e.score >= e.max_score for e in results),
            mean=statistics.fmean(scores), median=statistics.median(scores), max_score=max(e.max_score for e in results),
            missing=sum(e.status == "missing" for e in results), errors=sum(e.status == "error" for e in results)))
    return rows


def _attempts(graded: list[Student]):
    """Every check of every exercise whose module was found and imported."""
    for student in graded:
        for exercise in student.exercises:
            if exercise.status == "graded":
                yield from exercise.checks


def _check_rows(graded: list[Student]) -> list[CheckRow]:
    first: dict[tuple[str, str], Check] = {}
    attempts: Counter = Counter()
    passed: Counter = Counter()
    for check in _attempts(graded):
        key = (check.exercise, check.id or check.name)
        first.setdefault(key, check)
        attempts[key] += 1
        passed[key] += check.status == "passed"
    rows = [CheckRow(exercise=key[0], id=check.id, name=check.name, visibility=check.visibility,
                     max_score=check.max_score, attempts=attempts[key], passed=passed[key])
            for key, check in first.items()]
    return sorted(rows, key=lambda row: row.exercise)  # stable: a report's own order within an exercise


_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _failures(graded: list[Student], rows: list[CheckRow]) -> list[Failure]:
    shapes: dict[tuple[str, str], Counter] = {}
    examples: dict[str, str] = {}
    for check in _attempts(graded):
        if check.status == "passed":
            continue
        shape = _DIGITS.sub("#", check.feedback)
        examples.setdefault(shape, check.feedback)
        shapes.setdefault((check.exercise, check.id or check.name), Counter())[shape] += 1
    by_key = {(row.exercise, row.id or row.name): row for row in rows}
    failures = []
    for key, counter in shapes.items():
        row = by_key[key]
        failures.append(Failure(exercise=row.exercise, name=row.name, visibility=row.visibility,
                                failed=sum(counter.values()), attempts=row.attempts,
                                feedback=[(examples[s], n) for s, n in counter.most_common(FEEDBACK_EXAMPLES)]))
    failures.sort(key=lambda f: (-f.failed, f.exercise, f.name))
    return failures[:TOP_FAILURES]


def class_stats(output: ClassOutput) -> ClassStats:
    """Everything the index page shows, from the loaded output."""
    graded = [s for s in output.students if s.graded]
    percents = [_percent(s) for s in graded]
    checks = _check_rows(graded)
    return ClassStats(
        submissions=len(output.students),
        graded=graded,
        histogram=histogram(percents),
        exercises=_exercise_rows(graded),
        checks=checks,
        failures=_failures(graded, checks),
        flagged=[s for s in output.students if s.flagged],
        ungraded=[s for s in output.students if not s.graded],
        mean_percent=statistics.fmean(percents) if percents else None,
        median_percent=statistics.median(percents) if percents else None,
        ungraded_statuses=dict(Counter(s.status for s in output.students if not s.graded).most_common()),
        warnings=Counter(w for s in graded for w in dict.fromkeys(s.warnings)).most_common(),
    )
