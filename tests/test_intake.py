"""Submission intake: only regular exercise modules are taken; everything else is listed with a reason."""

from __future__ import annotations

import os
import shutil

import pytest

from gradekit.grading.runner import grade_submission
from gradekit.report.formats import render_json, render_text
from gradekit.sandbox.workspace import MAX_LISTED, MAX_MODULE_BYTES, NOT_A_MODULE, Workspace
from tests.conftest import reference_source, run_grade

GOOD = "ex01_hello_loop"
TARGET = "ex03_fetch_all"


def _ignored(report) -> dict[str, str]:
    return {item.path: item.reason for item in report.ignored}


@pytest.mark.parametrize("target", ["reference", "/etc/passwd", "dangling"])
def test_a_symlinked_module_is_not_graded_and_counts_as_missing(target, kit, submission, tmp_path):
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD)})
    pointee = {"reference": kit.reference(TARGET), "/etc/passwd": "/etc/passwd", "dangling": tmp_path / "gone.py"}
    (folder / f"{TARGET}.py").symlink_to(pointee[target])
    report = grade_submission(kit, folder, exercises=[GOOD, TARGET])
    good, linked = report.exercises
    assert good.score == 10
    assert linked.status == "missing" and linked.score == 0 and linked.max_score == 10
    assert "symbolic link" in linked.feedback and "Submit the file itself, not a link" in linked.feedback
    assert "symbolic link" in _ignored(report)[f"{TARGET}.py"]
    assert "passwd" not in render_json(report) and "root:" not in render_json(report)


def test_a_fifo_named_like_a_module_does_not_hang_grading(kit, submission):
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD)})
    os.mkfifo(folder / f"{TARGET}.py")
    result = run_grade("grade", str(folder), "--exercise", GOOD, "--exercise", TARGET, "--format", "json",
                       "--output", str(folder.parent / "r.json"), timeout=120)
    assert result.code == 0, result.stderr
    report = result.json()
    fifo = report["exercises"][1]
    assert (fifo["status"], fifo["score"]) == ("missing", 0)
    assert "not a regular file" in fifo["feedback"]
    assert [i for i in report["ignored"] if i["path"] == f"{TARGET}.py" and "not a regular file" in i["reason"]]


def test_an_oversized_module_is_refused_with_the_cap_in_the_message(kit, submission):
    padding = "#" * 100 + "\n"
    source = reference_source(kit, TARGET) + padding * (MAX_MODULE_BYTES // len(padding) + 1)
    folder = submission({f"{TARGET}.py": source})
    report = grade_submission(kit, folder, exercises=[TARGET])
    big = report.exercises[0]
    assert big.status == "missing" and big.score == 0
    assert "256 KiB" in big.feedback and "over the" in big.feedback
    # just under the cap is fine
    folder = submission({f"{TARGET}.py": source[:MAX_MODULE_BYTES]})
    workspace = Workspace.create(folder, [TARGET])
    try:
        assert workspace.present == {TARGET}
    finally:
        workspace.cleanup()


def test_a_folder_named_like_a_module_is_refused(kit, submission):
    folder = submission({})
    (folder / f"{TARGET}.py").mkdir()
    report = grade_submission(kit, folder, exercises=[TARGET])
    assert report.exercises[0].status == "missing" and "a folder" in report.exercises[0].feedback


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_module_is_refused(kit, submission):
    folder = submission({f"{TARGET}.py": reference_source(kit, TARGET)})
    (folder / f"{TARGET}.py").chmod(0)
    report = grade_submission(kit, folder, exercises=[TARGET])
    assert report.exercises[0].status == "missing" and "permission denied" in report.exercises[0].feedback


def test_stray_entries_are_listed_bounded_and_sanitised(kit, submission):
    folder = submission({f"{TARGET}.py": reference_source(kit, TARGET), "notes.txt": "hi",
                         "ex3_fetch_all.py": "typo", "evil\x1b[2J\u202ename.py": "x", "grade.py": "template file",
                         ".hidden": "dotfiles are not listed", f"{GOOD}.py": "another exercise, not graded now"})
    (folder / "solutions").mkdir()
    report = grade_submission(kit, folder, exercises=[TARGET])
    assert report.exercises[0].score == 10
    assert _ignored(report) == {"notes.txt": NOT_A_MODULE, "ex3_fetch_all.py": NOT_A_MODULE,
                                "evilname.py": NOT_A_MODULE, "solutions/": NOT_A_MODULE}
    text = render_text(report)
    assert "notes.txt" in text and "solutions/" in text
    assert "\x1b[2J" not in text and "\u202e" not in text
    assert "\x1b" not in render_json(report) and "\u202e" not in render_json(report)
    for i in range(2 * MAX_LISTED):
        (folder / f"junk{i:03}.txt").write_text("")
    workspace = Workspace.create(folder, [TARGET], known=kit.exercise_ids())
    workspace.cleanup()
    assert len(workspace.ignored) == MAX_LISTED + 1
    assert workspace.ignored[-1][0] == "…" and "more entries" in workspace.ignored[-1][1]


def test_the_student_template_lists_nothing_as_ignored(kit, tmp_path):
    """Nor what an exported copy adds (the engine's wheel) or its CI leaves (reports)."""
    copy = tmp_path / "copy"
    shutil.copytree(kit.root / "student_template", copy)
    (copy / "wheels").mkdir()
    for made in ("grade-report.json", "grade-report.xml", "report.html"):
        (copy / made).write_text("")
    workspace = Workspace.create(copy, kit.exercise_ids(), known=kit.exercise_ids())
    workspace.cleanup()
    assert workspace.ignored == [] and workspace.present == set(kit.exercise_ids())


def test_json_report_has_a_top_level_ignored_list(tmp_path, submission):
    folder = submission({"notes.txt": "hi"})
    result = run_grade("grade", str(folder), "--exercise", TARGET, "--format", "json",
                       "--output", str(tmp_path / "r.json"))
    assert result.code == 0, result.stderr
    assert result.json()["ignored"] == [{"path": "notes.txt", "reason": NOT_A_MODULE}]
