"""``--format prairielearn``: PrairieLearn's external-grader ``results.json``.

The format is PrairieLearn's "External Grading" documentation (``docs/externalGrading.md``
in PrairieLearn's repository, "Grading results"): ``score`` is a number in 0..1;
``gradable: false`` marks a submission that could not be graded at all, which earns no
points and costs the student no attempt, with the reasons in ``format_errors``; each of
``tests`` has ``name``, ``description``, ``points``, ``max_points``, ``message`` and
``output``, as ``<pl-external-grader-results>`` renders them.

A submission is not gradable when none of its exercises could be graded: every module
was missing (a file named wrongly, a link, over the size cap) or did not import (a
syntax error) — PrairieLearn's own example of an input that is "invalid, not
gradable". As soon as one exercise was graded, the submission is gradable and what is
missing scores 0.
"""

from __future__ import annotations

import json

from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport
from gradekit.report.timeline import text_chart

__all__ = ["prairielearn_results", "render_prairielearn"]

SCORE_DIGITS = 4


def _test(exercise: ExerciseResult, check: CheckResult) -> dict:
    test = {
        "name": f"{exercise.id}: {check.name}",
        "description": f"{check.visibility} check {check.id} of {exercise.id}",
        "points": check.score,
        "max_points": check.max_score,
        "message": check.feedback or ("passed" if check.status == "passed" else check.status),
        "output": text_chart(check.timeline) if check.timeline is not None else "",
    }
    return test


def _output(report: SubmissionReport) -> str:
    lines = [f"{e.id}: {e.score:g}/{e.max_score:g}" + ("" if e.status == "graded" else f" [{e.status}] {e.feedback}")
             for e in report.exercises]
    if report.public_only:
        lines.append("Public checks only: the course's hidden checks did not run.")
    lines += [f"Warning: {warning}" for warning in report.warnings]
    return "\n".join(lines)


def prairielearn_results(report: SubmissionReport) -> dict:
    """The ``results.json`` data for ``report``."""
    gradable = any(e.status == "graded" for e in report.exercises)
    fraction = report.score / report.max_score if report.max_score else 0.0
    results = {
        "gradable": gradable,
        "score": round(min(1.0, max(0.0, fraction)), SCORE_DIGITS),
        "message": f"Total: {report.score:g}/{report.max_score:g}"
                   + ("  (flagged for review by the course staff)" if report.flagged else ""),
        "output": _output(report),
        "tests": [_test(exercise, check) for exercise in report.exercises for check in exercise.tests],
    }
    if not gradable:
        results["format_errors"] = [e.feedback or f"{e.id}: {e.status}" for e in report.exercises] or [
            "no exercise was graded"]
    return results


def render_prairielearn(report: SubmissionReport) -> str:
    """``results.json`` as PrairieLearn's external grader reads it."""
    return json.dumps(prairielearn_results(report), indent=2, ensure_ascii=False)
