"""``python grade.py batch`` and ``merge`` end to end: real gradings in the sandbox, as an instructor runs them.

The classes are small and graded on one exercise (``--exercise ex03``) so the file
stays fast; tests/test_batch_runner.py covers scheduling with a stand-in engine, and
benchmarks/batch.py grades full submissions by the hundred.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gradekit.batch import Manifest
from gradekit.batch.intake import student_key
from gradekit.batch.shard import Shard
from tests.conftest import ROOT, assert_valid_report, run_grade

EX = "ex03_fetch_all"
needs_namespaces = pytest.mark.skipif(shutil.which("bwrap") is None or not sys.platform.startswith("linux"),
                                      reason="batch requires full isolation (bubblewrap) by default")


def reference() -> str:
    return (ROOT / "exercises" / EX / "reference.py").read_text()


def stub() -> str:
    return (ROOT / "exercises" / EX / "stub.py").read_text()


def zip_of(path: Path, members: dict[str, str | bytes], link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if link is not None:
            info = zipfile.ZipInfo(link)
            info.external_attr = 0o120777 << 16
            zf.writestr(info, "/etc/passwd")
    return path


def folder_of(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).write_text(text)
    return path


def gradebook(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def batch(source: Path, out: Path, *options: str):
    return run_grade("batch", str(source), "--output", str(out), "--exercise", "ex03", "--jobs", "2", *options)


@pytest.fixture
def bad_class(tmp_path) -> Path:
    """Two good submissions and one of every kind of bad input."""
    room = tmp_path / "class"
    folder_of(room / "alice", {f"{EX}.py": reference(), "notes.txt": "my notes"})
    zip_of(room / "bob.zip", {f"bob/{EX}.py": stub()})
    (room / "empty").mkdir()
    (room / "stray.txt").write_text("not a submission")
    zip_of(room / "slip.zip", {f"{EX}.py": reference(), "../../escaped.py": "x = 1"})
    zip_of(room / "absolute.zip", {"/tmp/gradekit-absolute.py": "x = 1"})
    zip_of(room / "linked.zip", {}, link=f"{EX}.py")
    zip_of(room / "bomb.zip", {"padding.bin": b"\0" * (21 << 20)})  # 21 MiB of zeros, ~21 KiB zipped
    zip_of(room / "crowd.zip", {f"f{i}.txt": "" for i in range(501)})
    (room / "garbage.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    folder_of(room / "carol", {f"{EX}.py": reference()})
    zip_of(room / "carol.zip", {f"{EX}.py": stub()})
    folder_of(room / "hostile", {f"{EX}.py": "import os\nos.system('kill -9 -1')\nwhile True:\n    pass\n"})
    return room


@needs_namespaces
def test_every_kind_of_bad_input_gets_a_status_and_the_batch_goes_on(bad_class, tmp_path):
    out = tmp_path / "out"
    result = batch(bad_class, out)
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    rows = gradebook(out)
    manifest = Manifest.load(out)
    statuses = {student: row["status"] for student, row in rows.items()}
    assert statuses == {"alice": "graded", "bob": "graded", "hostile": "graded", "empty": "empty",
                        "stray.txt": "rejected", "slip": "rejected", "absolute": "rejected", "linked": "rejected",
                        "bomb": "rejected", "crowd": "rejected", "garbage": "rejected", "carol": "duplicate"}
    reasons = {s: r.reason for s, r in manifest.submissions.items()}
    for student, words in {"slip": "leaves its folder", "absolute": "absolute path", "linked": "symbolic link",
                           "bomb": "over the limit", "crowd": "501 entries", "garbage": "not a readable zip",
                           "stray.txt": "stray file", "carol": "carol/, carol.zip", "empty": "empty"}.items():
        assert words in reasons[student], (student, reasons[student])
    assert float(rows["alice"]["total"]) == float(rows["alice"]["max_total"]) == 10
    assert float(rows["bob"]["total"]) == 0 and float(rows["hostile"]["total"]) == 0
    assert not Path("/tmp/gradekit-absolute.py").exists() and not (tmp_path / "escaped.py").exists()
    for student in ("alice", "bob", "hostile"):
        report = assert_valid_report(json.loads((out / "reports" / f"{student}.json").read_text()))
        assert report["submission"] == student and report["warnings"] == []
        assert report["environment"]["isolation"] == "namespaces"
    assert {p.name for p in (out / "reports").iterdir()} == {"alice.json", "bob.json", "hostile.json"}
    alice = json.loads((out / "reports" / "alice.json").read_text())
    assert alice["ignored"] == [{"path": "notes.txt", "reason": "not an exercise module"}]
    # The summary on stdout, progress on stderr as plain lines (not a terminal here).
    assert "ex03_fetch_all" in result.stdout and "Checks failed most often" in result.stdout
    assert "[12/12]" in result.stderr and "rejected" in result.stderr
    assert (out / "dashboard" / "index.html").is_file()


@needs_namespaces
def test_a_grading_that_overruns_is_stopped_and_the_rest_goes_on(tmp_path):
    room = tmp_path / "class"
    # Every check of a busy loop runs to its own limit: grading it takes about 10 s.
    folder_of(room / "busy", {f"{EX}.py": "async def fetch_all(urls, fetch):\n    while True:\n        pass\n"})
    (room / "stray.txt").write_text("x")
    out = tmp_path / "out"
    result = batch(room, out, "--timeout", "2")
    assert result.code == 0, result.stderr
    rows = gradebook(out)
    assert rows["busy"]["status"] == "timeout" and rows["stray.txt"]["status"] == "rejected"
    assert "longer than 2 s" in Manifest.load(out).submissions["busy"].reason
    assert not (out / "reports" / "busy.json").exists()


@needs_namespaces
def test_three_shards_merged_give_exactly_the_gradebook_of_one_run(tmp_path):
    room = tmp_path / "class"
    folder_of(room / "alice", {f"{EX}.py": reference()})
    zip_of(room / "bob.zip", {f"{EX}.py": stub()})
    variant = min((ROOT / "exercises" / EX / "variants").glob("*.py"))
    folder_of(room / "carol", {f"{EX}.py": variant.read_text()})
    zip_of(room / "dave.zip", {"../x.py": "x = 1"})
    (room / "erin").mkdir()
    (room / "notes.txt").write_text("x")
    whole = tmp_path / "whole"
    assert batch(room, whole).code == 0
    shards = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}"
        result = batch(room, out, "--shard", f"{k}/3")
        assert result.code == 0, result.stderr
        expected = {p.name.removesuffix(".zip") for p in room.iterdir() if Shard(k, 3).holds(student_key(
            p.name.removesuffix(".zip")))}
        assert set(Manifest.load(out).submissions) == expected
        assert Manifest.load(out).shard == f"{k}/3"
        shards.append(str(out))
    merged = tmp_path / "merged"
    result = run_grade("merge", *shards, "--output", str(merged))
    assert result.code == 0, result.stderr
    assert (merged / "gradebook.csv").read_bytes() == (whole / "gradebook.csv").read_bytes()
    assert len(gradebook(merged)) == 6
    for report in (merged / "reports").iterdir():
        mine, theirs = json.loads(report.read_text()), json.loads((whole / "reports" / report.name).read_text())
        for data in (mine, theirs):
            data.pop("duration_s")
        assert mine == theirs
    assert (merged / "dashboard" / "index.html").is_file()
    assert "Merged 3 output folder(s)" in result.stdout


@needs_namespaces
def test_a_rerun_grades_only_what_changed(tmp_path):
    room = tmp_path / "class"
    folder_of(room / "alice", {f"{EX}.py": reference()})
    folder_of(room / "bob", {f"{EX}.py": stub()})
    out = tmp_path / "out"
    assert "2 graded by this run, 0 unchanged" in batch(room, out).stdout
    again = batch(room, out)
    assert "0 graded by this run, 2 unchanged" in again.stdout
    assert "alice: unchanged since the last run, kept (10/10)" in again.stderr
    (room / "bob" / f"{EX}.py").write_text(reference())
    (room / "alice" / "notes.txt").write_text("a file that is not graded changes nothing")
    changed = batch(room, out)
    assert "1 graded by this run, 1 unchanged" in changed.stdout
    assert float(gradebook(out)["bob"]["total"]) == 10
    assert "2 graded by this run, 0 unchanged" in batch(room, out, "--force").stdout
    other_exercises = run_grade("batch", str(room), "--output", str(out), "--exercise", "ex04")
    assert "2 graded by this run, 0 unchanged" in other_exercises.stdout, "other settings: nothing is kept"


def test_weak_isolation_is_refused_unless_allowed_and_then_every_report_says_so(tmp_path):
    room = tmp_path / "class"
    folder_of(room / "alice", {f"{EX}.py": reference()})
    no_bwrap = {**os.environ, "PATH": str(tmp_path / "no-such-bin")}  # bwrap cannot be found: no namespaces
    command = [sys.executable, str(ROOT / "grade.py"), "batch", str(room), "--exercise", "ex03"]
    refused = subprocess.run([*command, "--output", str(tmp_path / "refused")], env=no_bwrap, cwd=ROOT,
                             capture_output=True, text=True, timeout=300, check=False)
    assert refused.returncode == 1 and "--allow-weak-isolation" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "refused").exists()
    weak = tmp_path / "weak"
    allowed = subprocess.run([*command, "--output", str(weak), "--allow-weak-isolation"], env=no_bwrap, cwd=ROOT,
                             capture_output=True, text=True, timeout=300, check=False)
    assert allowed.returncode == 0, allowed.stderr
    report = assert_valid_report(json.loads((weak / "reports" / "alice.json").read_text()))
    assert report["environment"]["isolation"] == "process" and report["score"] == report["max_score"]
    assert len(report["warnings"]) == 1 and "--allow-weak-isolation" in report["warnings"][0]
    assert "without Linux namespaces" in report["warnings"][0]
    assert Manifest.load(weak).isolation == "weak"


def test_bad_arguments_exit_1_with_a_message(tmp_path):
    for args, words in [(["batch", str(tmp_path / "nope")], "not a folder"),
                        (["batch", str(tmp_path), "--shard", "4/3"], "1 <= K <= N"),
                        (["batch", str(tmp_path), "--shard", "two"], "K/N"),
                        (["batch", str(tmp_path), "--exercise", "ex99"], "unknown exercise"),
                        (["merge", "--output", str(tmp_path / "m")], "Missing argument")]:
        result = run_grade(*args, "--allow-weak-isolation") if args[0] == "batch" else run_grade(*args)
        assert result.code == 1 and words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
