"""Timelines: their data (checked, cleaned) and their two drawings (text, SVG)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gradekit.grading.timelines import (calls_timeline, concurrent_shape, durations, limited_shape, sequential_shape,
                                        stopped_shape)
from gradekit.grading.timelines import bar as tl_bar
from gradekit.report.timeline import MAX_BARS, Timeline, TimelineError, svg_chart, text_chart, timeline_data

SVG = "{http://www.w3.org/2000/svg}"
EX03 = Path(__file__).resolve().parent.parent / "exercises" / "ex03_fetch_all"


def bar(label, start, end, outcome="ok"):
    return {"label": label, "start": start, "end": end, "outcome": outcome}


SEQUENTIAL = {
    "title": "fetch(url) calls on the check's clock", "unit": "s",
    "observed": [bar("a", 0.0, 0.3), bar("b", 0.3, 0.4), bar("c", 0.4, 0.6)],
    "expected": [bar("a", 0.0, 0.3), bar("b", 0.0, 0.1), bar("c", 0.0, 0.2)],
}


def rows(chart: str, label: str) -> list[str]:
    """The rows drawing calls named ``label``: yours, then a correct run's."""
    return [line for line in chart.splitlines() if line.startswith(f"    {label} ")]


def columns(row: str, glyphs: str = "█▒░▶") -> tuple[int, int]:
    """First and last column of a row's bar."""
    filled = [i for i, ch in enumerate(row) if ch in glyphs]
    return filled[0], filled[-1]


# -- data ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("broken", "says"), [
    ({"observed": [bar("a", 0, 1, "finished")]}, "outcome must be one of"),
    ({"observed": [bar("a", 0, None, "ok")]}, "null exactly when"),
    ({"observed": [bar("a", 0, 1, "running")]}, "null exactly when"),
    ({"observed": [bar("a", 2, 1)]}, "ends (1.0) before it starts (2.0)"),
    ({"observed": [bar("a", float("nan"), 1)]}, "observed[0].start must be a finite number"),
    ({"observed": [bar("a", -1, 1)]}, "≥ 0"),
    ({"observed": [bar("a", True, 1)]}, "finite number"),
    ({"observed": {"a": 1}}, "observed must be a list"),
    ({"observed": ["a"]}, "observed[0] must be an object"),
    ({"title": "no calls"}, "needs 'observed'"),
    ("a string", "must be an object"),
])
def test_a_malformed_timeline_says_what_is_wrong(broken, says):
    with pytest.raises(TimelineError, match=None) as raised:
        Timeline.from_dict(broken)
    assert says in str(raised.value)
    with pytest.raises(ValueError):  # the drawings refuse it the same way
        text_chart(broken)
    with pytest.raises(ValueError):
        svg_chart(broken)


def test_labels_and_title_from_student_code_are_cleaned_and_capped():
    data = timeline_data({"title": "t\x1b]0;pwned\x07itle", "observed": [bar("\x1b[2Jurl\u202e" + "x" * 500, 0, 1)]})
    label = data["observed"][0]["label"]
    assert data["title"] == "title"
    assert label.startswith("url") and "\x1b" not in label and "\u202e" not in label and len(label) <= 40


def test_stored_data_is_canonical_and_bounded():
    data = timeline_data({"observed": [bar(f"call {i}", i, i + 1) for i in range(MAX_BARS + 50)]})
    assert len(data["observed"]) == MAX_BARS
    assert "expected" not in data and data["unit"] == "s"
    assert timeline_data(data) == data


# -- text ---------------------------------------------------------------------------------------

def test_text_chart_shows_sequential_calls_one_after_another_and_the_correct_shape_together():
    chart = text_chart(SEQUENTIAL, width=60)
    (yours_a, right_a), (yours_b, right_b), (yours_c, right_c) = (rows(chart, k) for k in "abc")
    # Your run: each call starts where the previous one ended.
    assert columns(yours_a)[1] < columns(yours_b)[0] and columns(yours_b)[1] < columns(yours_c)[0]
    # A correct run: every call starts at the same column.
    assert columns(right_a)[0] == columns(right_b)[0] == columns(right_c)[0] == columns(yours_a)[0]
    # Lengths follow durations on one shared scale.
    length = {row: columns(row)[1] - columns(row)[0] + 1 for row in (right_a, right_b, yours_c)}
    assert length[right_b] < length[yours_c] < length[right_a]
    assert length[right_a] == 3 * length[right_b]
    assert "your run" in chart and "a correct run" in chart and "0.300–0.400" in chart


def test_text_chart_marks_how_each_call_ended():
    chart = text_chart({"observed": [bar("ok", 0, 1), bar("bad", 0, 0.5, "error"), bar("stop", 0, 0.2, "cancelled"),
                                      bar("hang", 0.5, None, "running")]}, width=40)
    assert set(rows(chart, "bad")[0].split("  ")[-1].split()) >= {"raised"}
    assert "▒" in rows(chart, "bad")[0] and "░" in rows(chart, "stop")[0]
    hang = rows(chart, "hang")[0]
    assert hang.rstrip().endswith("still running") and "▶" in hang
    assert "a correct run" not in chart
    assert "▒ raised" in chart and "░ cancelled" in chart and "still running" in chart.splitlines()[-1]


def test_text_chart_legend_lists_only_what_is_drawn():
    chart = text_chart({"observed": [bar("a", 0, 1)]})
    assert chart.splitlines()[-1].strip() == "█ returned"


def test_text_chart_of_no_calls_says_so():
    chart = text_chart({"observed": [], "expected": [bar("a", 0, 0.5)]})
    assert "(no calls)" in chart


def test_a_zero_length_call_is_still_visible():
    chart = text_chart({"observed": [bar("now", 0.2, 0.2, "cancelled"), bar("long", 0, 2)]})
    assert "░" in rows(chart, "now")[0]


def test_text_chart_width_is_the_bar_area():
    narrow, wide = text_chart(SEQUENTIAL, width=20), text_chart(SEQUENTIAL, width=80)
    assert columns(rows(wide, "a")[1])[1] > columns(rows(narrow, "a")[1])[1]
    with pytest.raises(ValueError, match="at least 10 columns"):
        text_chart(SEQUENTIAL, width=5)


# -- SVG ----------------------------------------------------------------------------------------

def test_svg_chart_is_one_self_contained_svg_element():
    svg = svg_chart(SEQUENTIAL)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    every = list(root.iter())
    assert not [e for e in every if e.tag in (f"{SVG}script", f"{SVG}image", f"{SVG}a", f"{SVG}foreignObject",
                                               f"{SVG}use", f"{SVG}style")]
    assert not [e for e in every for key in e.attrib if "href" in key or key.startswith("on")]
    assert "url(" not in svg and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_svg_chart_draws_one_bar_per_call_positioned_on_a_shared_axis():
    root = ET.fromstring(svg_chart(SEQUENTIAL))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 6
    x = [float(r.get("x")) for r in bars]
    width = [float(r.get("width")) for r in bars]
    assert x[0] < x[1] < x[2]  # yours: one after another
    assert x[3] == x[4] == x[5] == x[0]  # a correct run: together
    assert width[3] == pytest.approx(3 * width[4])
    assert bars[1].find(f"{SVG}title").text == "b: 0.300–0.400 s, returned"


def test_svg_chart_escapes_everything_from_the_report():
    hostile = {"title": "<script>alert(1)</script>", "observed": [bar('"/><script>x()</script>', 0, 1, "error")]}
    svg = svg_chart(hostile)
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}script")) and "<script" not in svg
    assert "&lt;script&gt;" in svg


def test_svg_chart_colours_differ_by_outcome():
    root = ET.fromstring(svg_chart({"observed": [bar(o, 0, None if o == "running" else 1, o)
                                                 for o in ("ok", "error", "cancelled", "running")]}))
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(set(fills)) == 4


# -- from a check to the reports ----------------------------------------------------------------

def test_a_failed_concurrency_check_carries_its_timeline_into_the_reports(tmp_path, grade_cli):
    """ex03 graded with a sequential fetch_all: the JSON report and the text report show the timeline."""
    shutil.copy(EX03 / "variants" / "sequential.py", tmp_path / "ex03_fetch_all.py")
    report = grade_cli("grade", str(tmp_path), "--exercise", "ex03", "--format", "json").json()
    tests = {t["id"]: t for t in report["exercises"][0]["tests"]}
    public = tests["test_elapsed_is_the_slowest_fetch"]["timeline"]
    starts = [b["start"] for b in public["observed"]]
    assert [b["label"] for b in public["observed"]] == ["a", "b", "c"] and starts == sorted(starts) and starts[-1] > 0
    assert {b["start"] for b in public["expected"]} == {0.0}
    hidden = tests["test_all_fetches_in_flight"]["timeline"]
    assert [b["label"] for b in hidden["observed"]] == [f"call {i}" for i in range(1, 13)]  # neutral: no url
    assert all(b["outcome"] == "ok" for b in hidden["observed"])
    assert "timeline" not in tests["test_results_in_order"]  # passed: nothing to show

    text = grade_cli("grade", str(tmp_path), "--exercise", "ex03").stdout
    under = text.split("elapsed ≈ the slowest fetch (0/3, public)", 1)[1]
    assert "your run" in under and "a correct run" in under and "0.300–0.400" in under



# -- building a timeline in a check (gradekit.grading.timelines) --------------------------------

def test_calls_timeline_turns_the_worlds_records_into_bars():
    calls = [{"key": "a", "started": 0.0, "ended": 0.3, "outcome": "returned"},
             {"key": ["not", "hashable"], "started": 0.1, "ended": 0.2, "outcome": "raised"},
             {"key": "c", "started": 0.1, "ended": 0.4, "outcome": "raised ConnectionError"},
             {"key": "d", "started": 0.2, "ended": 0.5, "outcome": "cancelled"},
             {"key": "e", "started": 0.3, "ended": None, "outcome": "running"}]
    data = calls_timeline(calls, "fetches", label={"a": "url 1"}, function=tl_bar("fetch_all()", 0.0, 0.5))
    assert [b["label"] for b in data["observed"]] == ["fetch_all()", "url 1", "call 2", "call 3", "call 4", "call 5"]
    assert [b["outcome"] for b in data["observed"]] == ["ok", "ok", "error", "error", "cancelled", "running"]
    assert "expected" not in data and timeline_data(data)["observed"] == data["observed"]
    assert [b["label"] for b in calls_timeline(calls, "t")["observed"]] == [f"call {i}" for i in range(1, 6)]


def test_a_correct_runs_shapes():
    assert [(b["start"], b["end"]) for b in concurrent_shape({"a": 0.3, "b": 0.1})] == [(0.0, 0.3), (0.0, 0.1)]
    assert [(b["start"], b["end"]) for b in sequential_shape([("a", 0.3), ("b", 0.1)])] == [(0.0, 0.3), (0.3, 0.4)]
    limited = limited_shape({f"u{i}": 1.0 for i in range(7)}, 3)
    assert [b["start"] for b in limited] == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0]
    unequal = limited_shape([("a", 0.5), ("b", 0.1), ("c", 0.2), ("d", 0.4)], 2)
    assert [(b["label"], b["start"]) for b in unequal] == [("a", 0.0), ("b", 0.0), ("c", 0.1), ("d", 0.3)]
    with pytest.raises(ValueError, match="at least 1"):
        limited_shape({"a": 1.0}, 0)


def test_a_shape_stopped_by_a_failure():
    shape = limited_shape([("job0", 0.3), ("job1", 0.3), ("job2", 0.1), ("job3", 0.3), ("job4", 0.3)], 2)
    stopped = stopped_shape(shape, 0.4, failed="job2")
    assert [(b["label"], b["start"], b["end"], b["outcome"]) for b in stopped] == [
        ("job0", 0.0, 0.3, "ok"), ("job1", 0.0, 0.3, "ok"), ("job2", 0.3, 0.4, "error"),
        ("job3", 0.3, 0.4, "cancelled")]  # job4 would have started at 0.4: it never does


def test_durations_are_the_students_own():
    calls = [{"key": "x", "started": 0.5, "ended": 1.25, "outcome": "returned"},
             {"key": "y", "started": 0.5, "ended": None, "outcome": "running"}]
    assert durations(calls) == [("call 1", 0.75)]
    assert durations(calls, str) == [("x", 0.75)]


def test_the_text_report_draws_a_timeline_once_under_the_checks_that_share_it():
    from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport
    from gradekit.report.text import render_text

    def failed(name, feedback):
        return CheckResult(id=name, name=name, score=0, max_score=1, status="failed", visibility="public",
                           feedback=feedback, timeline=SEQUENTIAL)

    report = SubmissionReport(submission="s", exercises=[ExerciseResult(id="ex03_fetch_all", status="graded", tests=[
        failed("first", "elapsed: expected 0.3 s, observed 0.6 s."), failed("second", "peak: expected 3, observed 1.")])])
    text = render_text(report)
    assert text.count("a correct run") == 1 and text.count("(timeline as above)") == 1
    assert text.index("elapsed: expected") < text.index("your run") < text.index("second") < text.index("as above")
