"""The batch output folder without grading anything: shards, gradebook, summary, merge (gradekit/batch/)."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
from pathlib import Path

import pytest

from gradekit.batch import STATUSES, BatchError, Manifest, Record, Shard, merge_outputs, render_summary, summarise
from gradekit.batch.gradebook import gradebook_text
from gradekit.batch.intake import student_key
from gradekit.batch.manifest import report_path
from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport
from tests.conftest import ROOT, assert_valid_report, run_grade

EXERCISES = ["ex03_fetch_all", "ex04_task_errors"]
CHECKS = {"ex03_fetch_all": [("results in order", 6.0), ("all at once", 4.0)],
          "ex04_task_errors": [("errors returned", 5.0), ("no warning", 5.0)]}


def report_of(student: str, failed: set[str], flag: str = "") -> dict:
    """A valid report in which the checks named in ``failed`` failed."""
    exercises = []
    for ex_id, checks in CHECKS.items():
        tests = [CheckResult(name.replace(" ", "_"), name, 0.0 if name in failed else points, points,
                             "failed" if name in failed else "passed", "public") for name, points in checks]
        exercises.append(ExerciseResult(ex_id, "graded", tests, flag_reason=flag if ex_id == "ex03_fetch_all" else ""))
    return assert_valid_report(SubmissionReport(student, exercises, isolation="namespaces").to_dict())


def write_output(out: Path, results: dict[str, dict | Record], shard: str | None = None, kit_digest: str = "k1") -> Manifest:
    """A batch output folder: each student's report (graded) or record (anything else)."""
    (out / "reports").mkdir(parents=True)
    manifest = Manifest("0.1.0", kit_digest, EXERCISES, "required", shard)
    for student, result in results.items():
        if isinstance(result, Record):
            manifest.submissions[student] = result
            continue
        (out / report_path(student)).write_text(json.dumps(result))
        manifest.submissions[student] = Record.from_report(student, result, f"d-{student}", f"{student}/")
    manifest.save(out)
    return manifest


CLASS = {
    "alice": report_of("alice", set()),
    "bob": report_of("bob", {"all at once", "no warning"}),
    "carol": report_of("carol", {"all at once"}, flag="sent a message the driver never sends"),
    "dave": Record("rejected", "dave.zip holds a path that leaves its folder", source="dave.zip"),
    "=HYPERLINK(\"x\")": report_of("=HYPERLINK(\"x\")", {"results in order"}),
    "erin": Record("timeout", "the grading took longer than 600 s", source="erin/"),
}


def test_shards_split_any_class_into_disjoint_slices_that_cover_it():
    names = [f"student{i:03}" for i in range(300)] + ["Zoë", "alice", "ALICE"]
    for count in (1, 2, 3, 7):
        slices = [{n for n in names if Shard(k, count).holds(student_key(n))} for k in range(1, count + 1)]
        assert set().union(*slices) == set(names)
        assert sum(len(s) for s in slices) == len(names)
    # One student's slice depends on their name alone, and the same student is one name however spelled.
    assert Shard(2, 3).holds(student_key("alice")) == Shard(2, 3).holds(student_key("ALICE"))


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3"])
def test_a_bad_shard_says_the_form(text):
    with pytest.raises(ValueError, match="K/N|1 <= K <= N"):
        Shard.parse(text)


def test_the_gradebook_has_a_row_per_student_with_scores_only_when_graded(tmp_path):
    manifest = write_output(tmp_path / "out", CLASS)
    rows = list(csv.reader(io.StringIO(gradebook_text(manifest, {s: r for s, r in CLASS.items()
                                                                  if isinstance(r, dict)}))))
    assert rows[0] == ["student", "total", "max_total", *EXERCISES, "status", "flagged", "flag_reason"]
    by_name = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == sorted(by_name)
    for student, result in CLASS.items():
        row = by_name["'" + student if student.startswith("=") else student]
        if isinstance(result, Record):
            assert row["status"] == result.status and row["total"] == "" and row["ex03_fetch_all"] == ""
            continue
        assert row["status"] == "graded"
        assert float(row["total"]) == result["score"] and float(row["max_total"]) == result["max_score"]
        for exercise in result["exercises"]:
            assert float(row[exercise["id"]]) == exercise["score"]
        assert row["flagged"] == ("yes" if result["flagged"] else "no")
        assert row["flag_reason"] == result["flag_reason"]


def test_a_name_a_spreadsheet_would_run_is_written_as_text(tmp_path):
    manifest = write_output(tmp_path / "out", CLASS)
    text = gradebook_text(manifest, {s: r for s, r in CLASS.items() if isinstance(r, dict)})
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=HYPERLINK(\"x\")" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]


def test_the_summary_gives_each_exercise_s_mean_and_median_and_the_most_failed_checks(tmp_path):
    manifest = write_output(tmp_path / "out", CLASS)
    graded = {s: r for s, r in CLASS.items() if isinstance(r, dict)}
    summary = summarise(manifest, graded)
    assert summary.graded == len(graded) and summary.statuses["rejected"] == 1 and summary.statuses["timeout"] == 1
    for figures in summary.exercises:
        scores = [next(e["score"] for e in r["exercises"] if e["id"] == figures.exercise_id) for r in graded.values()]
        assert figures.mean == pytest.approx(statistics.fmean(scores))
        assert figures.median == statistics.median(scores)
    failures = {}
    for report in graded.values():
        for exercise in report["exercises"]:
            for test in exercise["tests"]:
                if test["status"] != "passed":
                    failures[test["name"]] = failures.get(test["name"], 0) + 1
    assert summary.most_failed[0].name == max(failures, key=failures.get)
    assert {c.name: c.failures for c in summary.most_failed} == failures
    assert [s for s, _ in summary.flagged] == ["carol"]
    text = render_summary(summary)
    assert "all at once" in text and "carol" in text and "ex04_task_errors" in text


def split(results: dict, count: int) -> list[dict]:
    return [{s: r for s, r in results.items() if Shard(k, count).holds(student_key(s))} for k in range(1, count + 1)]


def test_merging_every_shard_gives_the_whole_class(tmp_path):
    whole = write_output(tmp_path / "whole", CLASS)
    parts = [tmp_path / f"part{k}" for k in (1, 2, 3)]
    for k, (path, results) in enumerate(zip(parts, split(CLASS, 3)), start=1):
        write_output(path, results, shard=f"{k}/3")
    merged, finished = merge_outputs(parts, tmp_path / "merged")
    assert merged.submissions == whole.submissions
    expected = gradebook_text(whole, {s: r for s, r in CLASS.items() if isinstance(r, dict)})
    assert finished.gradebook.read_text() == expected
    assert sorted(p.name for p in (tmp_path / "merged" / "reports").iterdir()) == \
        sorted(f"{s}.json" for s, r in CLASS.items() if isinstance(r, dict))
    assert Manifest.load(tmp_path / "merged").shard is None


def test_merging_into_one_of_its_inputs_works(tmp_path):
    parts = [tmp_path / f"part{k}" for k in (1, 2)]
    for k, (path, results) in enumerate(zip(parts, split(CLASS, 2)), start=1):
        write_output(path, results, shard=f"{k}/2")
    merged, _ = merge_outputs(parts, parts[0])
    assert set(merged.submissions) == set(CLASS)
    assert set(Manifest.load(parts[0]).submissions) == set(CLASS)


@pytest.mark.parametrize("case, message", [
    ("missing", "2/3 missing"),
    ("twice", "given twice"),
    ("mixed", "some inputs are shards"),
    ("counts", "split the class differently"),
    ("kits", "graded differently"),
    ("overlap", "is in both"),
    ("not an output", "no manifest.json"),
])
def test_merge_refuses_what_does_not_fit_together(tmp_path, case, message):
    one, two, three = split(CLASS, 3)
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    layouts = {
        "missing": [(a, one, "1/3"), (c, three, "3/3")],
        "twice": [(a, one, "1/3"), (b, one, "1/3"), (c, three, "3/3")],
        "mixed": [(a, one, "1/3"), (b, two, None)],
        "counts": [(a, one, "1/3"), (b, two, "2/2")],
        "kits": [(a, one, "1/2"), (b, two, "2/2", "k2")],
        "overlap": [(a, one, None), (b, one, None)],
        "not an output": [(a, one, None)],
    }
    inputs = []
    for path, results, shard, *digest in layouts[case]:
        write_output(path, results, shard, *digest)
        inputs.append(path)
    if case == "not an output":
        (tmp_path / "empty").mkdir()
        inputs.append(tmp_path / "empty")
    with pytest.raises(BatchError, match=message):
        merge_outputs(inputs, tmp_path / "merged")
    assert not (tmp_path / "merged" / "gradebook.csv").exists()


def test_merge_on_the_command_line_exits_1_with_the_reason(tmp_path):
    one, _two = split(CLASS, 2)
    write_output(tmp_path / "a", one, "1/2")
    result = run_grade("merge", str(tmp_path / "a"), "--output", str(tmp_path / "merged"))
    assert result.code == 1 and "2/2 missing" in result.stderr and "Traceback" not in result.stderr


def test_a_tampered_manifest_cannot_point_outside_its_folder(tmp_path):
    out = tmp_path / "out"
    write_output(out, {"alice": CLASS["alice"]})
    data = json.loads((out / "manifest.json").read_text())
    data["submissions"]["../../etc/passwd"] = data["submissions"].pop("alice")
    (out / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(BatchError, match="not a batch manifest"):
        Manifest.load(out)


def test_the_batch_refuses_an_output_folder_that_holds_something_else(tmp_path):
    (tmp_path / "class").mkdir()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    result = run_grade("batch", str(tmp_path / "class"), "--output", str(mine), "--allow-weak-isolation")
    assert result.code == 1 and "not a batch output" in result.stderr
    assert (mine / "thesis.tex").read_text() == "precious" and sorted(p.name for p in mine.iterdir()) == ["thesis.tex"]


def test_docs_list_exactly_the_statuses_a_submission_can_have():
    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    table = text[text.index("<!-- statuses:start"):text.index("<!-- statuses:end -->")]
    documented = re.findall(r"^\| `([a-z]+)` \|", table, flags=re.MULTILINE)
    assert sorted(documented) == sorted(STATUSES)
