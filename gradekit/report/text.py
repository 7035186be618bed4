"""The human-readable summary printed by ``python grade.py``."""

from __future__ import annotations

import textwrap

import click

from gradekit.kit import EXERCISE_POINTS
from gradekit.report.model import CheckResult, ExerciseResult, Ignored, SubmissionReport
from gradekit.report.timeline import text_chart

WIDTH = 100
CHART = 50  # columns of a timeline's bars: with labels and times, a chart fits in WIDTH
NAMES_PER_REASON = 5
ISOLATION = {
    "namespaces": "Isolation: namespaces (bubblewrap)",
    "process": "Isolation: process only — install bubblewrap for full isolation",
}


def _score_style(score: float, max_score: float) -> dict:
    if max_score and score >= max_score:
        return {"fg": "green"}
    return {"fg": "yellow"} if score > 0 else {"fg": "red"}


def _exercise_lines(exercise: ExerciseResult, public_only: bool = False) -> list[str]:
    label = f"{exercise.score:g}/{exercise.max_score:g}"
    status = "" if exercise.status == "graded" else f"  [{exercise.status}]"
    # Without the hidden checks, the score is out of the public part: say of what whole.
    part = f"  public part of {EXERCISE_POINTS:g}" if public_only else ""
    lines = [f"  {exercise.id:<28} " + click.style(f"{label:>7}", **_score_style(exercise.score, exercise.max_score))
             + part + status]
    if exercise.status != "graded":
        lines += _wrap(exercise.feedback, "      ")
        return lines
    previous = previous_timeline = None
    for test in exercise.failed:
        mark = click.style("✗", fg="red")
        lines.append(f"      {mark} {test.name} ({test.score:g}/{test.max_score:g}, {test.visibility})")
        same = test.feedback == previous
        lines += ["          (same reason as above)"] if same else _wrap(test.feedback, "          ")
        lines += _timeline_lines(test, previous_timeline)
        previous, previous_timeline = test.feedback, test.timeline
    return lines


def _timeline_lines(test: CheckResult, previous: dict | None) -> list[str]:
    """The check's timeline under its feedback; a pointer up when the check above drew the same."""
    if test.timeline is None:
        return []
    if test.timeline == previous:
        return ["          (timeline as above)"]
    return [""] + ["          " + line for line in text_chart(test.timeline, CHART).splitlines()] + [""]


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) if text else []


def _ignored_lines(ignored: list[Ignored], explained: set[str]) -> list[str]:
    """One line per reason: the first few names, then how many more; ``explained`` names are left out."""
    by_reason: dict[str, list[str]] = {}
    for item in ignored:
        if item.path not in explained:
            by_reason.setdefault(item.reason, []).append(item.path)
    if not by_reason:
        return []
    lines = ["", "Not graded (found in the submission folder):"]
    for reason, paths in by_reason.items():
        names = ", ".join(paths[:NAMES_PER_REASON])
        if len(paths) > NAMES_PER_REASON:
            names += f" and {len(paths) - NAMES_PER_REASON} more"
        lines += _wrap(f"{names}: {reason}", "  ")
    return lines


def _total_lines(report: SubmissionReport) -> list[str]:
    """The total, and what it is out of: every number comes from the report (or the kit's EXERCISE_POINTS)."""
    total = click.style(f"Total: {report.score:g}/{report.max_score:g}", bold=True,
                        **_score_style(report.score, report.max_score))
    count = len(report.exercises)
    public = round(sum(t.max_score for e in report.exercises for t in e.tests if t.visibility == "public"), 2)
    if not count:
        return [total]
    if report.public_only:
        whole = EXERCISE_POINTS * count
        these = "this exercise" if count == 1 else f"these {count} exercises"
        return [total + " from the public checks", *_wrap(
            f"Each exercise is worth {EXERCISE_POINTS:g} points ({whole:g} for {these}). The public checks here "
            f"are worth {public:g} of them; the hidden checks of the course's grader give the other "
            f"{round(whole - public, 2):g} when the course grades your work.", "")]
    worth = {e.max_score for e in report.exercises}
    each = f", {worth.pop():g} points each" if len(worth) == 1 else ""
    hidden = round(report.max_score - public, 2)
    return [total + f" ({count} exercise{'s' if count != 1 else ''}{each}: {public:g} from public checks, "
                    f"{hidden:g} from hidden ones)"]


def render_text(report: SubmissionReport) -> str:
    lines = [click.style(f"Grading {report.submission}", bold=True), ""]
    for exercise in report.exercises:
        lines += _exercise_lines(exercise, report.public_only)
    # A refused exercise module is explained under its exercise already.
    lines += _ignored_lines(report.ignored, {f"{e.id}.py" for e in report.exercises if e.status == "missing"})
    lines.append("")
    lines += _total_lines(report)
    if report.flagged:
        lines.append(click.style(f"Flagged for review: {report.flag_reason}", fg="red", bold=True))
    for warning in report.warnings:
        lines += [click.style(line, fg="yellow") for line in _wrap(f"Warning: {warning}", "")]
    lines.append(ISOLATION.get(report.isolation, f"Isolation: {report.isolation}"))
    lines.append(f"({report.duration_s:.1f} s)")
    return "\n".join(lines)
