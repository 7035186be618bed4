"""``--format gradescope``: Gradescope's ``results.json``.

The format is Gradescope's autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): a top-level ``score``
(which overrides the tests' sum), ``execution_time`` in seconds, an ``output`` for the
whole submission, and one entry of ``tests`` per check with ``name``, ``score``,
``max_score``, ``status`` (``passed``/``failed``), ``output`` and ``visibility``.

Every text is sent with the ``text`` format (never ``md`` or ``html``): feedback quotes
what the student's code produced, so Gradescope must show it as it is. A check's
``output`` is its feedback, and its timeline drawn as text when it has one.

Visibility: a public check is ``visible``. A hidden check of the course's graders is
``visible`` too by default, as ``python grade.py`` shows its result and feedback (never
its source); a course that wants hidden results held back until the deadline asks for
``hidden_visibility="after_due_date"`` (``gradescope-bundle --hidden-visibility``).
Gradescope hides a submission's total from students while any test is hidden.

Instructors get the rest in ``extra_data`` (flagged for review and why, isolation,
kit version, what was ignored, warnings), which students never see.
"""

from __future__ import annotations

import json
import math

from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport
from gradekit.report.text import ISOLATION
from gradekit.report.timeline import text_chart

__all__ = ["VISIBILITIES", "gradescope_results", "render_gradescope"]

#: Gradescope's visibility settings, most visible first.
VISIBILITIES = ("visible", "after_published", "after_due_date", "hidden")


def _test_output(check: CheckResult) -> str:
    parts = [check.feedback] if check.feedback else []
    if check.timeline is not None:
        parts.append(text_chart(check.timeline))
    return "\n\n".join(parts)


def _test(number: str, exercise: ExerciseResult, check: CheckResult, hidden_visibility: str) -> dict:
    return {
        "name": f"{exercise.id}: {check.name}",
        "number": number,
        "score": check.score,
        "max_score": check.max_score,
        "status": "passed" if check.status == "passed" else "failed",
        "output": _test_output(check),
        "tags": [exercise.id, check.visibility],
        "visibility": "visible" if check.visibility == "public" else hidden_visibility,
    }


def _overview(report: SubmissionReport) -> str:
    lines = [f"Total: {report.score:g}/{report.max_score:g}", ""]
    for exercise in report.exercises:
        status = "" if exercise.status == "graded" else f"  [{exercise.status}] {exercise.feedback}"
        lines.append(f"{exercise.id}: {exercise.score:g}/{exercise.max_score:g}{status}")
    if report.public_only:
        lines += ["", "Public checks only: the course's hidden checks did not run."]
    lines += ["", ISOLATION.get(report.isolation, f"Isolation: {report.isolation}")]
    lines += [f"Warning: {warning}" for warning in report.warnings]
    return "\n".join(lines)


def gradescope_results(report: SubmissionReport, *, hidden_visibility: str = "visible") -> dict:
    """The ``results.json`` data for ``report``; ``hidden_visibility`` is one of :data:`VISIBILITIES`."""
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {', '.join(VISIBILITIES)}, not {hidden_visibility!r}")
    tests = [_test(f"{i}.{j}", exercise, check, hidden_visibility)
             for i, exercise in enumerate(report.exercises, 1)
             for j, check in enumerate(exercise.tests, 1)]
    return {
        "score": report.score,
        "execution_time": math.ceil(report.duration_s),
        "output": _overview(report),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "tests": tests,
        "extra_data": {
            "flagged": report.flagged,
            "flag_reason": report.flag_reason,
            "max_score": report.max_score,
            "isolation": report.isolation,
            "public_only": report.public_only,
            "ignored": [i.to_dict() for i in report.ignored],
            "warnings": list(report.warnings),
        },
    }


def render_gradescope(report: SubmissionReport) -> str:
    """``results.json`` as Gradescope reads it (hidden checks ``visible``; see the module's docstring)."""
    return json.dumps(gradescope_results(report), indent=2, ensure_ascii=False)
