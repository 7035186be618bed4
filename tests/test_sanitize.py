"""Untrusted text: escapes and control characters stripped, lengths capped, in JSON and on the terminal."""

from __future__ import annotations

import json

import pytest

from gradekit.grading.runner import grade_submission
from gradekit.report.sanitize import MARK, clean
from tests.conftest import assert_valid_report, reference_source, run_grade

PAYLOAD = ("\x1b[2J\x1b[5;31m" "\x1b]0;pwned title\x07" "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
           "\x1bP+q544e\x1b\\" "\x9b6n" "\x1bc" "\u202eevil\u202c\u2066x\u2069" "\r\x08\x00\x7f" + "A" * 10_000)
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\x9d", "\x00", "\x08", "\r", "\x7f", "\u202e", "\u202c", "\u2066", "\u2069")
PAYLOAD_SOURCE = f"PAYLOAD = {PAYLOAD!r}\n"

HOSTILE = {
    # raises an exception whose message is the payload
    "ex03_fetch_all.py": PAYLOAD_SOURCE + "async def fetch_all(urls, fetch):\n    raise ValueError(PAYLOAD)\n",
    # prints the payload (stdout) and returns nothing useful
    "ex01_hello_loop.py": PAYLOAD_SOURCE + "async def hello_world(delay=1.0):\n    print(PAYLOAD)\n"
                          "def main():\n    print(PAYLOAD)\n",
    # prints the payload at import, then fails to import with it
    "ex02_gather_counts.py": PAYLOAD_SOURCE + "print(PAYLOAD)\nraise RuntimeError(PAYLOAD)\n",
    # an exception class whose *name* is hostile
    "ex04_task_errors.py": PAYLOAD_SOURCE + "Evil = type('\\x1b]0;t\\x07Evil\\u202e' + 'B' * 1000, (Exception,), {})\n"
                           "async def run_jobs(jobs):\n    raise Evil(PAYLOAD)\n",
    # writes the payload to stderr and dies without a report
    "ex05_timeouts.py": PAYLOAD_SOURCE + "import os\nos.write(2, PAYLOAD.encode())\nos._exit(3)\n",
    # returns the payload as data, which the checks quote as the observed value
    "ex07_bounded_concurrency.py": PAYLOAD_SOURCE + "async def fetch_limited(urls, fetch, limit):\n"
                                   "    if limit < 1:\n        raise ValueError(PAYLOAD)\n"
                                   "    return [PAYLOAD for _ in urls]\n",
}
EXERCISES = sorted(name.removesuffix(".py") for name in HOSTILE)


@pytest.mark.parametrize(("raw", "expected"), [
    ("plain text", "plain text"),
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x1b[38;2;255;0;0mtruecolour\x1b[m", "truecolour"),
    ("\x9b31m8-bit CSI", "8-bit CSI"),
    ("\x1b]0;title\x07after", "after"),
    ("\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\", "link"),
    ("\x9d0;title\x9cafter", "after"),
    ("\x1bP1$r0m\x1b\\dcs", "dcs"),
    ("\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\ok", "ok"),
    ("\x1b]52;c;cGF5bG9hZA== unterminated clipboard write", ""),
    ("\x1bcreset \x1b7saved\x1b8 \x1b(Bcharset", "reset saved charset"),
    ("bell\x07 back\x08space del\x7f nul\x00 cr\r c1\x85", "bell backspace del nul cr c1"),
    ("\u202eevil\u202c \u2066iso\u2069 \u200bzero\ufeff \u200fmark", "evil iso zero mark"),
    ("line\u2028sep\u2029para", "lineseppara"),
    ("tab\there\nnewline", "tab here newline"),
    ("bad \udcff name", "bad \ufffd name"),
])
def test_clean_strips_escapes_and_controls(raw, expected):
    assert clean(raw, 200) == expected


def test_clean_keeps_newlines_and_tabs_only_when_multiline():
    assert clean("a\tb\nc\r\n", 100, multiline=True) == "a\tb\nc\n"
    assert clean("\x1b[1mHello\x1b[0m\n", 100, multiline=True, placeholder="\ufffd") == "\ufffdHello\ufffd\n"


def test_clean_caps_the_length_with_a_marker():
    assert clean("x" * 10, 10) == "x" * 10
    capped = clean("x" * 10_000_000, 300)
    assert len(capped) == 300 and capped.endswith(MARK)
    assert clean("\x1b[" * 1_000_000, 300).endswith(MARK)  # bounded work, and says it was cut
    assert clean(12.5, 10) == "12.5"
    with pytest.raises(ValueError, match="limit"):
        clean("x", 1)


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for key, value in data.items() for s in _strings(key) + _strings(value)]
    if isinstance(data, list):
        return [s for item in data for s in _strings(item)]
    return []


def _assert_clean(text: str, cap: int = 1500) -> None:
    for forbidden in FORBIDDEN:
        assert forbidden not in text, f"{forbidden!r} reached the output"
    assert "A" * (cap + 1) not in text


@pytest.fixture
def hostile_folder(submission):
    return submission(HOSTILE)


def test_hostile_text_is_stripped_and_capped_in_the_json_report(hostile_folder, tmp_path):
    out = tmp_path / "report.json"
    result = run_grade("grade", str(hostile_folder), *[f"--exercise={e}" for e in EXERCISES], "--format", "json",
                       "--output", str(out))
    assert result.code == 0, result.stderr
    _assert_clean(result.stdout)
    _assert_clean(out.read_text(encoding="utf-8"))
    report = assert_valid_report(json.loads(out.read_text(encoding="utf-8")))
    assert report["score"] < 20  # a few checks that do not look at the output pass
    for text in _strings(report):
        _assert_clean(text)
        assert len(text) <= 1500
    by_id = {e["id"]: e for e in report["exercises"]}
    raised = by_id["ex03_fetch_all"]["tests"][0]["feedback"]
    assert "your code raised ValueError: " in raised and "A" * 401 not in raised  # the message: a few hundred
    assert "pwned title" not in raised and "evil.example" not in raised
    assert by_id["ex02_gather_counts"]["status"] == "error" and "Output:" in by_id["ex02_gather_counts"]["feedback"]
    assert "A" * 401 not in by_id["ex02_gather_counts"]["feedback"]
    assert "Evil" in json.dumps(by_id["ex04_task_errors"])  # the hostile class name, cleaned (length: see above)
    assert "Last output" in by_id["ex05_timeouts"]["feedback"]


def test_hostile_text_is_stripped_and_capped_on_the_terminal(hostile_folder, tmp_path):
    result = run_grade("grade", str(hostile_folder), *[f"--exercise={e}" for e in EXERCISES],
                       "--output", str(tmp_path / "report.json"))
    assert result.code == 0, result.stderr
    _assert_clean(result.stdout)
    _assert_clean(result.stderr)
    assert max(len(line) for line in result.stdout.splitlines()) <= 120


def test_text_rendering_itself_adds_only_the_kits_own_styles(kit, hostile_folder):
    from gradekit.report.text import render_text
    import re

    report = grade_submission(kit, hostile_folder, exercises=["ex03_fetch_all", "ex07_bounded_concurrency"])
    text = re.sub(r"\x1b\[\d+m", "", render_text(report))  # click.style's bold and colours
    _assert_clean(text)


def test_cleaning_never_turns_decorated_output_into_the_expected_output(kit, submission):
    decorated = reference_source(kit, "ex01_hello_loop").replace("print(\"Hello\")", "print(\"\\x1b[1mHello\\x1b[0m\")")
    decorated = decorated.replace("print('Hello')", "print('\\x1b[1mHello\\x1b[0m')")
    assert decorated != reference_source(kit, "ex01_hello_loop")
    folder = submission({"ex01_hello_loop.py": decorated})
    report = grade_submission(kit, folder, exercises=["ex01_hello_loop"])
    output_check = next(t for t in report.exercises[0].tests if "output is exactly" in t.name)
    assert output_check.status == "failed"
    assert "\x1b" not in output_check.feedback
