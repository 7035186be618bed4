"""A correct solution passes every run, on a loaded machine too."""

from __future__ import annotations

import threading

import pytest

from gradekit.grading.runner import grade_workspace
from gradekit.sandbox import Workspace

FOUNDATIONS = ["ex01_hello_loop", "ex02_gather_counts", "ex03_fetch_all", "ex04_task_errors"]


@pytest.fixture
def busy_thread():
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            sum(range(1000))

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join()


@pytest.mark.slow
def test_references_score_the_same_five_times_under_load(kit, tmp_path, busy_thread):
    folder = tmp_path / "refs"
    folder.mkdir()
    for ex_id in FOUNDATIONS:
        (folder / f"{ex_id}.py").write_bytes(kit.reference(ex_id).read_bytes())
    scores = []
    for _ in range(5):
        workspace = Workspace.create(folder, FOUNDATIONS)
        try:
            report = grade_workspace(kit, workspace, FOUNDATIONS, label="refs")
        finally:
            workspace.cleanup()
        scores.append({e.id: e.score for e in report.exercises})
    assert scores == [dict.fromkeys(FOUNDATIONS, 10.0)] * 5
