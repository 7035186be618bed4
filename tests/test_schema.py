"""The JSON report's schema (gradekit/report/schema/report.schema.json) against what the kit produces.

Every other test that produces a report validates it too (``tests/conftest.py``:
``CliResult.json()`` and ``assert_valid_report``); these tests check the schema itself:
it is a valid JSON Schema 2020-12, it accepts every key ``SubmissionReport.to_dict``
can produce, and it rejects what a report never holds.
"""

from __future__ import annotations

import copy
import json
from importlib.resources import files

import jsonschema
import pytest

from gradekit.report.model import CheckResult, ExerciseResult, Ignored, SubmissionReport
from gradekit.report.schema import report_schema
from tests.conftest import ROOT, assert_valid_report, reference_source, run_grade

TIMELINE = {"title": "fetch(url) calls on the check's clock", "unit": "s",
            "observed": [{"label": "a", "start": 0.0, "end": 0.3, "outcome": "ok"},
                         {"label": "b", "start": 0.3, "end": None, "outcome": "running"}],
            "expected": [{"label": "a", "start": 0.0, "end": 0.3, "outcome": "ok"},
                         {"label": "b", "start": 0.0, "end": 0.1, "outcome": "cancelled"}]}


def full_report() -> SubmissionReport:
    """A report using every optional part of to_dict: timeline, flags, feedback, ignored, warnings."""
    failed = CheckResult("test_concurrent", "fetches run at once", 0.0, 3.0, "failed", "hidden",
                         "elapsed ≈ 0.3 s: observed 0.6 s", timeline=TIMELINE)
    return SubmissionReport(
        submission="submissions/alice",
        exercises=[
            ExerciseResult("ex03_fetch_all", "graded", [
                CheckResult("test_order", "results keep the order of urls", 2.0, 2.0, "passed", "public"),
                failed,
                CheckResult("test_errors", "errors propagate", 0.0, 2.5, "timeout", "public", "took too long"),
                CheckResult("test_grader", "the grader ran", 0.0, 2.5, "error", "hidden", "internal error"),
            ], flag_reason="sent a message the kit's driver never sends"),
            ExerciseResult("ex01_hello_loop", "missing", [
                CheckResult("test_hello", "prints Hello", 0.0, 10.0, "failed", "public", "missing")],
                feedback="ex01_hello_loop.py was not found in the submission folder."),
            ExerciseResult("ex02_gather_counts", "error", [], feedback="SyntaxError at line 3"),
        ],
        duration_s=1.25, isolation="namespaces", ignored=[Ignored("notes.txt", "not an exercise module")],
        warnings=["graded with --allow-weak-isolation: student code ran without Linux namespaces"],
    )


def errors(report: dict) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(report_schema()).iter_errors(report)]


def test_the_schema_is_valid_json_schema_2020_12():
    schema = report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_schema_ships_inside_the_package():
    packaged = files("gradekit.report.schema").joinpath("report.schema.json")
    assert json.loads(packaged.read_text(encoding="utf-8")) == report_schema()
    assert "report/schema/*.json" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_every_key_to_dict_can_produce_is_in_the_schema():
    report = full_report().to_dict()
    assert_valid_report(report)
    check = report["exercises"][0]["tests"][1]
    assert check["timeline"]["observed"][1]["end"] is None  # the optional parts really are there
    assert report["exercises"][0]["flagged"] is True and report["warnings"] and report["ignored"]
    properties = report_schema()["properties"]
    assert set(report) == set(properties), "to_dict and the schema's top-level keys differ"


@pytest.mark.parametrize("damage, why", [
    (lambda r: r.pop("environment"), "a required key missing"),
    (lambda r: r.pop("warnings"), "warnings are always serialised"),
    (lambda r: r.update(scroe=1), "an unknown (misspelt) key"),
    (lambda r: r.update(schema_version=2), "another schema version"),
    (lambda r: r["exercises"][0].update(status="partial"), "an exercise status outside the contract"),
    (lambda r: r["exercises"][0]["tests"][0].update(status="skipped"), "a check status outside the contract"),
    (lambda r: r["exercises"][0]["tests"][0].update(visibility="secret"), "an unknown visibility"),
    (lambda r: r["exercises"][0]["tests"][0].update(score=-1), "a negative score"),
    (lambda r: r["exercises"][0]["tests"][0].update(feedback="x" * 1501), "feedback past its cap"),
    (lambda r: r["exercises"][0].pop("flag_reason"), "flagged without a reason"),
    (lambda r: r["exercises"][0]["tests"][1]["timeline"]["observed"][0].update(end=None),
     "a call that ended, without an end"),
    (lambda r: r["exercises"][0]["tests"][1]["timeline"]["observed"][1].update(end=1.0),
     "a running call with an end"),
    (lambda r: r["exercises"][0]["tests"][1]["timeline"]["observed"][0].update(outcome="done"),
     "an unknown call outcome"),
    (lambda r: r["environment"].update(isolation="docker"), "an isolation the kit never applies"),
])
def test_the_schema_rejects_what_a_report_never_holds(damage, why):
    report = full_report().to_dict()
    broken = copy.deepcopy(report)
    damage(broken)
    assert errors(broken), f"the schema accepted {why}"


def test_the_sums_are_checked_beyond_the_schema():
    report = full_report().to_dict()
    report["score"] += 1
    with pytest.raises(AssertionError, match="sum"):
        assert_valid_report(report)
    report = full_report().to_dict()
    report["exercises"][0]["tests"][0]["score"] = 5.0
    with pytest.raises(AssertionError, match="above max_score"):
        assert_valid_report(report)


def test_a_real_grading_validates(tmp_path, kit):
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "ex01_hello_loop.py").write_text(reference_source(kit, "ex01_hello_loop"), encoding="utf-8")
    (folder / "ex02_gather_counts.py").write_text("def count_all(:\n", encoding="utf-8")  # does not import
    (folder / "stray.txt").write_text("not graded", encoding="utf-8")
    out = tmp_path / "r.json"
    result = run_grade("grade", str(folder), "--exercise", "ex01", "--exercise", "ex02", "--exercise", "ex03",
                       "--format", "json", "--output", str(out))
    assert result.code == 0, result.stderr
    report = result.json()  # validated against the schema on the way
    assert {e["id"]: e["status"] for e in report["exercises"]} == {
        "ex01_hello_loop": "graded", "ex02_gather_counts": "error", "ex03_fetch_all": "missing"}
    assert assert_valid_report(json.loads(out.read_text(encoding="utf-8"))) == report
