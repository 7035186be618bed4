"""The output formats, each validated against its own published spec (tests/specs/), and the Gradescope bundle.

- gradescope: Gradescope's results.json (tests/specs/gradescope-results.schema.json);
- prairielearn: PrairieLearn's external-grader results.json (…/prairielearn-results.schema.json);
- junit: JUnit XML, valid against the Jenkins xUnit plugin's junit-10.xsd;
- github: workflow commands escaped per GitHub's rules, a Markdown job summary;
- gradescope-bundle: the autograder zip, run end to end in a temporary /autograder.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from gradekit.grading.runner import grade_submission
from gradekit.report.formats import RENDERERS
from gradekit.report.github import MAX_ANNOTATIONS, annotations, step_summary
from gradekit.report.gradescope import gradescope_results, render_gradescope
from gradekit.report.junit import render_junit
from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport
from gradekit.report.prairielearn import prairielearn_results, render_prairielearn
from tests.conftest import ROOT, run_grade
from tests.test_schema import full_report

SPECS = Path(__file__).parent / "specs"
GRADESCOPE = jsonschema.Draft202012Validator(json.loads((SPECS / "gradescope-results.schema.json").read_text()))
PRAIRIELEARN = jsonschema.Draft202012Validator(json.loads((SPECS / "prairielearn-results.schema.json").read_text()))
JUNIT = xmlschema.XMLSchema(SPECS / "junit-10.xsd")
EXERCISES = ["ex01_hello_loop", "ex02_gather_counts", "ex03_fetch_all", "ex04_task_errors"]
HOSTILE = ("%0A::error::forged\n::warning title=x::y %25 <img src=x onerror=alert(1)> [click](http://evil.example) "
           "| cell | `code` **bold** \uffff\ufffe end")


def assert_gradescope(data: dict) -> dict:
    problems = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in GRADESCOPE.iter_errors(data)]
    assert not problems, problems
    return data


def assert_prairielearn(text: str) -> dict:
    assert len(text.encode()) < 1 << 20, "PrairieLearn takes results.json up to 1 MB"
    data = json.loads(text)
    problems = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in PRAIRIELEARN.iter_errors(data)]
    assert not problems, problems
    return data


def assert_junit(text: str) -> ET.Element:
    JUNIT.validate(text)  # raises with the reason when invalid
    return ET.fromstring(text.encode())


@pytest.fixture(scope="module")
def graded(kit, tmp_path_factory) -> SubmissionReport:
    """A real grading: ex01 correct, ex02 does not import, ex03 sequential (loses 5), ex04 missing."""
    folder = tmp_path_factory.mktemp("formats") / "alice"
    folder.mkdir()
    (folder / "ex01_hello_loop.py").write_bytes(kit.reference("ex01_hello_loop").read_bytes())
    (folder / "ex02_gather_counts.py").write_text("async def count_all(:\n", encoding="utf-8")
    (folder / "ex03_fetch_all.py").write_bytes(
        (kit.root / "exercises/ex03_fetch_all/variants/sequential.py").read_bytes())
    return grade_submission(kit, folder, exercises=EXERCISES)


def hostile_report() -> SubmissionReport:
    """Every text a student can influence carries escapes, workflow commands, HTML, Markdown, non-XML characters."""
    report = full_report()
    for exercise in report.exercises:
        exercise.feedback = exercise.feedback and HOSTILE
        for check in exercise.tests:
            check.name = f"{check.name}: a, b"
            if check.status != "passed":
                check.feedback = HOSTILE
    report.submission = "alice,: %0A"
    return report


def many_failures(count: int) -> SubmissionReport:
    checks = [CheckResult(f"test_{i}", f"check {i}", 0.0, 1.0, "failed", "public", f"reason {i}") for i in range(count)]
    return SubmissionReport("bob", [ExerciseResult("ex03_fetch_all", "graded", checks)])


def test_every_format_is_a_choice_of_the_command_line():
    assert {"text", "json", "gradescope", "prairielearn", "junit", "github"} <= set(RENDERERS)
    help_text = run_grade("grade", "--help").stdout
    for name in RENDERERS:
        assert name in help_text


# -- gradescope -----------------------------------------------------------------------------
def test_gradescope_results_follow_the_spec_and_the_report(graded):
    data = assert_gradescope(json.loads(render_gradescope(graded)))
    checks = [(e, c) for e in graded.exercises for c in e.tests]
    assert data["score"] == graded.score and len(data["tests"]) == len(checks)
    assert data["execution_time"] >= graded.duration_s
    for test, (exercise, check) in zip(data["tests"], checks):
        assert test["name"] == f"{exercise.id}: {check.name}"
        assert (test["score"], test["max_score"]) == (check.score, check.max_score)
        assert test["status"] == ("passed" if check.status == "passed" else "failed")
        assert test["visibility"] == "visible"
        assert check.feedback in test["output"]
    assert sum(t["score"] for t in data["tests"]) == data["score"]
    timed = [t for t in data["tests"] if "a correct run" in t["output"]]
    assert timed, "a failed check's timeline is drawn in its output"
    assert all(f in data and data[f] == "text" for f in ("output_format", "test_output_format", "test_name_format"))


def test_gradescope_hidden_checks_can_be_held_back(graded):
    data = assert_gradescope(gradescope_results(graded, hidden_visibility="after_due_date"))
    by_visibility = {(t["tags"][1], t["visibility"]) for t in data["tests"]}
    assert by_visibility == {("public", "visible"), ("hidden", "after_due_date")}
    with pytest.raises(ValueError, match="after_due_date"):
        gradescope_results(graded, hidden_visibility="later")


def test_gradescope_keeps_review_data_for_instructors():
    data = assert_gradescope(gradescope_results(hostile_report()))
    assert data["extra_data"]["flagged"] is True and "never sends" in data["extra_data"]["flag_reason"]
    assert data["extra_data"]["warnings"] and data["extra_data"]["ignored"]


# -- prairielearn ---------------------------------------------------------------------------
def test_prairielearn_results_follow_the_spec_and_the_report(graded):
    data = assert_prairielearn(render_prairielearn(graded))
    assert data["gradable"] is True
    assert data["score"] == pytest.approx(graded.score / graded.max_score, abs=1e-4) and 0 < data["score"] < 1
    checks = [c for e in graded.exercises for c in e.tests]
    assert [(t["points"], t["max_points"]) for t in data["tests"]] == [(c.score, c.max_score) for c in checks]
    failed = [t for t, c in zip(data["tests"], checks) if c.status != "passed"]
    assert failed and all(t["message"] for t in failed)


def test_prairielearn_a_submission_with_nothing_gradable_costs_no_attempt(kit, tmp_path):
    folder = tmp_path / "carol"
    folder.mkdir()
    (folder / "ex01_hello_loop.py").write_text("def main(:\n", encoding="utf-8")
    report = grade_submission(kit, folder, exercises=["ex01_hello_loop", "ex02_gather_counts"])
    data = assert_prairielearn(render_prairielearn(report))
    assert data["gradable"] is False and data["score"] == 0
    assert len(data["format_errors"]) == 2 and any("ex02_gather_counts.py" in e for e in data["format_errors"])


def test_prairielearn_score_is_a_fraction_even_when_there_is_nothing_to_score():
    data = prairielearn_results(SubmissionReport("empty", []))
    assert data["score"] == 0.0 and data["gradable"] is False
    assert_prairielearn(json.dumps(data))


# -- junit ----------------------------------------------------------------------------------
def test_junit_is_valid_against_the_jenkins_schema_and_counts_right(graded):
    root = assert_junit(render_junit(graded))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == EXERCISES
    for suite, exercise in zip(suites, graded.exercises):
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [t.name for t in exercise.tests]
        lost = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
        assert len(lost) == len(exercise.failed)
        assert int(suite.get("failures")) + int(suite.get("errors")) == len(exercise.failed)
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props["score"] == f"{exercise.score:g}" and props["status"] == exercise.status
    assert int(root.get("tests")) == sum(len(e.tests) for e in graded.exercises)
    missing = suites[EXERCISES.index("ex04_task_errors")]
    assert "ex04_task_errors.py" in missing.find("system-out").text


def test_junit_stays_valid_xml_whatever_the_feedback_holds():
    report = hostile_report()
    root = assert_junit(render_junit(report))
    outcomes = {o.get("type") for case in root.iter("testcase") for o in case}
    assert outcomes == {"failed", "timeout", "error"}
    failure = next(root.iter("failure"))
    assert failure.get("message").startswith("0/3 points: ") and "<img" in failure.text  # escaped, kept as text
    assert "\uffff" not in render_junit(report)


# -- github ---------------------------------------------------------------------------------
def unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_github_annotations_escape_everything_per_the_workflow_command_rules():
    report = hostile_report()
    lines = annotations(report)
    assert lines == render_github_lines(report)
    command = re.compile(r"^::(error|notice) title=([^:,]*)::(.*)$")
    parsed = [command.match(line) for line in lines]
    assert all(parsed), "every line is exactly one workflow command"
    errors = [m for m in parsed if m.group(1) == "error"]
    assert len(errors) == len(report.exercises[0].failed) + 3  # + the flag, the missing and the broken exercise
    titles = [unescape(m.group(2)) for m in errors]
    assert "ex03_fetch_all: fetches run at once: a, b (0/3)" in titles  # ':' and ',' round-trip in a property
    messages = [unescape(m.group(3)) for m in errors]
    assert HOSTILE.replace("\ufffe", "").replace("\uffff", "") in {m.replace("\ufffe", "").replace("\uffff", "")
                                                                   for m in messages}
    assert parsed[-1].group(1) == "notice" and unescape(parsed[-1].group(3)) == "Total: 2/20"


def render_github_lines(report: SubmissionReport) -> list[str]:
    return RENDERERS["github"](report).split("\n")


def test_github_keeps_to_the_ten_annotations_a_step_shows():
    lines = annotations(many_failures(25))
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == MAX_ANNOTATIONS
    assert "16 more failed checks" in errors[-1]
    assert len([line for line in annotations(many_failures(MAX_ANNOTATIONS)) if line.startswith("::error")]) == 10


def test_github_summary_is_inert_markdown():
    summary = step_summary(hostile_report())
    assert summary.startswith("## asyncio-gradekit: 2/20")
    assert "<img" not in summary and "](http" not in summary and "**bold**" not in summary
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in summary and "\\[click\\]\\(http://evil\\.example\\)" in summary
    table = [line for line in summary.splitlines() if line.startswith("| ex0")]
    assert len(table) == 3 and all(line.count("|") - line.count("\\|") == 4 for line in table)
    assert "Flagged for review" in summary and "Warning: graded with --allow-weak-isolation" in summary.replace("\\", "")


def test_github_format_end_to_end_with_step_summary_and_fail_under(tmp_path, kit):
    folder = tmp_path / "dave"
    folder.mkdir()
    (folder / "ex03_fetch_all.py").write_bytes((kit.root / "exercises/ex03_fetch_all/variants/sequential.py").read_bytes())
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    args = [sys.executable, str(ROOT / "grade.py"), "grade", str(folder), "--exercise", "ex03", "--format", "github",
            "--output", str(tmp_path / "r.json"), "--fail-under", "6"]
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "below --fail-under 6" in proc.stderr
    lines = proc.stdout.splitlines()
    assert all(line.startswith("::") for line in lines), proc.stdout
    assert [line.split(" title=")[0] for line in lines] == ["::error", "::error", "::notice"]
    assert summary.read_text(encoding="utf-8").startswith("earlier step\n## asyncio-gradekit: 5/10\n")
    proc = subprocess.run(args[:-2] + ["--fail-under", "5"], cwd=ROOT, env={**env, "GITHUB_STEP_SUMMARY": ""},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "## asyncio-gradekit: 5/10" in proc.stdout  # outside Actions the summary follows the annotations


@pytest.mark.parametrize("fmt, check", [("gradescope", lambda out: assert_gradescope(json.loads(out))),
                                         ("prairielearn", assert_prairielearn),
                                         ("junit", assert_junit)])
def test_machine_formats_print_only_their_document(tmp_path, kit, fmt, check):
    folder = tmp_path / "erin"
    folder.mkdir()
    (folder / "ex01_hello_loop.py").write_bytes(kit.reference("ex01_hello_loop").read_bytes())
    result = run_grade("grade", str(folder), "--exercise", "ex01", "--format", fmt, "--output", str(tmp_path / "r.json"))
    assert result.code == 0, result.stderr
    check(result.stdout)


# -- gradescope-bundle ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    result = run_grade("gradescope-bundle", str(out), "--exercise", "ex01", "--exercise", "ex03",
                       "--hidden-visibility", "after_due_date")
    assert result.code == 0, result.stderr
    assert "ex01_hello_loop, ex03_fetch_all" in result.stdout
    return out


def test_the_bundle_holds_what_gradescope_needs_and_nothing_that_helps_a_student(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        wheel_name = next(n for n in names if n.startswith("wheels/") and n.endswith(".whl"))
        wheel_bytes = archive.read(wheel_name)
        settings = json.loads(archive.read("gradescope.json"))
    assert {"setup.sh", "run_autograder"} <= set(names)
    assert modes["setup.sh"] & stat.S_IXUSR and modes["run_autograder"] & stat.S_IXUSR
    assert "kit/graders/ex03_fetch_all/test_ex03_fetch_all_hidden.py" in names
    assert "kit/exercises/ex03_fetch_all/checks/test_ex03_fetch_all_public.py" in names
    assert "kit/exercises/ex01_hello_loop/checks/driver.py" in names
    assert not [n for n in names if re.search(r"reference|variants/|alternatives/|stub\.py|__pycache__|\.pyc$", n)]
    assert not [n for n in names if "ex02" in n], "only the exercises asked for"
    assert settings == {"exercises": ["ex01_hello_loop", "ex03_fetch_all"], "hidden_visibility": "after_due_date",
                        "require_isolation": False}
    wheel = bundle.parent / Path(wheel_name).name
    wheel.write_bytes(wheel_bytes)
    with zipfile.ZipFile(wheel) as engine:
        inside = engine.namelist()
    assert "gradekit/report/schema/report.schema.json" in inside and "gradekit/gradescope.py" in inside
    assert not [n for n in inside if n.startswith(("exercises/", "graders/", "student_template/"))]
    assert subprocess.run(["bash", "-n", "-c", zipfile.ZipFile(bundle).read("setup.sh").decode()]).returncode == 0


def unpack(bundle: Path, autograder: Path) -> None:
    (autograder / "source").mkdir(parents=True)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(autograder / "source")
    for script in ("setup.sh", "run_autograder"):
        (autograder / "source" / script).chmod(0o755)


def run_autograder(autograder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GRADEKIT_AUTOGRADER": str(autograder), "GRADEKIT_PYTHON": sys.executable}
    return subprocess.run([str(autograder / "source" / "run_autograder")], cwd=autograder, env=env,
                          capture_output=True, text=True, timeout=300)


def test_run_autograder_grades_the_submission_into_results_json(bundle, tmp_path, kit):
    autograder = tmp_path / "autograder"
    unpack(bundle, autograder)
    nested = autograder / "submission" / "my-work"  # a zip of a folder, as students upload it
    nested.mkdir(parents=True)
    (nested / "ex01_hello_loop.py").write_bytes(kit.reference("ex01_hello_loop").read_bytes())
    (nested / "ex03_fetch_all.py").write_bytes((kit.root / "exercises/ex03_fetch_all/variants/sequential.py").read_bytes())
    proc = run_autograder(autograder)
    assert proc.returncode == 0, proc.stderr
    data = assert_gradescope(json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8")))
    direct = grade_submission(kit, nested, exercises=["ex01_hello_loop", "ex03_fetch_all"])
    assert data["score"] == direct.score == 15
    assert [(t["name"], t["status"]) for t in data["tests"]] == [
        (t["name"], t["status"]) for t in gradescope_results(direct)["tests"]]
    assert {t["visibility"] for t in data["tests"] if "hidden" in t["tags"]} == {"after_due_date"}
    assert "Total: 15/20" in proc.stdout, "the staff's log shows the summary"


def test_run_autograder_always_leaves_results_json(bundle, tmp_path):
    autograder = tmp_path / "autograder"
    unpack(bundle, autograder)
    (autograder / "submission").mkdir()
    (autograder / "submission" / "notes.txt").write_text("forgot the code", encoding="utf-8")
    proc = run_autograder(autograder)
    assert proc.returncode == 0, proc.stderr
    data = assert_gradescope(json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8")))
    assert data["score"] == 0 and all(t["status"] == "failed" for t in data["tests"])
    (autograder / "source" / "gradescope.json").unlink()  # a damaged bundle: the kit cannot grade
    proc = run_autograder(autograder)
    assert proc.returncode == 1 and "gradescope.json" in proc.stderr
    data = assert_gradescope(json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8")))
    assert data["score"] == 0 and "could not grade" in data["output"]


def test_a_bundle_that_requires_isolation_scores_nothing_without_it(bundle, tmp_path, kit, monkeypatch, capsys):
    import gradekit.sandbox
    from gradekit.gradescope import run

    autograder = tmp_path / "autograder"
    unpack(bundle, autograder)
    settings = autograder / "source" / "gradescope.json"
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "require_isolation": True}))
    (autograder / "submission").mkdir()
    (autograder / "submission" / "ex01_hello_loop.py").write_bytes(kit.reference("ex01_hello_loop").read_bytes())
    monkeypatch.setattr(gradekit.sandbox, "namespaces_unavailable", lambda: "bwrap was not found on PATH")
    assert run(autograder) == 1
    data = assert_gradescope(json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8")))
    assert data["score"] == 0 and "bubblewrap" in data["output"] and data["tests"] == []
    assert "IsolationUnavailable" in capsys.readouterr().err


def test_a_bundle_is_built_from_the_kit_only(tmp_path):
    copy = tmp_path / "student"
    (copy / "checks").mkdir(parents=True)
    (copy / "grade.py").write_text((ROOT / "grade.py").read_text())
    result = run_grade("gradescope-bundle", str(tmp_path / "x.zip"), cwd=copy, script=copy / "grade.py")
    assert result.code == 1 and "from the kit itself" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.zip").exists()
