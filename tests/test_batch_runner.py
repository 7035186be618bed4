"""The batch's scheduling, in this process with a stand-in for the engine (gradekit/batch/runner.py, child.py).

Each grading runs in a process forked from this one, so replacing ``grade_workspace``
here replaces it in every grading: the stand-in crashes, raises or hangs for the
students named so, and grades the others at once. What is tested is the batch's part:
one grading's fate is that submission's status, and the batch goes on.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from gradekit.batch import BatchOptions, Manifest, Record, child, run_batch, runner
from gradekit.batch.progress import BatchBar, BatchLines
from gradekit.grading.runner import GraderError, collect_checks
from gradekit.kit import Kit
from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport
from tests.attacks.support import kit_copy, processes_with  # noqa: F401 (a fixture)
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gradings are forked on Linux only")

EX = "ex03_fetch_all"
#: What a hanging grading leaves behind, marked with this test session's pid: another
#: session on the machine (a second CI job, the README's commands) leaves its own.
SLEEPER = f"import time; time.sleep(600)  # gradekit test session {os.getpid()}"


def stand_in(kit, workspace, exercise_ids, *, label, require_isolation, jobs):
    """Grades at once; ``crash*`` dies, ``raise*`` raises, ``hang*`` never ends."""
    if label.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    if label.startswith("raise"):
        raise RuntimeError("a grader broke")
    if label.startswith("hang"):
        subprocess.Popen([sys.executable, "-c", SLEEPER], start_new_session=True)
        time.sleep(600)
    source = (workspace.path / f"{EX}.py").read_text() if EX in workspace.present else ""
    points = 10.0 if "correct" in source else 0.0
    test = CheckResult("test_x", "results keep the order of urls", points, 10.0, "passed" if points else "failed",
                       "public")
    return SubmissionReport(label, [ExerciseResult(EX, "graded", [test])], isolation="namespaces")


@pytest.fixture
def classroom(tmp_path, monkeypatch):
    monkeypatch.setattr(child, "grade_workspace", stand_in)
    folder = tmp_path / "class"
    folder.mkdir()

    def make(students: dict[str, str]) -> Path:
        for name, source in students.items():
            (folder / name).mkdir(exist_ok=True)
            (folder / name / f"{EX}.py").write_text(source)
        return folder

    return make


def run(kit, folder: Path, out: Path, **options) -> dict[str, Record]:
    options.setdefault("exercises", (EX,))
    result = run_batch(kit, BatchOptions(source=folder, output=out, **options), stream=io.StringIO())
    return result.manifest.submissions


def leftover_sleepers() -> list[int]:
    return processes_with(SLEEPER)


def test_a_crashing_a_raising_and_a_hanging_grading_cost_only_their_own_submission(kit, classroom, tmp_path):
    folder = classroom({"alice": "correct", "crash-bob": "correct", "raise-carol": "correct",
                        "hang-dave": "correct", "erin": "wrong"})
    records = run(kit, folder, tmp_path / "out", timeout=3, at_once=5)
    assert records["alice"].status == "graded" and records["alice"].score == 10
    assert records["erin"].status == "graded" and records["erin"].score == 0
    assert records["crash-bob"].status == "error" and "SIGKILL" in records["crash-bob"].reason
    assert records["raise-carol"].status == "error" and "a grader broke" in records["raise-carol"].reason
    assert records["hang-dave"].status == "timeout" and "3 s" in records["hang-dave"].reason
    assert leftover_sleepers() == [], "a stopped grading leaves nothing running, even in another session"
    assert Manifest.load(tmp_path / "out").submissions == records


def test_a_rerun_keeps_what_is_unchanged_and_grades_the_rest_again(kit, classroom, tmp_path):
    folder = classroom({"alice": "correct", "bob": "wrong", "crash-carol": "correct"})
    out = tmp_path / "out"
    run(kit, folder, out)
    report = (out / "reports" / "alice.json").read_text()
    stream = io.StringIO()
    run_batch(kit, BatchOptions(source=folder, output=out, exercises=(EX,)), stream=stream)
    lines = stream.getvalue()
    assert "alice: unchanged since the last run, kept" in lines and "bob: unchanged since the last run, kept" in lines
    assert "crash-carol: error" in lines, "only graded submissions are kept: a failed grading is tried again"
    assert (out / "reports" / "alice.json").read_text() == report
    (folder / "bob" / f"{EX}.py").write_text("correct now")
    records = run(kit, folder, out)
    assert records["bob"].score == 10 and records["alice"].score == 10
    forced = io.StringIO()
    run_batch(kit, BatchOptions(source=folder, output=out, exercises=(EX,), force=True), stream=forced)
    assert "kept" not in forced.getvalue()


def test_students_who_left_lose_their_report(kit, classroom, tmp_path):
    folder = classroom({"alice": "correct", "bob": "wrong"})
    out = tmp_path / "out"
    run(kit, folder, out)
    (folder / "bob" / f"{EX}.py").unlink()
    (folder / "bob").rmdir()
    records = run(kit, folder, out)
    assert set(records) == {"alice"}
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["alice.json"]


def test_an_interrupted_batch_keeps_what_it_finished(kit, classroom, tmp_path, monkeypatch):
    folder = classroom({"alice": "correct", "bob": "correct", "hang-carol": "correct"})
    out = tmp_path / "out"
    real_ended = BatchLines.ended

    def interrupt_after_two(self, student, record, seconds, kept):
        real_ended(self, student, record, seconds, kept)
        if self._done == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(BatchLines, "ended", interrupt_after_two)
    with pytest.raises(KeyboardInterrupt):
        run(kit, folder, out, at_once=3)
    kept = Manifest.load(out).submissions
    assert {s for s, r in kept.items() if r.status == "graded"} == {"alice", "bob"}
    assert leftover_sleepers() == []
    monkeypatch.setattr(BatchLines, "ended", real_ended)
    stream = io.StringIO()
    run_batch(kit, BatchOptions(source=folder, output=out, exercises=(EX,), timeout=2), stream=stream)
    assert "alice: unchanged since the last run, kept" in stream.getvalue()


def gone(pid: int) -> bool:
    """Dead: no such process, or a zombie whose status only waits for init to collect it."""
    return child._state(pid) in child._DEAD


def test_kill_tree_reaches_processes_in_other_sessions():
    parent = subprocess.Popen([sys.executable, "-c", (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n"
        "time.sleep(600)\n")])
    deadline = time.monotonic() + 30
    while not child._descendants(parent.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    (grandchild,) = child._descendants(parent.pid)
    child.kill_tree(parent.pid)
    assert parent.wait() == -signal.SIGKILL
    deadline = time.monotonic() + 30
    while not gone(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(grandchild)


def test_kill_tree_catches_a_child_forked_as_the_root_is_stopped():
    # SIGSTOP takes effect only as the root leaves the kernel: a fork under way then still
    # makes its child, too late for a look at /proc taken at once. This root forks all
    # the time and has no other child most of the time, so a kill_tree that stops
    # looking when one look finds nothing leaves a child running (5 kills in 200 did).
    marker = f"gradekit kill_tree race {os.getpid()}"
    spawner = (
        "import os, signal, sys\n"
        "while True:\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        f"        os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(60)', {marker!r}])\n"
        "    os.kill(pid, signal.SIGKILL)\n"
        "    os.waitpid(pid, 0)\n")
    left = []
    for i in range(100):
        root = subprocess.Popen([sys.executable, "-c", spawner])
        time.sleep(0.02 + (i % 5) * 0.005)
        child.kill_tree(root.pid)
        assert root.wait() == -signal.SIGKILL
        left += [pid for pid in processes_with(marker) if not gone(pid)]
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert left == []


def test_the_bar_draws_without_a_thread_so_gradings_can_fork():
    before = threading.active_count()
    console = Console(file=io.StringIO(), force_terminal=True, width=120)
    bar = BatchBar(console, total=3, at_once=6)
    bar.ended("alice", Record("graded", score=10.0, max_score=10.0), 1.5, kept=False)
    bar.ended("[red]bob[/red]", Record("rejected", "bob.zip holds a link"), None, kept=False)
    bar.tick()
    assert threading.active_count() == before
    bar.close()
    drawn = console.file.getvalue()
    assert "2/3" in drawn and "[red]bob[/red]" in drawn  # a name is shown as it is, never read as markup


def test_a_report_that_cannot_be_written_costs_only_its_student(kit, classroom, tmp_path, monkeypatch):
    folder = classroom({"alice": "correct", "bob": "correct"})
    real_write = runner.write_atomic

    def full_disk_for_bob(path, text):
        if path.name == "bob.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, text)

    monkeypatch.setattr(runner, "write_atomic", full_disk_for_bob)
    records = run(kit, folder, tmp_path / "out")
    assert records["alice"].status == "graded"
    assert records["bob"].status == "error" and "No space left" in records["bob"].reason


def graders_of(exercise_id: str) -> list[str]:
    """The names this process imported the exercise's check files under (pytest's importlib mode)."""
    return [name for name in sys.modules
            if name.startswith((f"exercises.{exercise_id}.checks.test_", f"graders.{exercise_id}.test_"))]


def test_gradings_find_the_graders_imported_once_by_the_batch(kit, classroom, tmp_path, monkeypatch):
    for name in graders_of(EX):  # as in a fresh batch: nothing imported yet
        monkeypatch.delitem(sys.modules, name)

    def probe(kit, workspace, exercise_ids, *, label, require_isolation, jobs):
        found = graders_of(EX)
        test = CheckResult("test_x", "the graders were imported before the fork", 10.0 if len(found) == 2 else 0.0,
                           10.0, "passed" if len(found) == 2 else "failed", "public", feedback=" ".join(found))
        return SubmissionReport(label, [ExerciseResult(EX, "graded", [test])], isolation="namespaces")

    folder = classroom({"alice": "correct", "bob": "correct"})
    monkeypatch.setattr(child, "grade_workspace", probe)
    records = run(kit, folder, tmp_path / "out")
    assert {name: r.score for name, r in records.items()} == {"alice": 10, "bob": 10}


BREAKAGES = pytest.mark.parametrize("breakage", ["def broken(:\n", "raise RuntimeError('a grader bug')\n"],
                                    ids=["syntax error", "raises at import"])


@pytest.fixture
def broken_kit(kit_copy, monkeypatch):
    """``make(breakage)``: a copy of the kit whose hidden grader of EX ends with ``breakage``."""
    for name in graders_of(EX):  # the copy's files take the same module names as the kit's
        monkeypatch.delitem(sys.modules, name)

    def make(breakage: str) -> Kit:
        hidden = kit_copy.root / "graders" / EX / f"test_{EX}_hidden.py"
        hidden.write_text(hidden.read_text(encoding="utf-8") + breakage, encoding="utf-8")
        return kit_copy

    return make


def expected_reason(breakage: str) -> str:
    return "SyntaxError" if "broken" in breakage else "a grader bug"


@BREAKAGES
def test_graders_that_cannot_be_collected_are_each_gradings_error_never_fewer_checks(tmp_path, breakage,
                                                                                     broken_kit):
    """A grader file that fails to import must not vanish: pytest leaves a module that failed
    to import in sys.modules (empty, or half made: the checks defined above the error), and a
    grading that found it there would score the submission on the other checks alone."""
    kit = broken_kit(breakage)
    folder = tmp_path / "class"
    for student in ("alice", "bob"):
        (folder / student).mkdir(parents=True)
        shutil.copyfile(ROOT / "exercises" / EX / "reference.py", folder / student / f"{EX}.py")
    records = run(kit, folder, tmp_path / "out")
    for student in ("alice", "bob"):
        assert records[student].status == "error", records[student]
        assert f"graders/{EX}/test_{EX}_hidden.py" in records[student].reason
        assert expected_reason(breakage) in records[student].reason
    assert graders_of(EX) == [], "the failed warm-up left modules behind"


@BREAKAGES
def test_a_failed_collection_fails_again_in_the_same_process(breakage, broken_kit):
    """As ``--watch`` grades again in one process: the second session must not find the
    first one's half-imported module and collect the public checks alone."""
    kit = broken_kit(breakage)
    for _ in range(2):
        with pytest.raises(GraderError, match=expected_reason(breakage)):
            collect_checks(kit, [EX])
    assert graders_of(EX) == []
