"""The dashboard's HTML: the class page (``index.html``) and one page per student.

Each page is one self-contained file: inline CSS, inline SVG, no script, no external
resource, so it opens offline from a file manager or an archived CI artifact. Its
Content-Security-Policy (``default-src 'none'``) makes that a rule the browser enforces:
even a string that escaped escaping could neither run a script nor load anything.

Everything that comes from the output folder (student names, check names, feedback,
reasons, timeline labels) is escaped here with :func:`html.escape` on the way out, on
top of the cleaning :mod:`gradekit.dashboard.load` did on the way in.
"""

from __future__ import annotations

from html import escape

from gradekit.dashboard import svg
from gradekit.dashboard.load import Check, ClassOutput, Exercise, Student
from gradekit.dashboard.stats import ClassStats
from gradekit.report.model import FEEDBACK
from gradekit.report.sanitize import clean
from gradekit.report.timeline import TimelineError, svg_chart

__all__ = ["index_page", "student_page"]

STUDENTS_DIR = "students"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
CSS = """
body { font: 14px/1.45 system-ui, sans-serif; color: #263238; margin: 0; background: #fafafa; }
header { background: #263238; color: #fff; padding: 16px 32px; }
header h1 { margin: 0; font-size: 22px; } header p { margin: 4px 0 0; opacity: .8; }
header a { color: #b3e5fc; }
main { padding: 16px 32px 48px; max-width: 1100px; }
section { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 12px 20px; margin: 16px 0; }
h2 { font-size: 18px; margin: 4px 0 12px; } h3 { font-size: 15px; margin: 16px 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { font-weight: 600; background: #f5f5f5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 10px 16px; min-width: 120px; }
.card b { display: block; font-size: 22px; }
.feedback { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font: 13px/1.4 ui-monospace, monospace; }
blockquote { margin: 6px 0 10px; padding: 6px 10px; background: #f5f5f5; border-left: 3px solid #90a4ae; }
.status { white-space: nowrap; } .passed { color: #2e7d32; } .failed, .error, .timeout { color: #c62828; }
.flag { background: #ffebee; border-color: #ef9a9a; }
.empty { color: #78909c; font-style: italic; }
.chart { max-width: 100%; height: auto; } .meter { vertical-align: middle; }
.timeline { margin: 8px 0 16px; } .timeline h4 { margin: 8px 0 4px; }
"""
MARK = {"passed": "✓", "failed": "✗", "error": "✗", "timeout": "⏱"}


def _page(title: str, header: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<link rel="icon" href="data:,"><title>{escape(title)}</title><style>{CSS}</style></head>'
            f"<body><header>{header}</header><main>{body}</main></body></html>\n")


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.0f}%"


def _section(title: str, content: str, *, css: str = "", anchor: str = "") -> str:
    attrs = (f' class="{css}"' if css else "") + (f' id="{anchor}"' if anchor else "")
    return f"<section{attrs}><h2>{escape(title)}</h2>{content}</section>"


def _table(headers: list[str] | None, rows: list[list[str]], *, numeric: set[int] = frozenset()) -> str:
    """``rows`` hold HTML already escaped; column ``i`` in ``numeric`` is right-aligned; no head without ``headers``."""
    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    head = "".join(f"<th{cls(i)}>{escape(h)}</th>" for i, h in enumerate(headers or []))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table>{f'<thead><tr>{head}</tr></thead>' if head else ''}<tbody>{body}</tbody></table>"


def _empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def _student_link(student: Student, prefix: str = f"{STUDENTS_DIR}/") -> str:
    return f'<a href="{escape(prefix + student.page)}">{escape(student.name)}</a>'


def _score(student: Student) -> str:
    if not student.graded:
        return "–"
    percent = f" ({100 * student.score / student.max_score:.0f}%)" if student.max_score else ""
    return f"{_num(student.score)}/{_num(student.max_score)}{percent}"


# -- the class page ---------------------------------------------------------------------

def _cards(stats: ClassStats) -> str:
    mean = "–" if stats.mean_percent is None else f"{stats.mean_percent:.0f}%"
    median = "–" if stats.median_percent is None else f"{stats.median_percent:.0f}%"
    cards = [("submissions", stats.submissions), ("graded", len(stats.graded)),
             ("could not be graded", len(stats.ungraded)), ("flagged for review", len(stats.flagged)),
             ("mean score", mean), ("median score", median)]
    return '<div class="cards">' + "".join(f'<div class="card"><b>{escape(str(v))}</b>{escape(k)}</div>'
                                           for k, v in cards) + "</div>"


def _distribution(stats: ClassStats) -> str:
    if not stats.graded:
        return _empty("No graded submission yet.")
    return svg.histogram(stats.histogram, "Score distribution: students per 10% of the maximum score")


def _exercises(stats: ClassStats) -> str:
    if not stats.exercises:
        return _empty("No exercise was graded.")
    chart = svg.bars([svg.Bar(row.id, row.pass_rate, f"{_pct(row.pass_rate)} ({row.full_marks}/{row.students})")
                      for row in stats.exercises], "Share of students with full marks, per exercise")
    rows = [[escape(r.id), _pct(r.pass_rate), f"{r.mean:.1f}/{_num(r.max_score)}",
             f"{_num(r.median)}/{_num(r.max_score)}", str(r.missing), str(r.errors)] for r in stats.exercises]
    table = _table(["exercise", "full marks", "mean", "median", "missing", "import errors"], rows,
                   numeric={1, 2, 3, 4, 5})
    return f"<p>Share of graded students with full marks on each exercise.</p>{chart}{table}"


def _checks(stats: ClassStats) -> str:
    if not stats.checks:
        return _empty("No check ran.")
    rows = [[escape(c.exercise), escape(c.name), escape(c.visibility), _num(c.max_score),
             svg.meter(c.pass_rate, f"{c.name}: {_pct(c.pass_rate)} passed") + f" {_pct(c.pass_rate)}",
             f"{c.passed}/{c.attempts}"] for c in stats.checks]
    return ("<p>Share of attempts that passed; an attempt is a student whose module for the exercise "
            "was found and imported.</p>"
            + _table(["exercise", "check", "visibility", "points", "pass rate", "passed"], rows, numeric={3, 5}))


def _failures(stats: ClassStats) -> str:
    if not stats.failures:
        return _empty("No check failed.")
    items = []
    for f in stats.failures:
        quotes = "".join(f'<blockquote><pre class="feedback">{escape(text) or "(no feedback)"}</pre>'
                         f"<small>{count} failure(s) with feedback of this shape</small></blockquote>"
                         for text, count in f.feedback)
        items.append(f"<li><b>{escape(f.exercise)}</b> — {escape(f.name)} ({escape(f.visibility)}): failed "
                     f"{f.failed} of {f.attempts} attempts{quotes}</li>")
    return ("<p>Checks failed most often, with their most common feedback (texts that differ only in "
            f"numbers are counted together).</p><ol>{''.join(items)}</ol>")


def _flagged(stats: ClassStats) -> str:
    if not stats.flagged:
        return _empty("No submission is flagged.")
    rows = [[_student_link(s), _score(s), f'<span class="feedback">{escape(s.flag_reason) or "(no reason given)"}</span>']
            for s in stats.flagged]
    return ("<p>These submissions tampered with the grading harness: review them by hand.</p>"
            + _table(["student", "score", "reason"], rows, numeric={1}))


def _ungraded(stats: ClassStats) -> str:
    if not stats.ungraded:
        return _empty("Every submission was graded.")
    counts = " · ".join(f"{escape(status)}: {count}" for status, count in stats.ungraded_statuses.items())
    rows = [[_student_link(s), escape(s.status), f'<span class="feedback">{escape(s.reason)}</span>']
            for s in stats.ungraded]
    return f"<p>{counts}</p>" + _table(["student", "status", "reason"], rows)


def _warnings(stats: ClassStats) -> str:
    rows = [[f'<span class="feedback">{escape(text)}</span>', f"{count}/{len(stats.graded)}"]
            for text, count in stats.warnings]
    return "<p>What the reports say about how they were made.</p>" + _table(["warning", "reports"], rows,
                                                                              numeric={1})


def _roster(output: ClassOutput) -> str:
    if not output.students:
        return _empty("The manifest lists no submission.")
    rows = [[_student_link(s), escape(s.status), _score(s), "⚑ flagged" if s.flagged else ""]
            for s in output.students]
    return _table(["student", "status", "score", "review"], rows, numeric={2})


def index_page(output: ClassOutput, stats: ClassStats) -> str:
    """The class page: summary, charts, failures, flagged and ungraded submissions, every student."""
    shard = f" · shard {escape(output.shard)}" if output.shard else ""
    gradebook = ' · <a href="../gradebook.csv">gradebook.csv</a>' if output.gradebook else ""
    header = (f"<h1>Class dashboard</h1><p>{stats.submissions} submission(s) · kit "
              f"{escape(output.kit_version or 'unknown')}{shard}{gradebook}</p>")
    body = "".join([
        _cards(stats),
        _section("Report warnings", _warnings(stats), css="flag", anchor="warnings") if stats.warnings else "",
        _section("Score distribution", _distribution(stats), anchor="distribution"),
        _section("Pass rate per exercise", _exercises(stats), anchor="exercises"),
        _section("Most common failures", _failures(stats), anchor="failures"),
        _section("Flagged for review", _flagged(stats), css="flag" if stats.flagged else "", anchor="flagged"),
        _section("Could not be graded", _ungraded(stats), anchor="ungraded"),
        _section("Pass rate per check", _checks(stats), anchor="checks"),
        _section("Students", _roster(output), anchor="students"),
    ])
    return _page("Class dashboard", header, body)


# -- a student's page -------------------------------------------------------------------

def _timeline(check: Check) -> str:
    """The check's timeline as :func:`gradekit.report.timeline.svg_chart` draws it (bars with their times)."""
    try:
        chart = svg_chart(check.timeline)
    except TimelineError as error:  # the report's timeline is malformed: say so, draw the rest
        chart = f'<p class="empty">This timeline cannot be drawn: {escape(clean(error, FEEDBACK))}</p>'
    return f'<div class="timeline"><h4>{escape(check.name)}</h4>{chart}</div>'


def _check_row(check: Check) -> list[str]:
    status = f'<span class="status {escape(check.status)}">{MARK.get(check.status, "?")} {escape(check.status)}</span>'
    return [status, escape(check.name), f"{_num(check.score)}/{_num(check.max_score)}", escape(check.visibility),
            f'<pre class="feedback">{escape(check.feedback)}</pre>']


def _exercise(exercise: Exercise) -> str:
    parts = [f"<p>{_num(exercise.score)}/{_num(exercise.max_score)} · {escape(exercise.status)}</p>"]
    if exercise.flag_reason:
        parts.append(f'<p class="failed">Flagged: {escape(exercise.flag_reason)}</p>')
    if exercise.feedback:
        parts.append(f'<pre class="feedback">{escape(exercise.feedback)}</pre>')
    if exercise.checks and exercise.status == "graded":  # otherwise every check repeats the feedback above
        parts.append(_table(["status", "check", "points", "visibility", "feedback"],
                            [_check_row(c) for c in exercise.checks], numeric={2}))
    parts += [_timeline(c) for c in exercise.checks if c.timeline is not None]
    return _section(exercise.id, "".join(parts), css="flag" if exercise.flag_reason else "")


def _about(student: Student) -> str:
    rows = [["status", escape(student.status)], ["score", _score(student)]]
    if student.source:
        rows.append(["graded from", escape(student.source)])
    if student.reason:
        rows.append(["reason", f'<span class="feedback">{escape(student.reason)}</span>'])
    rows += [[escape(k), escape(v)] for k, v in student.environment.items()]
    if student.duration_s is not None:
        rows.append(["grading time", f"{student.duration_s:.1f} s"])
    parts = [_table(None, rows)]
    if student.warnings:
        parts.append("<h3>Warnings</h3><ul>" + "".join(f"<li>{escape(w)}</li>" for w in student.warnings) + "</ul>")
    if student.ignored:
        parts.append("<h3>Not graded (found in the submission)</h3>"
                     + _table(["file", "reason"], [[escape(p), escape(r)] for p, r in student.ignored]))
    return _section("Submission", "".join(parts))


def student_page(student: Student) -> str:
    """One student's page: their status, their report exercise by exercise, the checks' timelines."""
    header = (f'<p><a href="../index.html">← class dashboard</a></p><h1>{escape(student.name)}</h1>'
              f"<p>{escape(student.status)} · {_score(student)}</p>")
    parts = []
    if student.flagged:
        parts.append(_section("Flagged for review", f'<p class="feedback">{escape(student.flag_reason)}</p>',
                              css="flag"))
    parts.append(_about(student))
    parts += [_exercise(e) for e in student.exercises]
    return _page(f"{student.name} — grading report", header, "".join(parts))
