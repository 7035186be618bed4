"""The HTML view of one report: ``python grade.py grade --format html > report.html``.

One self-contained page a student opens in any browser, offline: inline CSS, each
check's timeline as inline SVG (:func:`gradekit.report.timeline.svg_chart`), no script,
no font, no image, nothing fetched (a Content-Security-Policy says so to the browser
too). Every string from the report goes through :func:`html.escape`, the submission
label and file names included: they come from the student.

What it shows: the total and what it is out of, a table of the exercises, then each
exercise's checks — failed ones first, open, with their feedback and timeline; passed
ones folded away — and what in the folder was not graded.

Written with :mod:`html` and f-strings rather than a template engine: the page is a
handful of elements, and one escaping function in view is easier to audit than a
template's autoescape rules.
"""

from __future__ import annotations

import re
from html import escape

from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport
from gradekit.report.timeline import TimelineError, svg_chart

__all__ = ["render_html"]

#: Nothing may load or run: styles are inline, the SVG charts are inline elements.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'"
ISOLATION = {"namespaces": "namespaces (bubblewrap)", "process": "process only — install bubblewrap for full isolation"}

CSS = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1d1d1f; max-width: 980px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin: 0; display: inline; }
.meta { color: #555; margin: 0 0 1em; } .total { font-size: 1.3em; font-weight: 600; }
.full { color: #1b7f3b; } .part { color: #a86800; } .none { color: #b3261e; }
.banner { background: #fdecea; border: 1px solid #b3261e; padding: .6em .8em; border-radius: 6px; margin: 1em 0; }
.warn { background: #fff6e0; border: 1px solid #a86800; padding: .6em .8em; border-radius: 6px; margin: 1em 0; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; }
th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
section.exercise { border: 1px solid #ddd; border-radius: 8px; padding: .8em 1em; margin: 1em 0; }
section.exercise > header { display: flex; justify-content: space-between; align-items: baseline; }
.check { margin: .7em 0; padding-left: .8em; border-left: 4px solid #b3261e; }
.check.passed { border-left-color: #1b7f3b; }
.check .name { font-weight: 600; } .check .pts { color: #555; font-weight: normal; }
.feedback { white-space: pre-wrap; margin: .3em 0; }
figure { margin: .5em 0; overflow-x: auto; } figcaption { color: #555; font-size: .85em; }
details > summary { cursor: pointer; color: #555; margin: .4em 0; }
footer { color: #777; font-size: .85em; margin-top: 2em; }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _anchor(exercise_id: str) -> str:
    """An id attribute's value: the exercise id with anything unusual replaced."""
    return "ex-" + re.sub(r"[^A-Za-z0-9_-]", "-", exercise_id)


def _grade_class(score: float, max_score: float) -> str:
    if max_score and score >= max_score:
        return "full"
    return "part" if score > 0 else "none"


def _points(score: float, max_score: float) -> str:
    return f'<span class="{_grade_class(score, max_score)}">{score:g}/{max_score:g}</span>'


def _timeline(test: CheckResult) -> str:
    if test.timeline is None:
        return ""
    try:
        chart = svg_chart(test.timeline)
    except TimelineError as exc:  # a report edited by hand: say so rather than fail the page
        return f'<p class="feedback">(timeline not drawn: {_e(exc)})</p>'
    return (f"<figure>{chart}<figcaption>Your run on the check's clock, above the shape of a correct run."
            "</figcaption></figure>")


def _check(test: CheckResult) -> str:
    mark = "✓" if test.status == "passed" else "✗"
    status = "" if test.status in ("passed", "failed") else f" [{_e(test.status)}]"
    feedback = f'<p class="feedback">{_e(test.feedback)}</p>' if test.feedback else ""
    return (f'<div class="check {"passed" if test.status == "passed" else "failed"}">'
            f'<div class="name">{mark} {_e(test.name)}{status} <span class="pts">'
            f"({test.score:g}/{test.max_score:g}, {_e(test.visibility)})</span></div>"
            f"{feedback}{_timeline(test)}</div>")


def _exercise(exercise: ExerciseResult) -> str:
    head = (f'<header><h2>{_e(exercise.id)}</h2><span class="total">'
            f"{_points(exercise.score, exercise.max_score)}</span></header>")
    parts = [f'<section class="exercise" id="{_anchor(exercise.id)}">', head]
    if exercise.status != "graded":
        parts.append(f'<p class="feedback"><strong>{_e(exercise.status)}</strong>: {_e(exercise.feedback)}</p>')
    if exercise.flag_reason:
        parts.append(f'<p class="banner">Flagged for review: {_e(exercise.flag_reason)}</p>')
    failed = [t for t in exercise.tests if t.status != "passed"]
    passed = [t for t in exercise.tests if t.status == "passed"]
    parts += [_check(t) for t in failed]
    if passed:
        parts.append(f"<details><summary>{len(passed)} passed check(s)</summary>"
                     + "".join(_check(t) for t in passed) + "</details>")
    parts.append("</section>")
    return "".join(parts)


def _summary(report: SubmissionReport) -> str:
    rows = "".join(
        f'<tr><td><a href="#{_anchor(e.id)}">{_e(e.id)}</a></td><td>{_e(e.status)}</td>'
        f'<td class="num">{len(e.failed)}</td><td class="num">{_points(e.score, e.max_score)}</td></tr>'
        for e in report.exercises)
    return ('<table><thead><tr><th>exercise</th><th>status</th><th class="num">checks failed</th>'
            f'<th class="num">points</th></tr></thead><tbody>{rows}</tbody></table>')


def _ignored(report: SubmissionReport) -> str:
    if not report.ignored:
        return ""
    items = "".join(f"<li><code>{_e(i.path)}</code>: {_e(i.reason)}</li>" for i in report.ignored)
    return f"<h2>Not graded (found in the submission folder)</h2><ul>{items}</ul>"


def _notices(report: SubmissionReport) -> str:
    parts = []
    if report.flagged:
        parts.append(f'<p class="banner">Flagged for review: {_e(report.flag_reason)}</p>')
    for warning in report.warnings:
        parts.append(f'<p class="warn">{_e(warning)}</p>')
    if report.public_only:
        parts.append('<p class="warn">Public checks only: the hidden checks of the course\'s grader give the rest '
                     "of the points.</p>")
    return "".join(parts)


def render_html(report: SubmissionReport) -> str:
    """The report as one self-contained HTML page (UTF-8)."""
    environment = report.to_dict()["environment"]
    meta = (f"{_e(report.submission)} · isolation: {_e(ISOLATION.get(report.isolation, report.isolation))} · "
            f"Python {_e(environment['python'])} · asyncio-gradekit {_e(environment['kit_version'])} · "
            f"{report.duration_s:.1f} s")
    body = (f"<h1>Grading report</h1><p class=\"meta\">{meta}</p>"
            f'<p class="total">Total: {_points(report.score, report.max_score)}</p>'
            + _notices(report) + _summary(report) + "".join(_exercise(e) for e in report.exercises)
            + _ignored(report)
            + "<footer>Each failed check says the property, what was expected and what was observed, and a hint. "
              "Timelines show when your code's calls ran on the check's clock.</footer>")
    return ("<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Grading report — {_e(report.submission)}</title><style>{CSS}</style></head>"
            f"<body>{body}</body></html>\n")
