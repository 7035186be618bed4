"""Progress while grading: the hook's calls (also from worker processes), the two displays, the CLI's streams."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import subprocess
import sys
import threading
import time
from concurrent.futures import Future

import pytest
from rich.console import Console

from gradekit.grading.relay import ProgressRelay, RelayEnd
from gradekit.grading.runner import grade_submission
from gradekit.progress import LiveBars, PlainLines, progress_display
from gradekit.report.model import CheckResult
from gradekit.workers import worker_pool
from tests.conftest import ROOT, reference_source

EXERCISES = ["ex01_hello_loop", "ex03_fetch_all"]


class Recorder:
    """A ProgressHook that keeps every call, with the thread it came in on."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.threads: set[int] = set()

    def checks_found(self, exercise_id: str, count: int) -> None:
        self._keep("found", exercise_id, count)

    def check_started(self, exercise_id: str, name: str) -> None:
        self._keep("started", exercise_id, name)

    def check_done(self, exercise_id: str, result: CheckResult) -> None:
        self._keep("done", exercise_id, result)

    def _keep(self, *call) -> None:
        self.threads.add(threading.get_ident())
        self.calls.append(call)

    def of(self, kind: str, exercise_id: str) -> list:
        return [call[2] for call in self.calls if call[0] == kind and call[1] == exercise_id]


def _result(check_id: str, score: float, max_score: float) -> CheckResult:
    return CheckResult(check_id, f"check {check_id}", score, max_score, "passed" if score == max_score else "failed",
                       "public")


# -- the hook, from grading ----------------------------------------------------------------

@pytest.mark.parametrize("jobs", [1, 2], ids=["in-process", "two-workers"])
def test_every_check_is_announced_started_and_done_in_the_calling_thread(kit, submission, jobs):
    folder = submission({"ex01_hello_loop.py": reference_source(kit, "ex01_hello_loop"),
                         "ex03_fetch_all.py": "async def fetch_all(urls, fetch):\n    return [await fetch(u) for u in urls]\n"})
    hook = Recorder()
    report = grade_submission(kit, folder, exercises=EXERCISES, jobs=jobs, progress=hook)
    assert hook.threads == {threading.get_ident()}
    for exercise in report.exercises:
        assert hook.of("found", exercise.id) == [len(exercise.tests)]
        assert sorted(hook.of("started", exercise.id)) == sorted(t.name for t in exercise.tests)
        done = {r.id: (r.status, r.score, r.feedback) for r in hook.of("done", exercise.id)}
        assert done == {t.id: (t.status, t.score, t.feedback) for t in exercise.tests}
        # Per exercise, in the order grading made them: collected, then each check started before it ended.
        mine = [call[0] for call in hook.calls if call[1] == exercise.id]
        assert mine[0] == "found" and mine[1:] == ["started", "done"] * len(exercise.tests)
    assert {e.status for e in report.exercises} == {"graded"} and 0 < report.score < report.max_score


def _send(end: RelayEnd, tag: str, count: int, size: int) -> int:
    with end.open() as hook:
        for i in range(count):
            hook.check_done(tag, CheckResult(f"{tag}-{i}", "x" * 100, 1.0, 1.0, "passed", "public",
                                             feedback="y" * size))
    return count


def test_the_relay_delivers_every_call_in_order_even_past_a_pipes_buffer():
    """Two workers each send more than a pipe holds (64 KiB on Linux) before anyone reads."""
    hook = Recorder()
    relay = ProgressRelay(hook, 2)
    try:
        with worker_pool(2) as pool:
            futures = [pool.submit(_send, relay.end(i), f"part{i}", 80, 1400) for i in range(2)]
            relay.deliver(futures)
            assert [f.result() for f in futures] == [80, 80]
    finally:
        relay.close()
    for part in ("part0", "part1"):
        assert [r.id for r in hook.of("done", part)] == [f"{part}-{i}" for i in range(80)]
        assert all(len(r.feedback) == 1400 for r in hook.of("done", part))


def test_the_relay_returns_once_every_part_has_ended_without_waiting_for_its_result():
    hook = Recorder()
    relay = ProgressRelay(hook, 2)
    try:
        for i in range(2):
            with relay.end(i).open() as sender:  # in this process: the descriptors are valid here too
                sender.checks_found(f"ex0{i}", i + 1)
        result_on_its_way = Future()  # never set: deliver must not wait for it
        delivering = threading.Thread(target=relay.deliver, args=([result_on_its_way],), daemon=True)
        delivering.start()
        delivering.join(timeout=60)
        assert not delivering.is_alive()
    finally:
        relay.close()
    assert hook.of("found", "ex00") == [1] and hook.of("found", "ex01") == [2]


# -- the displays ----------------------------------------------------------------------------

def test_plain_lines_write_a_line_as_soon_as_each_exercise_ends():
    stream = io.StringIO()
    display = PlainLines(stream, EXERCISES)
    assert stream.getvalue() == ""  # a grading refused before it starts shows only its error
    display.checks_found("ex01_hello_loop", 2)
    display.checks_found("ex03_fetch_all", 1)
    display.check_started("ex01_hello_loop", "check a")
    display.check_done("ex01_hello_loop", _result("a", 2, 2))
    assert "ex01_hello_loop" not in stream.getvalue()  # one of its two checks is still to come
    display.check_started("ex01_hello_loop", "check b")
    display.check_done("ex01_hello_loop", _result("b", 0, 3))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("Grading 2 exercises")
    assert lines[1].startswith("[1/2] ex01_hello_loop: 2/2 checks, 2/5 points")
    display.check_started("ex03_fetch_all", "check c")
    display.check_done("ex03_fetch_all", _result("c", 1.5, 1.5))
    assert stream.getvalue().splitlines()[2].startswith("[2/2] ex03_fetch_all: 1/1 checks, 1.5/1.5 points")
    display.close()
    assert "\x1b[" not in stream.getvalue()


def test_live_bars_show_checks_done_of_total_and_the_score_and_start_no_thread_before_the_first_call():
    console = Console(file=io.StringIO(), force_terminal=True, width=120)
    threads = threading.active_count()
    display = LiveBars(console, EXERCISES)
    # Grading forks its workers after the display exists: it must still be a one-thread process then.
    assert threading.active_count() == threads
    display.checks_found("ex01_hello_loop", 2)
    display.checks_found("ex03_fetch_all", 3)
    assert threading.active_count() == threads + 1  # rich's refresh thread
    display.check_started("ex01_hello_loop", "[bold]a name with markup[/bold]")
    display.check_done("ex01_hello_loop", _result("a", 2, 2))
    display.check_started("ex01_hello_loop", "b")
    display.check_done("ex01_hello_loop", _result("b", 1, 3))
    display.check_started("ex03_fetch_all", "[red]a check that runs[/red]")
    rows = _rendered(display)
    assert "all exercises" in rows[0] and "2/5 checks" in rows[0]
    assert "ex01_hello_loop" in rows[1] and "2/2 checks" in rows[1] and "3/5 points" in rows[1]
    assert "ex03_fetch_all" in rows[2] and "0/3 checks" in rows[2]
    assert "[red]a check that runs[/red]" in rows[2]  # a name is shown as it is, never read as markup
    display.close()
    assert threading.active_count() == threads


def _rendered(display: LiveBars) -> list[str]:
    """The display's rows as plain text (what a terminal shows now)."""
    plain = Console(file=io.StringIO(), width=120, force_terminal=False, record=True)
    plain.print(display._progress.get_renderable())
    return plain.export_text().splitlines()


def test_progress_display_draws_bars_on_a_terminal_and_lines_elsewhere():
    read, write = os.pipe()
    with os.fdopen(write, "w") as pipe, progress_display(EXERCISES, pipe) as display:
        assert isinstance(display, PlainLines)
    os.close(read)
    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w") as terminal, progress_display(EXERCISES, terminal) as display:
            assert isinstance(display, LiveBars)
    finally:
        os.close(leader)
    with progress_display(EXERCISES, io.StringIO()) as display:  # no descriptor at all
        assert isinstance(display, PlainLines)


# -- the command line -------------------------------------------------------------------------

def test_machine_formats_keep_stdout_the_report_and_log_plain_progress_on_stderr(tmp_path):
    out = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, str(ROOT / "grade.py"), "grade", "student_template", "--exercise", "1",
                           "--exercise", "3", "--format", "json", "--output", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)  # nothing but the report on stdout
    assert report == json.loads(out.read_text())
    lines = proc.stderr.splitlines()
    for exercise in report["exercises"]:
        count = len(exercise["tests"])
        line = next(line for line in lines if f"] {exercise['id']}:" in line)
        assert f"{count}/{count} checks, {exercise['score']:g}/{exercise['max_score']:g} points" in line
    assert "\x1b[" not in proc.stderr


def test_on_a_terminal_stderr_shows_live_rows_and_stdout_still_holds_only_the_report(tmp_path):
    leader, follower = pty.openpty()
    out = tmp_path / "r.json"
    proc = subprocess.Popen([sys.executable, str(ROOT / "grade.py"), "grade", "student_template", "--exercise", "ex03",
                             "--format", "json", "--output", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    shown = _read_all(leader, proc)
    stdout = proc.stdout.read().decode()
    assert proc.wait(timeout=60) == 0
    report = json.loads(stdout)
    assert report == json.loads(out.read_text())
    assert "ex03_fetch_all" in shown and "checks" in shown and "\x1b[" in shown  # drawn, with terminal codes
    assert not shown.startswith("Grading 1 exercise")  # not the plain lines


def _read_all(leader: int, proc: subprocess.Popen, limit_s: float = 600) -> str:
    """Everything written to the terminal until the process ends (bounded by ``limit_s``)."""
    chunks = []
    deadline = time.monotonic() + limit_s
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # EIO: the last writer closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
    finally:
        os.close(leader)
    return b"".join(chunks).decode(errors="replace")
