"""The HTML view of a report (--format html): self-contained, escaped, timelines drawn."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gradekit.report.html import render_html
from gradekit.report.model import CheckResult, ExerciseResult, Ignored, SubmissionReport

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
TIMELINE = {"title": "fetch(url) calls", "unit": "s",
            "observed": [{"label": HOSTILE, "start": 0.0, "end": 0.3, "outcome": "ok"}],
            "expected": [{"label": "a", "start": 0.0, "end": 0.3, "outcome": "ok"}]}


class Page(HTMLParser):
    """Every tag with its attributes, and the text, of a page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)

    def named(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def report() -> SubmissionReport:
    failed = CheckResult(id="test_elapsed", name="elapsed ≈ the slowest fetch", score=0, max_score=3, status="failed",
                         visibility="public", feedback=f"expected 0.3 s, observed {HOSTILE}. Hint: gather.",
                         timeline=TIMELINE)
    passed = CheckResult(id="test_order", name="results keep the order", score=3, max_score=3, status="passed",
                         visibility="public")
    missing = ExerciseResult(id="ex05_timeouts", status="missing", feedback="ex05_timeouts.py is missing.")
    return SubmissionReport(submission=HOSTILE, exercises=[ExerciseResult(id="ex03_fetch_all", status="graded",
                                                                          tests=[passed, failed]), missing],
                            ignored=[Ignored(path=f"{HOSTILE}.py", reason="not an exercise module")],
                            warnings=[f"graded with weak isolation {HOSTILE}"])


def test_the_page_loads_nothing_and_runs_nothing():
    page = Page(render_html(report()))
    tags = {name for name, _ in page.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "base", "form", "foreignobject", "use"}
    assert not [(name, key) for name, attrs in page.tags for key in attrs if key.startswith("on") or key == "src"]
    assert all(attrs["href"].startswith("#ex-") for attrs in page.named("a"))
    policy = [m["content"] for m in page.named("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert policy and "default-src 'none'" in policy[0]


def test_everything_from_the_report_stays_text():
    html = render_html(report())
    page = Page(html)
    text = "".join(page.text)
    assert f"observed {HOSTILE}. Hint: gather." in text  # the feedback, shown as written
    assert f"{HOSTILE}.py" in text and f"graded with weak isolation {HOSTILE}" in text
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_failed_checks_show_feedback_and_timeline_passed_ones_are_folded():
    html = render_html(report())
    page = Page(html)
    assert len(page.named("svg")) == 1  # the failed check's timeline, inline
    failed_at, passed_at = html.index("elapsed ≈ the slowest fetch"), html.index("results keep the order")
    assert failed_at < html.index("<svg") < html.index("<details>") < passed_at
    assert "1 passed check(s)" in html
    text = "".join(page.text)
    assert "Total: 3/6" in text and "missing" in text and "ex05_timeouts.py is missing." in text
    assert [a["href"] for a in page.named("a")] == ["#ex-ex03_fetch_all", "#ex-ex05_timeouts"]
    assert {s["id"] for s in page.named("section")} == {"ex-ex03_fetch_all", "ex-ex05_timeouts"}


@pytest.mark.damaged_report  # the schema would refuse it: the renderer must cope anyway
def test_a_timeline_damaged_after_grading_is_named_not_drawn():
    broken = report()
    # A report edited by hand can hold anything; the model only checks what it is given.
    object.__setattr__(broken.exercises[0].tests[1], "timeline", {"observed": "nonsense"})
    html = render_html(broken)
    assert "timeline not drawn: timeline.observed must be a list" in html and "<svg" not in html


def test_grade_format_html_writes_the_page(tmp_path, grade_cli):
    shutil.copy(ROOT / "exercises" / "ex03_fetch_all" / "variants" / "sequential.py", tmp_path / "ex03_fetch_all.py")
    result = grade_cli("grade", str(tmp_path), "--exercise", "ex03", "--format", "html")
    assert result.code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    page = Page(result.stdout)
    assert len(page.named("svg")) == 2  # the two failed concurrency checks draw their timelines
    assert not page.named("script") and "all fetches in flight at once" in "".join(page.text)
