"""A submission's exercises may be split over worker processes; the report is the same."""

from __future__ import annotations

from gradekit.grading.runner import grade_submission
from tests.conftest import reference_source

BROKEN = "async def fetch_all(urls, fetch):\n    return [await fetch(u) for u in urls]\n"  # sequential


def _comparable(report) -> list:
    return [(e.id, e.status, e.feedback, [(t.id, t.score, t.status, t.feedback) for t in e.tests])
            for e in report.exercises]


def test_two_workers_grade_exactly_as_one(kit, submission):
    folder = submission({"ex01_hello_loop.py": reference_source(kit, "ex01_hello_loop"), "ex03_fetch_all.py": BROKEN,
                         "ex02_gather_counts.py": "syntax error here"})
    exercises = ["ex01_hello_loop", "ex02_gather_counts", "ex03_fetch_all", "ex04_task_errors"]
    one = grade_submission(kit, folder, exercises=exercises, jobs=1)
    two = grade_submission(kit, folder, exercises=exercises, jobs=2)
    assert _comparable(one) == _comparable(two)
    assert [e.id for e in two.exercises] == exercises
    assert [e.status for e in two.exercises] == ["graded", "error", "graded", "missing"]
    assert two.isolation == one.isolation
