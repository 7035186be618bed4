"""Bad input gets a clear result, never a crash; the other exercises keep their points."""

from __future__ import annotations

import pytest

from gradekit.grading.runner import grade_submission
from tests.attacks.support import attack_cleanup, processes_with  # noqa: F401 (a fixture)
from tests.conftest import reference_source

GOOD = "ex01_hello_loop"
BAD = "ex03_fetch_all"
SIGNATURE = "async def fetch_all(urls, fetch):\n"

CASES = {
    "os._exit at import": ("import os\nos._exit(3)\n", "error", "exited with code 3"),
    "sys.exit inside the graded function": ("import sys\n" + SIGNATURE + "    sys.exit(0)\n", "graded", "SystemExit"),
    "endless loop at import": ("while True:\n    pass\n", "error", "did not finish importing"),
    "busy loop inside a coroutine": (SIGNATURE + "    while True:\n        pass\n", "graded", "blocked the event loop"),
    "4 GiB allocation": ("hog = bytearray(4 * 1024 ** 3)\n", "error", "MemoryError"),
    "syntax error": ("def fetch_all(:\n", "error", "SyntaxError"),
    "not UTF-8 (latin-1)": (SIGNATURE.encode() + b"    return ['caf\xe9']\n", "error", "save the file as UTF-8"),
    "missing function": ("def something_else():\n    pass\n", "graded", "missing something"),
    "raises at import": ("raise RuntimeError('boom at import')\n", "error", "boom at import"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_module_costs_only_its_own_points(case, kit, submission):
    source, status, reason = CASES[case]
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": source})
    report = grade_submission(kit, folder, exercises=[GOOD, BAD])
    good, bad = report.exercises
    assert (good.id, good.score, good.max_score) == (GOOD, 10, 10), [t.feedback for t in good.failed]
    assert bad.status == status
    assert bad.score == 0 and bad.max_score == 10
    feedback = bad.feedback if status == "error" else " ".join(t.feedback for t in bad.tests)
    assert reason in feedback, feedback
    assert all(t.feedback for t in bad.tests), "every lost check says why"


def test_missing_module_is_reported_as_missing(kit, submission):
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD)})
    report = grade_submission(kit, folder, exercises=[GOOD, BAD])
    assert report.exercises[0].score == 10
    missing = report.exercises[1]
    assert missing.status == "missing" and missing.score == 0 and "was not found" in missing.feedback


def test_an_output_flood_is_bounded_and_grading_goes_on(kit, submission):
    flood = "import os, sys\nfor _ in range(20000):\n    os.write(1, b'x' * 1000)\n    os.write(2, b'y' * 1000)\n"
    folder = submission({f"{BAD}.py": flood + reference_source(kit, BAD)})
    report = grade_submission(kit, folder, exercises=[BAD])
    assert report.exercises[0].score == 10


def test_stray_child_processes_do_not_survive_the_check(kit, submission, attack_cleanup):
    # A marker of this test's own: "pgrep -f 'sleep 313'" also matched the attack suite's
    # sleepers (sleep 313.<digits>) of another test session running on the machine.
    marker = attack_cleanup.new()
    spawn = f"import subprocess\nsubprocess.Popen(['sleep', '{marker}'])\n"
    folder = submission({f"{BAD}.py": spawn + reference_source(kit, BAD)})
    report = grade_submission(kit, folder, exercises=[BAD])
    assert report.exercises[0].score == 10
    assert processes_with(marker) == []


def test_files_the_child_writes_do_not_reach_the_next_check(kit, submission):
    # Every check's child looks for a file an earlier child wrote: it must never find one.
    plant = ("import pathlib\nmarker = pathlib.Path('planted.txt')\n"
             "if marker.exists():\n    raise SystemExit('a file from an earlier check is visible')\n"
             "marker.write_text('x')\n")
    folder = submission({f"{BAD}.py": plant + reference_source(kit, BAD)})
    report = grade_submission(kit, folder, exercises=[BAD])
    assert report.exercises[0].score == 10, [t.feedback for t in report.exercises[0].failed]


def test_student_code_cannot_import_the_kits_own_tree(kit, submission):
    # The kit's checkout holds the references: it must not be importable from the sandbox.
    probe = ("try:\n    import exercises\n    import graders\n    raise SystemExit('kit tree importable')\n"
             "except ImportError:\n    pass\nimport aiosqlite  # installed dependencies stay importable\n")
    folder = submission({f"{BAD}.py": probe + reference_source(kit, BAD)})
    report = grade_submission(kit, folder, exercises=[BAD])
    assert report.exercises[0].score == 10, report.exercises[0].feedback
