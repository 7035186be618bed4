"""Rendering a report in each ``--format``; add a format by adding a function here.

Each renderer turns a :class:`~gradekit.report.model.SubmissionReport` into what
``python grade.py grade --format NAME`` prints on stdout:

- ``text``: the readable summary; ``json``: the report (``report/schema/report.schema.json``);
- ``html``: one self-contained page with the timelines drawn (:mod:`gradekit.report.html`);
- ``gradescope`` / ``prairielearn``: those platforms' ``results.json``
  (:mod:`gradekit.report.gradescope`, :mod:`gradekit.report.prairielearn`);
- ``junit``: JUnit XML for GitLab, Jenkins and other CI (:mod:`gradekit.report.junit`);
- ``github``: GitHub Actions annotations; the command also appends the job summary to
  ``$GITHUB_STEP_SUMMARY`` (:mod:`gradekit.report.github`).

The machine formats print nothing else on stdout: progress goes to stderr.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from gradekit.report.github import render_github
from gradekit.report.gradescope import render_gradescope
from gradekit.report.html import render_html
from gradekit.report.junit import render_junit
from gradekit.report.model import SubmissionReport
from gradekit.report.prairielearn import render_prairielearn
from gradekit.report.text import render_text


def render_json(report: SubmissionReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


RENDERERS: dict[str, Callable[[SubmissionReport], str]] = {
    "text": render_text,
    "json": render_json,
    "html": render_html,
    "gradescope": render_gradescope,
    "prairielearn": render_prairielearn,
    "junit": render_junit,
    "github": render_github,
}
