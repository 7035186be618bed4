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


# -- naming exercises, and totals that say what they are out of (issue 9) ----------------------

def test_an_exercise_is_named_by_its_number_in_any_form_or_by_its_id(kit):
    ex_id = kit.exercise_ids()[2]
    number = int(ex_id[2:4])
    for form in (str(number), f"{number:02d}", f"ex{number}", f"ex{number:02d}", ex_id, f"{ex_id}.py",
                 f"EX{number}"):
        assert kit.select([form]) == [ex_id], form
    assert kit.select(["1", "ex01", ex_id]) == sorted({kit.exercise_ids()[0], ex_id})


def test_the_cli_takes_the_short_forms_and_an_unknown_one_lists_the_ids(tmp_path, kit):
    result = run_grade("grade", "student_template", "--exercise", "3", "--exercise", "ex1", "--format", "json",
                       "--output", str(tmp_path / "r.json"))
    assert result.code == 0, result.stderr
    assert [e["id"] for e in result.json()["exercises"]] == kit.select(["ex01", "ex03"])
    unknown = run_grade("grade", "--exercise", "42")
    assert unknown.code == 1 and "unknown exercise '42'" in unknown.stderr
    assert all(ex_id in unknown.stderr for ex_id in kit.exercise_ids())


def test_every_exercise_is_worth_exercise_points_public_and_hidden_together(kit):
    from gradekit.grading.runner import collect_checks
    from gradekit.kit import EXERCISE_POINTS

    checks = collect_checks(kit, kit.exercise_ids())
    for ex_id in kit.exercise_ids():
        points = [c.points for c in checks if c.exercise_id == ex_id]
        public = [c.points for c in checks if c.exercise_id == ex_id and c.visibility == "public"]
        assert round(sum(points), 6) == EXERCISE_POINTS, ex_id
        assert 0 < sum(public) < EXERCISE_POINTS, ex_id  # public checks are a part, hidden ones give the rest


def _public_worth(report: dict) -> float:
    return round(sum(t["max_score"] for e in report["exercises"] for t in e["tests"] if t["visibility"] == "public"), 2)


def test_public_only_totals_say_what_each_exercise_is_worth_and_what_the_hidden_checks_give(tmp_path):
    from gradekit.kit import EXERCISE_POINTS

    out = tmp_path / "r.json"
    result = run_grade("grade", "student_template", "--exercise", "1", "--exercise", "3", "--public-only",
                       "--output", str(out))
    assert result.code == 0, result.stderr
    report = json.loads(out.read_text())
    whole, public = EXERCISE_POINTS * len(report["exercises"]), _public_worth(report)
    text = " ".join(result.stdout.split())  # the explanation is wrapped
    assert f"Total: {report['score']:g}/{report['max_score']:g} from the public checks" in text
    assert f"Each exercise is worth {EXERCISE_POINTS:g} points ({whole:g} for these 2 exercises)" in text
    assert f"worth {public:g} of them" in text and f"give the other {round(whole - public, 2):g}" in text
    for exercise in report["exercises"]:
        line = next(line for line in result.stdout.splitlines() if line.strip().startswith(exercise["id"]))
        assert f"{exercise['score']:g}/{exercise['max_score']:g}  public part of {EXERCISE_POINTS:g}" in line


def test_full_totals_split_the_points_between_public_and_hidden_checks(tmp_path):
    out = tmp_path / "r.json"
    result = run_grade("grade", "student_template", "--exercise", "1", "--exercise", "3", "--output", str(out))
    assert result.code == 0, result.stderr
    report = json.loads(out.read_text())
    public = _public_worth(report)
    each = report["exercises"][0]["max_score"]
    assert (f"Total: {report['score']:g}/{report['max_score']:g} (2 exercises, {each:g} points each: "
            f"{public:g} from public checks, {round(report['max_score'] - public, 2):g} from hidden ones)"
            in result.stdout)
    assert "public part of" not in result.stdout


def test_list_without_hidden_checks_says_what_part_of_each_exercise_they_are(kit):
    from gradekit.grading.runner import collect_checks
    from gradekit.kit import EXERCISE_POINTS

    result = run_grade("list", "--public-only")
    assert result.code == 0, result.stderr
    public = collect_checks(kit, kit.exercise_ids(), public_only=True)
    for ex_id in kit.exercise_ids():
        worth = sum(c.points for c in public if c.exercise_id == ex_id)
        assert f"{kit.title(ex_id)}  ({worth:g} of {EXERCISE_POINTS:g} points)" in result.stdout
