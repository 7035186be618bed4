"""The graders as plain pytest: ``pytest graders/<id> --submission FOLDER`` through the ``gradekit`` entry point.

The entry point registers the very plugin ``grade.py`` runs (gradekit/grading/plugin.py),
so both paths must give the same verdicts for the same submission; pytest's own options
(-k, -x, --lf, pytest-json-report's --json-report) work; without ``--submission`` the
plugin leaves other pytest runs alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from gradekit.grading.runner import grade_submission
from tests.conftest import ROOT

EXERCISE = "ex03_fetch_all"
CHECKS = [f"graders/{EXERCISE}", f"exercises/{EXERCISE}/checks"]


def pytest_run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """``python -m pytest ARGS`` as an instructor types it (plugins autoloaded, the kit's pyproject as ini)."""
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def json_report(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path / "session.json"
    proc = pytest_run(*args, "--json-report", f"--json-report-file={out}", "-p", "no:cacheprovider")
    return proc, json.loads(out.read_text(encoding="utf-8"))


def verdicts(data: dict) -> dict[str, str]:
    """check id -> pytest outcome, from pytest-json-report's tests."""
    return {test["nodeid"].rsplit("::", 1)[1]: test["outcome"] for test in data["tests"]}


@pytest.fixture
def variant(tmp_path, kit) -> Path:
    """A submission of the sequential ex03 variant: loses the two timing checks, passes the rest."""
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / f"{EXERCISE}.py").write_bytes((kit.root / f"exercises/{EXERCISE}/variants/sequential.py").read_bytes())
    return folder


def test_the_plugin_is_a_pytest_entry_point():
    found = [e for e in entry_points(group="pytest11") if e.name == "gradekit"]
    assert [e.value for e in found] == ["gradekit.grading.pytest_entry"]
    assert "gradekit.grading.pytest_entry" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    help_text = pytest_run("--help").stdout
    assert "--submission=FOLDER" in help_text and "--json-report" in help_text


def test_pytest_and_grade_py_give_the_same_verdicts(tmp_path, variant, kit):
    proc, data = json_report(tmp_path, *CHECKS, "--submission", str(variant))
    assert proc.returncode == 1, proc.stdout[-3000:]  # some checks failed
    report = grade_submission(kit, variant, exercises=[EXERCISE])
    (exercise,) = report.exercises
    expected = {t.id: "passed" if t.status == "passed" else "failed" for t in exercise.tests}
    assert verdicts(data) == expected
    assert sorted(t for t, v in expected.items() if v == "failed") == [
        "test_all_fetches_in_flight", "test_elapsed_is_the_slowest_fetch"]
    (graded,) = data["gradekit"]["exercises"]
    assert (graded["id"], graded["score"], graded["max_score"]) == (EXERCISE, exercise.score, exercise.max_score)
    by_id = {t["id"]: t for t in graded["tests"]}
    for check in exercise.tests:  # the same names, points, visibility and feedback too
        assert {k: by_id[check.id][k] for k in ("name", "score", "max_score", "status", "visibility", "feedback")} \
            == {k: v for k, v in check.to_dict().items() if k in ("name", "score", "max_score", "status",
                                                                  "visibility", "feedback")}
    assert "gradekit: points of the checks that ran" in proc.stdout
    assert f"{EXERCISE}               5/10" in proc.stdout


def test_k_selects_checks_and_x_stops_at_the_first_failure(tmp_path, kit):
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / f"{EXERCISE}.py").write_bytes(kit.stub(EXERCISE).read_bytes())
    _, data = json_report(tmp_path, *CHECKS, "--submission", str(stub), "-k", "order")
    assert verdicts(data) == {"test_results_in_order": "failed"}
    _, data = json_report(tmp_path, *CHECKS, "--submission", str(stub), "-x")
    assert list(verdicts(data).values()) == ["failed"], "-x stops after the first failed check"


def test_lf_runs_only_what_failed_last_time(tmp_path, variant):
    cache = ["-o", f"cache_dir={tmp_path / 'cache'}"]
    first = pytest_run(*CHECKS, "--submission", str(variant), *cache, "-q")
    assert "2 failed, 2 passed" in first.stdout, first.stdout[-2000:]
    again = pytest_run(*CHECKS, "--submission", str(variant), *cache, "--lf", "-q")
    assert "2 failed" in again.stdout and "passed" not in again.stdout.splitlines()[-1], again.stdout[-2000:]


def test_without_submission_the_plugin_is_inert(tmp_path):
    project = tmp_path / "elsewhere"
    project.mkdir()
    # A project of its own with a fixture named `run`, as the graders' fixture is: untouched.
    (project / "conftest.py").write_text("import pytest\n\n@pytest.fixture\ndef run():\n    return 42\n")
    (project / "test_mine.py").write_text("def test_uses_its_own_run(run):\n    assert run == 42\n\n"
                                          "def test_plain():\n    assert True\n")
    proc = pytest_run("-q", "-p", "no:cacheprovider", str(project), cwd=project)
    assert proc.returncode == 0 and "2 passed" in proc.stdout, proc.stdout + proc.stderr
    proc = pytest_run(f"graders/{EXERCISE}", "-q", "-rs", "-p", "no:cacheprovider")
    assert proc.returncode == 0 and "2 skipped" in proc.stdout, proc.stdout
    assert "--submission path/to/alice" in proc.stdout, "a grader's check says how to run it"


def test_a_bad_submission_is_a_usage_error_not_a_traceback(tmp_path):
    proc = pytest_run(*CHECKS, "--submission", str(tmp_path / "nobody"), "-p", "no:cacheprovider")
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR
    assert "gradekit:" in proc.stderr and "nobody" in proc.stderr and "Traceback" not in proc.stderr


def test_the_plugin_can_be_turned_off(tmp_path, variant):
    proc = pytest_run(*CHECKS, "--submission", str(variant), "-p", "no:gradekit", "-p", "no:cacheprovider")
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR and "--submission" in proc.stderr
