"""Rendering a report in each ``--format``; add a format by adding a function here."""

from __future__ import annotations

import json
from collections.abc import Callable

from gradekit.report.html import render_html
from gradekit.report.model import SubmissionReport
from gradekit.report.text import render_text


def render_json(report: SubmissionReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


RENDERERS: dict[str, Callable[[SubmissionReport], str]] = {
    "text": render_text,
    "json": render_json,
    "html": render_html,
}
