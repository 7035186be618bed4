"""``--format github``: annotations on stdout and a job summary, for GitHub Actions.

On stdout, GitHub's workflow commands: one ``::error title=…::…`` per failed check
(one per exercise when its module is missing or broken: its checks all failed for the
same reason), then a ``::notice`` with the total. GitHub shows at most 10 error
annotations per step, so past :data:`MAX_ANNOTATIONS` the last one says how many more
failed. The job summary (:func:`step_summary`, Markdown) is appended to the file named
by ``$GITHUB_STEP_SUMMARY`` (:func:`append_step_summary`; ``python grade.py grade
--format github`` does it); outside Actions it is printed after the annotations.
``--fail-under SCORE`` makes the step fail below a score.

Escaping follows GitHub's workflow-command rules (``escapeData`` and
``escapeProperty`` of ``@actions/core``): in a message ``%``, CR and LF become ``%25``,
``%0D``, ``%0A``; in a property value ``:`` and ``,`` also become ``%3A``, ``%2C``. A
feedback line therefore cannot end its annotation early or start a command of its own.
In the summary, text from the report is HTML-escaped and Markdown's punctuation
backslash-escaped, so a student's output cannot add links, images or tables.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping
from pathlib import Path

from gradekit.report.model import ExerciseResult, SubmissionReport
from gradekit.report.text import ISOLATION

__all__ = ["MAX_ANNOTATIONS", "annotations", "append_step_summary", "escape_data", "escape_property",
           "render_github", "step_summary"]

MAX_ANNOTATIONS = 10  # GitHub keeps 10 error annotations per step
SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as :func:`escape_data`, and ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _error(title: str, message: str) -> str:
    return f"::error title={escape_property(title)}::{escape_data(message)}"


def _exercise_errors(exercise: ExerciseResult) -> list[tuple[str, str]]:
    if exercise.status != "graded":
        return [(f"{exercise.id}: {exercise.status} (0/{exercise.max_score:g})", exercise.feedback or exercise.status)]
    return [(f"{exercise.id}: {check.name} ({check.score:g}/{check.max_score:g})", check.feedback or check.status)
            for check in exercise.failed]


def annotations(report: SubmissionReport) -> list[str]:
    """The workflow commands for ``report``: errors for what failed, then a notice with the total."""
    errors = [item for exercise in report.exercises for item in _exercise_errors(exercise)]
    if report.flagged:
        errors.insert(0, ("flagged for review", report.flag_reason))
    if len(errors) > MAX_ANNOTATIONS:
        rest = len(errors) - MAX_ANNOTATIONS + 1
        errors = errors[:MAX_ANNOTATIONS - 1] + [(f"{rest} more failed checks",
                                                  "see the job summary for every failed check")]
    lines = [_error(title, message) for title, message in errors]
    lines.append(f"::notice title=asyncio-gradekit::{escape_data(_total(report))}")
    return lines


def _total(report: SubmissionReport) -> str:
    return f"Total: {report.score:g}/{report.max_score:g}"


def _md(text: str) -> str:
    """Report text as inert Markdown on one line: HTML-escaped, punctuation escaped, newlines as <br>."""
    escaped = _MARKDOWN.sub(r"\\\1", html.escape(text, quote=True))
    return escaped.replace("\r", "").replace("\n", "<br>")


def step_summary(report: SubmissionReport) -> str:
    """The job summary: the total, a table of exercises, then each failed check with its feedback."""
    lines = [f"## asyncio-gradekit: {report.score:g}/{report.max_score:g}", ""]
    if report.flagged:
        lines += [f"**Flagged for review:** {_md(report.flag_reason)}", ""]
    lines += ["| exercise | score | status |", "| --- | ---: | --- |"]
    lines += [f"| {_md(e.id)} | {e.score:g}/{e.max_score:g} | {_md(e.status)} |" for e in report.exercises]
    failed = [e for e in report.exercises if e.failed]
    if failed:
        lines += ["", "### What to fix", ""]
    for exercise in failed:
        lines.append(f"**{_md(exercise.id)}** ({exercise.score:g}/{exercise.max_score:g})")
        lines.append("")
        if exercise.status != "graded":
            lines += [f"- {_md(exercise.feedback or exercise.status)}", ""]
            continue
        lines += [f"- {_md(check.name)} ({check.score:g}/{check.max_score:g}, {check.visibility}): "
                  f"{_md(check.feedback or check.status)}" for check in exercise.failed]
        lines.append("")
    notes = [ISOLATION.get(report.isolation, f"Isolation: {report.isolation}")]
    notes += [f"Warning: {warning}" for warning in report.warnings]
    if report.public_only:
        notes.insert(0, "Public checks only: the course's hidden checks did not run.")
    lines += ["", *(f"_{_md(note)}_" for note in notes)]
    return "\n".join(lines).rstrip() + "\n"


def append_step_summary(report: SubmissionReport, environ: Mapping[str, str] = os.environ) -> bool:
    """Append :func:`step_summary` to ``$GITHUB_STEP_SUMMARY``; False when that variable is not set."""
    target = environ.get(SUMMARY_ENV)
    if not target:
        return False
    with Path(target).open("a", encoding="utf-8") as handle:
        handle.write(step_summary(report))
    return True


def render_github(report: SubmissionReport) -> str:
    """What ``--format github`` prints: the annotations (the summary goes to its own file, see above)."""
    return "\n".join(annotations(report))
