"""A submission's exercises may be split over worker processes; the report is the same."""

from __future__ import annotations

from gradekit.grading.runner import grade_submission
from tests.conftest import reference_source

BROKEN = "async def fetch_all(urls, fetch):\n    return [await fetch(u) for u in urls]\n"  # sequential


def _comparable(report) -> list:
    return [(e.id, e.status, e.feedback, [(t.id, t.score, t.status, t.feedback) for t in e.tests])
            for e in report.exercises]


def test_two_workers_grade_exactly_as_one(kit, submission):
    folder = submission({"ex01_hello_loop.py": reference_source(kit, "ex01_hello_loop"), "ex03_fetch_all.py": BROKEN,
                         "ex02_gather_counts.py": "syntax error here"})
    exercises = ["ex01_hello_loop", "ex02_gather_counts", "ex03_fetch_all", "ex04_task_errors"]
    one = grade_submission(kit, folder, exercises=exercises, jobs=1)
    two = grade_submission(kit, folder, exercises=exercises, jobs=2)
    assert _comparable(one) == _comparable(two)
    assert [e.id for e in two.exercises] == exercises
    assert [e.status for e in two.exercises] == ["graded", "error", "graded", "missing"]
    assert two.isolation == one.isolation


def test_workers_die_with_a_killed_grader(kit, submission, tmp_path):
    """SIGKILL the grader while its two workers grade: no worker, and no sandbox, is left."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    folder = submission({"ex08_offload_blocking.py": reference_source(kit, "ex08_offload_blocking"),
                         "ex17_echo_server.py": reference_source(kit, "ex17_echo_server")})
    grader = subprocess.Popen([sys.executable, str(ROOT / "grade.py"), "grade", str(folder), "--exercise", "ex08",
                               "--exercise", "ex17", "--output", str(tmp_path / "r.json")], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def descendants() -> set[int]:
        found, frontier = set(), {grader.pid}
        while frontier:
            pid = frontier.pop()
            for child in _children(pid):
                if child not in found:
                    found.add(child)
                    frontier.add(child)
        return found

    deadline = time.monotonic() + 60
    while len(descendants()) < 4 and time.monotonic() < deadline:  # two workers, each with a sandbox
        time.sleep(0.05)
    started = descendants()
    assert len(started) >= 4, "the grader never started its workers and sandboxes"
    os.kill(grader.pid, signal.SIGKILL)
    grader.wait()
    deadline = time.monotonic() + 10
    while (alive := {pid for pid in started if _alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive, f"left running after the grader died: {sorted(alive)}"
    assert not (tmp_path / "r.json").exists()


def _children(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return {int(p) for p in f.read().split()}
    except OSError:
        return set()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
