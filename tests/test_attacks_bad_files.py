"""Hostile submissions, bad files: syntax errors, wrong encodings, binary, empty, huge, not a file.

What must hold: the bad module gets a clear status and no point, the correct module
beside it keeps 10/10, grading ends in bounded time with a bounded report, and the
command line still exits 0 with valid JSON and no terminal escapes.
"""

from __future__ import annotations

import json
import os
import random
import time

import pytest

from tests.attacks.support import BAD, GOOD, assert_scores, exercise, feedback, grade
from tests.conftest import assert_valid_report, reference_source, run_grade

pytestmark = pytest.mark.timeout(180)


def _cases() -> dict[str, tuple[bytes, tuple[str, ...], str]]:
    """name -> (file content, allowed statuses, text the feedback must hold)."""
    wrong = b"async def fetch_all(urls, fetch):\n    return []\n"
    noise = random.Random(313).randbytes(64 << 10)
    return {
        "syntax-error-on-line-5000": (b"# padding\n" * 4999 + b"def fetch_all(:\n", ("error",), "SyntaxError"),
        "nul-bytes-in-valid-code": (wrong.replace(b"return", b"ret\0urn"), ("error",), ""),
        "elf-binary": (b"\x7fELF\x02\x01\x01\0" + noise, ("error",), ""),
        "empty-file": (b"", ("graded", "error"), ""),
        "utf-16-with-bom": ("async def fetch_all(urls, fetch):\n    return urls\n".encode("utf-16"), ("error",), ""),
        # Refusing it at intake ("missing", with the reason) is as good as failing it.
        "twenty-mib-blob-then-wrong-code": (b"BLOB = b'" + b"A" * (20 << 20) + b"'\n" + wrong,
                                            ("graded", "error", "missing"), ""),
    }


@pytest.mark.parametrize("case", list(_cases()))
def test_a_bad_file_costs_only_its_own_points(case, kit, submission):
    content, statuses, reason = _cases()[case]
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": content})
    started = time.monotonic()
    report = grade(kit, folder, [GOOD, BAD], isolation=False)
    elapsed = time.monotonic() - started
    assert_scores(report, {GOOD: 10, BAD: 0})
    bad = exercise(report, BAD)
    assert bad["status"] in statuses, bad
    assert reason in feedback(bad)
    assert elapsed < 60, f"grading took {elapsed:.0f} s"
    assert len(json.dumps(bad)) < 64 << 10, "the report of a bad file must stay small"


def test_a_package_in_place_of_the_module_earns_nothing(kit, submission):
    # ex03_fetch_all/__init__.py would import as the module from the submission folder.
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD)})
    (folder / BAD).mkdir()
    (folder / BAD / "__init__.py").write_text(reference_source(kit, BAD))
    report = grade(kit, folder, [GOOD, BAD], isolation=False)
    assert_scores(report, {GOOD: 10, BAD: 0})
    assert exercise(report, BAD)["status"] in ("missing", "error")


def test_a_fifo_in_place_of_the_module_does_not_hang_the_grader(kit, submission, tmp_path):
    # Whoever opens it for reading waits for a writer forever: end to end, with a timeout.
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD)})
    os.mkfifo(folder / f"{BAD}.py")
    result = run_grade("grade", str(folder), "--exercise", GOOD, "--exercise", BAD, "--format", "json",
                       "--output", str(tmp_path / "report.json"), timeout=90)
    assert result.code == 0, result.stderr[-2000:]
    report = result.json()
    assert_scores(report, {GOOD: 10, BAD: 0})
    assert exercise(report, BAD)["status"] in ("missing", "error")


def test_hostile_file_names_and_output_reach_the_terminal_clean(kit, submission, tmp_path):
    # End to end, text format: terminal escapes in file names and in what the module prints.
    folder = submission({
        f"{GOOD}.py": reference_source(kit, GOOD),
        f"{BAD}.py": "print('\\x1b[2J\\x1b]0;pwned\\x07\\u202eevil')\nraise SystemExit('\\x1b[31mred\\x1b[0m')\n",
        "\x1b[2Jclear-screen.py": "x = 1\n",
    })
    os.close(os.open(os.fsencode(folder) + b"/undecodable-\xff\xfe.py", os.O_CREAT | os.O_WRONLY))
    result = run_grade("grade", str(folder), "--exercise", GOOD, "--exercise", BAD,
                       "--output", str(tmp_path / "report.json"), timeout=90)
    assert result.code == 0, result.stderr[-2000:]
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    report = assert_valid_report(json.loads((tmp_path / "report.json").read_text(encoding="utf-8")))
    assert_scores(report, {GOOD: 10, BAD: 0})
