"""``grade --watch``: what changed between two gradings, and the real thing in a subprocess."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport
from gradekit.watch import ExerciseChange, merge, module_digests
from tests.conftest import ROOT, reference_source

#: Upper bounds for a wait on the watcher's output: generous, because the two cores are shared.
FIRST_GRADING_S = 300
REGRADE_S = 300


def _check(check_id: str, passed: bool, points: float = 2.0, feedback: str = "") -> CheckResult:
    return CheckResult(check_id, f"name of {check_id}", points if passed else 0.0, points,
                       "passed" if passed else "failed", "public", feedback)


# -- what changed -----------------------------------------------------------------------------

def test_a_change_lists_checks_that_now_pass_and_now_fail_with_the_new_feedback():
    before = ExerciseResult("ex03_fetch_all", "graded", [_check("a", False), _check("b", True), _check("c", False)])
    after = ExerciseResult("ex03_fetch_all", "graded",
                           [_check("a", True), _check("b", False, feedback="it blocked the loop"), _check("c", False)])
    change = ExerciseChange(before, after)
    assert [t.id for t in change.now_passing] == ["a"]
    assert [t.id for t in change.now_failing] == ["b"]
    assert [t.id for t in change.still_failing] == ["c"]
    text = "\n".join(change.lines())
    assert f"{before.score:g}/{before.max_score:g} → {after.score:g}/{after.max_score:g}" in text
    assert "now passes: name of a" in text and "now fails: name of b" in text
    assert "it blocked the loop" in text
    assert "still failing: name of c" in text


def test_an_unchanged_grading_says_so_and_a_module_that_stopped_importing_says_why():
    same = ExerciseResult("ex03_fetch_all", "graded", [_check("a", True), _check("b", False)])
    assert "no check changed" in "\n".join(ExerciseChange(same, same).lines())
    broken = ExerciseResult("ex03_fetch_all", "error", [_check("a", False), _check("b", False)],
                            feedback="SyntaxError at line 3")
    text = "\n".join(ExerciseChange(same, broken).lines())
    assert "[error]" in text and "SyntaxError at line 3" in text and "now fails: name of a" in text


def test_merge_replaces_only_the_exercises_graded_again():
    old = [ExerciseResult(ex, "graded", [_check("a", False)]) for ex in ("ex01_hello_loop", "ex03_fetch_all")]
    report = SubmissionReport("folder", old, warnings=["kept"])
    new = ExerciseResult("ex03_fetch_all", "graded", [_check("a", True)])
    merged = merge(report, SubmissionReport("folder", [new], duration_s=1.5))
    assert merged.exercises == [old[0], new]
    assert merged.score == old[0].score + new.score and merged.duration_s == 1.5
    assert merged.warnings == ["kept"]


def test_digests_follow_content_not_touches_and_never_open_a_fifo(tmp_path):
    module = tmp_path / "ex03_fetch_all.py"
    module.write_text("x = 1\n")
    first = module_digests(tmp_path, ["ex03_fetch_all", "ex01_hello_loop"])
    assert first["ex01_hello_loop"] is None
    os.utime(module)  # touched, not changed
    assert module_digests(tmp_path, ["ex03_fetch_all"])["ex03_fetch_all"] == first["ex03_fetch_all"]
    module.write_text("x = 2\n")
    assert module_digests(tmp_path, ["ex03_fetch_all"])["ex03_fetch_all"] != first["ex03_fetch_all"]
    module.unlink()
    os.mkfifo(module)  # opening it to read would wait for a writer forever
    assert module_digests(tmp_path, ["ex03_fetch_all"])["ex03_fetch_all"] is not None


# -- the real thing -------------------------------------------------------------------------------

class Output:
    """A running process's stdout, read by a thread, waited on line by line with a bound."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern: str, limit_s: float) -> re.Match:
        """The first line from now on that matches ``pattern``; fails with all output after ``limit_s``."""
        deadline = time.monotonic() + limit_s
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise AssertionError(f"no line matched {pattern!r}; output so far:\n" + "\n".join(self.lines))
            self.lines.append(line)
            if match := re.search(pattern, line):
                return match

    def rest(self, limit_s: float) -> str:
        """All output, once the process has closed its stdout (or ``limit_s`` has passed)."""
        deadline = time.monotonic() + limit_s
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
        return "\n".join(self.lines)


def _student_copy(tmp_path: Path, exercises: list[str]) -> Path:
    """A student's copy of the template with only ``exercises`` (so grading them all is quick)."""
    copy = tmp_path / "my-exercises"
    shutil.copytree(ROOT / "student_template", copy)
    for folder in (copy / "checks").iterdir():
        if folder.name not in exercises:
            shutil.rmtree(folder)
            (copy / f"{folder.name}.py").unlink()
    return copy


def _start(copy: Path, *args: str) -> tuple[subprocess.Popen, Output, Path]:
    err = copy.parent / "stderr.txt"
    proc = subprocess.Popen([sys.executable, str(copy / "grade.py"), *args], cwd=copy, text=True,
                            stdout=subprocess.PIPE, stderr=err.open("w"), stdin=subprocess.DEVNULL,
                            start_new_session=True,  # its own process group: Ctrl-C reaches all of it
                            env={**os.environ, "PYTHONFAULTHANDLER": "1"},  # stacks on SIGABRT, if it hangs
                            # The way a terminal starts it: Ctrl-C raises KeyboardInterrupt (a shell's
                            # background job would inherit SIGINT ignored).
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    return proc, Output(proc.stdout), err


def _ctrl_c(proc: subprocess.Popen, err: Path) -> int:
    """Ctrl-C as a terminal sends it, to the whole group; the exit status (a hang fails with every stack)."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGABRT)  # faulthandler prints each process's stacks to stderr
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        raise AssertionError(f"still running 120 s after Ctrl-C:\n{err.read_text()[-20000:]}") from None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_watch_grades_a_saved_exercise_again_and_shows_only_what_changed(kit, tmp_path):
    copy = _student_copy(tmp_path, ["ex03_fetch_all"])
    proc, out, err = _start(copy, "--watch")  # the bare `python grade.py --watch` of a student's copy
    try:
        out.wait_for(r"^Total: 0/", FIRST_GRADING_S)
        out.wait_for(r"^Watching .*ex03_fetch_all\.py", FIRST_GRADING_S)
        first = json.loads((copy / "grade-report.json").read_text())

        (copy / "ex03_fetch_all.py").write_text(reference_source(kit, "ex03_fetch_all"))
        out.wait_for(r"ex03_fetch_all\.py changed", REGRADE_S)
        start = len(out.lines)
        arrow = out.wait_for(r"ex03_fetch_all  (\S+) → (\S+)", REGRADE_S)
        out.wait_for(r"^  Total: ", REGRADE_S)
        shown = out.lines[start:]
        after = json.loads((copy / "grade-report.json").read_text())["exercises"][0]
        assert arrow.group(1) == f"0/{first['max_score']:g}"
        assert arrow.group(2) == f"{after['max_score']:g}/{after['max_score']:g}"
        passes = {line.split("now passes: ")[1].rsplit(" (", 1)[0] for line in shown if "now passes: " in line}
        assert passes == {t["name"] for t in after["tests"]}
        assert not any("now fails" in line or "still failing" in line for line in shown)

        (copy / "ex03_fetch_all.py").write_text(kit.stub("ex03_fetch_all").read_text())
        start = len(out.lines)
        out.wait_for(r"ex03_fetch_all  \S+ → 0/", REGRADE_S)
        out.wait_for(r"^  Total: ", REGRADE_S)
        assert sum("now fails: " in line for line in out.lines[start:]) == len(after["tests"])
    finally:
        code = _ctrl_c(proc, err)
    assert code == 0, err.read_text()
    assert out.rest(60).endswith("Stopped watching.")
    assert "Traceback" not in err.read_text()


def test_ctrl_c_while_two_exercises_are_graded_again_ends_cleanly(kit, tmp_path):
    copy = _student_copy(tmp_path, ["ex01_hello_loop", "ex03_fetch_all"])
    proc, out, err = _start(copy, "grade", "--watch")
    try:
        out.wait_for(r"^Watching ", FIRST_GRADING_S)
        for ex_id in ("ex01_hello_loop", "ex03_fetch_all"):
            (copy / f"{ex_id}.py").write_text(reference_source(kit, ex_id))
        out.wait_for(r"changed: grading", REGRADE_S)
    finally:
        code = _ctrl_c(proc, err)  # wherever the grading is: its workers get Ctrl-C too, as from a terminal
    assert code == 0, err.read_text()
    assert out.rest(60).endswith("Stopped watching.")
    assert "Traceback" not in err.read_text()


@pytest.mark.parametrize("args", [["grade", "--watch", "--format", "json"],
                                  ["grade", "--watch", "--fail-under", "5"],
                                  ["--watch", "list"]])
def test_watch_refuses_what_it_cannot_do_with_a_message(grade_cli, args):
    result = grade_cli(*args)
    assert result.code == 1
    assert "--watch" in result.stderr and "Traceback" not in result.stderr
