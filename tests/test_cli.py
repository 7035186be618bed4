"""The command line, as students, instructors and CI use it (shared/grader-contract.md)."""

from __future__ import annotations

import json
import shutil

from tests.conftest import ROOT, assert_valid_report, run_grade


def _check_contract(report: dict) -> None:
    assert report["schema_version"] == 1
    assert set(report) >= {"submission", "score", "max_score", "exercises", "duration_s", "environment"}
    assert report["score"] <= report["max_score"]
    assert abs(report["score"] - sum(e["score"] for e in report["exercises"])) < 1e-9
    for exercise in report["exercises"]:
        assert exercise["status"] in ("graded", "missing", "error")
        assert exercise["score"] <= exercise["max_score"]
        for test in exercise["tests"]:
            assert test["status"] in ("passed", "failed", "error", "timeout")
            assert test["visibility"] in ("public", "hidden")
            assert 0 <= test["score"] <= test["max_score"]


def test_json_report_of_the_stubs_scores_zero_and_says_what_to_do(tmp_path):
    out = tmp_path / "report.json"
    result = run_grade("grade", "student_template", "--format", "json", "--output", str(out))
    assert result.code == 0, result.stderr
    report = result.json()
    _check_contract(report)
    assert json.loads(out.read_text()) == report
    assert report["score"] == 0 and report["max_score"] == 10 * len(report["exercises"])
    for exercise in report["exercises"]:
        assert exercise["status"] == "graded"
        # ex10's stub is buggy code rather than NotImplementedError; every other stub says what to do
        if exercise["id"] != "ex10_debug_mode":
            assert all("not written yet" in t["feedback"] for t in exercise["tests"]), exercise


def test_text_format_is_a_readable_table_without_colour_when_piped(tmp_path):
    result = run_grade("grade", "student_template", "--exercise", "ex03", "--output", str(tmp_path / "r.json"))
    assert result.code == 0
    assert "ex03_fetch_all" in result.stdout and "Total: 0/10" in result.stdout
    assert "\x1b[" not in result.stdout
    assert "results keep the order of urls" in result.stdout


def test_bare_command_grades_the_template_and_writes_the_default_report(tmp_path):
    result = run_grade(cwd=tmp_path)
    assert result.code == 0, result.stderr
    report = assert_valid_report(json.loads((tmp_path / "grade-report.json").read_text()))
    assert report["submission"].endswith("student_template")
    _check_contract(report)


def test_missing_folder_exits_1_with_a_message(tmp_path):
    result = run_grade("grade", str(tmp_path / "nope"), "--output", str(tmp_path / "r.json"))
    assert result.code == 1
    assert "not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_instead_of_a_folder_exits_1(tmp_path):
    target = tmp_path / "ex03_fetch_all.py"
    target.write_text("")
    result = run_grade("grade", str(target), "--output", str(tmp_path / "r.json"))
    assert result.code == 1
    assert "not a folder" in result.stderr


def test_bad_arguments_exit_1():
    assert run_grade("grade", "--no-such-option").code == 1
    assert run_grade("grade", "--format", "yaml").code == 1
    unknown = run_grade("grade", "--exercise", "ex99")
    assert unknown.code == 1 and "unknown exercise" in unknown.stderr


def test_fail_under_turns_a_low_score_into_exit_1(tmp_path, kit):
    out = str(tmp_path / "r.json")
    low = run_grade("grade", "student_template", "--exercise", "ex03", "--fail-under", "1", "--output", out)
    assert low.code == 1
    folder = tmp_path / "good"
    folder.mkdir()
    shutil.copy(kit.reference("ex03_fetch_all"), folder / "ex03_fetch_all.py")
    high = run_grade("grade", str(folder), "--exercise", "ex03", "--fail-under", "10", "--output", out)
    assert high.code == 0, high.stdout


def test_list_shows_every_exercise_with_ten_points(kit):
    result = run_grade("list")
    assert result.code == 0
    for ex_id in kit.exercise_ids():
        assert f"{ex_id} " in result.stdout
    assert result.stdout.count("(10 points)") == len(kit.exercise_ids())


def test_public_only_runs_no_hidden_check(tmp_path):
    result = run_grade("grade", "student_template", "--public-only", "--format", "json", "--output", str(tmp_path / "r.json"))
    report = result.json()
    assert report["public_only"] is True
    assert all(t["visibility"] == "public" for e in report["exercises"] for t in e["tests"])


def test_a_students_copy_grades_itself_with_its_public_checks(tmp_path):
    copy = tmp_path / "my-exercises"
    shutil.copytree(ROOT / "student_template", copy)
    result = run_grade("grade", "--format", "json", cwd=copy, script=copy / "grade.py")
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["submission"] == str(copy)
    assert report["public_only"] is True
    assert report["exercises"] and all(t["visibility"] == "public" for e in report["exercises"] for t in e["tests"])
    assert (copy / "grade-report.json").is_file()
