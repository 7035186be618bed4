"""The human-readable summary printed by ``python grade.py``."""

from __future__ import annotations

import textwrap

import click

from gradekit.report.model import ExerciseResult, SubmissionReport

WIDTH = 100


def _score_style(score: float, max_score: float) -> dict:
    if max_score and score >= max_score:
        return {"fg": "green"}
    return {"fg": "yellow"} if score > 0 else {"fg": "red"}


def _exercise_lines(exercise: ExerciseResult) -> list[str]:
    label = f"{exercise.score:g}/{exercise.max_score:g}"
    status = "" if exercise.status == "graded" else f"  [{exercise.status}]"
    lines = [f"  {exercise.id:<28} " + click.style(f"{label:>7}", **_score_style(exercise.score, exercise.max_score)) + status]
    if exercise.status != "graded":
        lines += _wrap(exercise.feedback, "      ")
        return lines
    previous = None
    for test in exercise.failed:
        mark = click.style("✗", fg="red")
        lines.append(f"      {mark} {test.name} ({test.score:g}/{test.max_score:g}, {test.visibility})")
        same = test.feedback == previous
        lines += ["          (same reason as above)"] if same else _wrap(test.feedback, "          ")
        previous = test.feedback
    return lines


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) if text else []


def render_text(report: SubmissionReport) -> str:
    lines = [click.style(f"Grading {report.submission}", bold=True), ""]
    for exercise in report.exercises:
        lines += _exercise_lines(exercise)
    lines.append("")
    total = f"Total: {report.score:g}/{report.max_score:g}"
    lines.append(click.style(total, bold=True, **_score_style(report.score, report.max_score)))
    if report.public_only:
        lines.append("Public checks only: the hidden checks of the course's grader give the rest of the points.")
    lines.append(f"({report.duration_s:.1f} s)")
    return "\n".join(lines)
