"""Reports: written atomically by the trusted process, never stale; isolation named; clean failures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

import gradekit.sandbox
from gradekit import cli
from gradekit.grading import runner
from gradekit.report.files import remove_stale, write_atomic
from tests.conftest import ROOT, assert_valid_report, run_grade

EXERCISE = "ex01_hello_loop"


# -- atomic writes --------------------------------------------------------------
def test_write_atomic_replaces_the_file_whole_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    write_atomic(target, '{"score": 1}\n')
    assert target.read_text() == '{"score": 1}\n'
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "half a report \udcff")  # cannot be encoded: fails mid-write
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(OSError):
        write_atomic(folder, "{}")  # the rename fails
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder", "report.json"]


def test_remove_stale_tolerates_a_missing_file(tmp_path):
    remove_stale(tmp_path / "nothing.json")
    (tmp_path / "old.json").write_text("{}")
    remove_stale(tmp_path / "old.json")
    assert list(tmp_path.iterdir()) == []


def test_a_run_that_cannot_grade_leaves_no_earlier_report(tmp_path):
    out = tmp_path / "report.json"
    out.write_text('{"score": 180}')
    result = run_grade("grade", str(tmp_path / "no-such-folder"), "--output", str(out))
    assert result.code == 1
    assert not out.exists()


def test_a_grader_killed_by_a_signal_leaves_no_report(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    out = reports / "alice.json"
    out.write_text('{"score": 180, "stale": true}')
    proc = subprocess.Popen([sys.executable, str(ROOT / "grade.py"), "grade", "student_template", "--output", str(out)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while out.exists():  # the stale report goes first, as grading starts
            assert proc.poll() is None, "the grader ended without removing the stale report"
            assert time.monotonic() < deadline, "the grader never started"
            time.sleep(0.01)
        time.sleep(0.3)
        assert proc.poll() is None, "grading finished before it could be killed; grade more exercises"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert list(reports.iterdir()) == [], "no report, not even a temporary one"


def test_a_completed_run_leaves_exactly_its_report(tmp_path):
    out = tmp_path / "report.json"
    out.write_text("stale")
    result = run_grade("grade", "student_template", "--exercise", EXERCISE, "--output", str(out))
    assert result.code == 0, result.stderr
    assert assert_valid_report(json.loads(out.read_text()))["exercises"][0]["id"] == EXERCISE
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


# -- isolation --------------------------------------------------------------------
class _Reporting:
    """The machine's real sandbox, reporting another isolation name (grading still works)."""

    def __init__(self, sandbox, isolation: str) -> None:
        self._sandbox = sandbox
        self.isolation = isolation

    def __getattr__(self, name: str):
        return getattr(self._sandbox, name)


@pytest.fixture
def namespaces_available(monkeypatch):
    real = runner.choose_sandbox

    def choose(limits=None, **options):
        return _Reporting(real(limits), "namespaces")

    monkeypatch.setattr(runner, "choose_sandbox", choose)


@pytest.fixture
def namespaces_unavailable(monkeypatch):
    """The real choose_sandbox on a machine without bubblewrap (its detection says so)."""
    monkeypatch.setattr(gradekit.sandbox, "namespaces_unavailable", lambda: "bwrap was not found on PATH")


def _grade_in_process(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        cli.main(ROOT, ["grade", "student_template", "--exercise", EXERCISE, *args])
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def test_require_isolation_refuses_to_grade_without_namespaces(namespaces_unavailable, capsys, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("stale")
    code, stdout, stderr = _grade_in_process(capsys, "--require-isolation", "--output", str(out))
    assert code == 1
    assert stderr.startswith("Error: ") and "bubblewrap" in stderr and "Traceback" not in stderr
    assert stdout == ""
    assert not out.exists()


def test_without_namespaces_grading_runs_with_process_isolation_and_says_so(namespaces_unavailable, capsys, tmp_path):
    out = tmp_path / "report.json"
    code, stdout, _ = _grade_in_process(capsys, "--output", str(out))
    assert code == 0
    assert "Isolation: process only — install bubblewrap for full isolation" in stdout
    assert assert_valid_report(json.loads(out.read_text()))["environment"]["isolation"] == "process"


def test_require_isolation_grades_when_namespaces_are_available(namespaces_available, capsys, tmp_path):
    out = tmp_path / "report.json"
    code, stdout, _ = _grade_in_process(capsys, "--require-isolation", "--output", str(out))
    assert code == 0
    assert "Isolation: namespaces (bubblewrap)" in stdout
    assert assert_valid_report(json.loads(out.read_text()))["environment"]["isolation"] == "namespaces"


def test_the_json_report_names_the_isolation_applied(tmp_path):
    result = run_grade("grade", "student_template", "--exercise", EXERCISE, "--format", "json",
                       "--output", str(tmp_path / "r.json"))
    assert result.json()["environment"]["isolation"] in ("namespaces", "process")


# -- missing dependencies ----------------------------------------------------------
def test_a_missing_dependency_is_one_line_that_says_pip_install(tmp_path):
    (tmp_path / "pytest_timeout.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pytest_timeout'\", name='pytest_timeout')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(ROOT / "grade.py"), "grade", "student_template", "--exercise", EXERCISE,
                           "--output", str(tmp_path / "r.json")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "pytest_timeout" in proc.stderr and "pip install" in proc.stderr
    assert not (tmp_path / "r.json").exists()


def test_the_text_report_shows_the_reports_warnings():
    """A batch graded with --allow-weak-isolation says so in every report, the readable one too."""
    import click

    from gradekit.report.model import SubmissionReport
    from gradekit.report.text import render_text

    report = SubmissionReport("alice", [], warnings=["graded without Linux namespaces (--allow-weak-isolation)"])
    text = click.unstyle(render_text(report))
    assert "Warning: graded without Linux namespaces (--allow-weak-isolation)" in text
