"""Finding the students of a batch folder and taking their files (gradekit/batch/intake.py, digest.py)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import traceback
import zipfile
from pathlib import Path

import pytest

from gradekit.batch.digest import kit_digest, submission_digest
from gradekit.batch.intake import Refused, find_submissions, take
from gradekit.kit import Kit
from tests.conftest import ROOT

EX = "ex03_fetch_all"


def zip_of(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def module_folder(parent: Path, name: str, source: str = "x = 1\n") -> Path:
    folder = parent / name
    folder.mkdir()
    (folder / f"{EX}.py").write_text(source)
    return folder


def by_student(folder: Path) -> dict:
    return {e.student: e for e in find_submissions(folder)}


def test_folders_and_zips_are_students_and_everything_else_says_why_not(tmp_path):
    module_folder(tmp_path, "alice")
    zip_of(tmp_path / "bob.ZIP", {f"{EX}.py": "x = 1\n"})
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "carol.py").write_text("x = 1\n")
    os.symlink(tmp_path / "alice", tmp_path / "dave")
    os.mkfifo(tmp_path / "erin.zip")
    (tmp_path / ".DS_Store").write_text("junk")
    entries = by_student(tmp_path)
    assert entries["alice"].kind == "folder" and entries["bob"].kind == "zip"
    assert ".DS_Store" not in entries
    refused = {name: e for name, e in entries.items() if e.kind == "refused"}
    assert set(refused) == {"notes.txt", "carol.py", "dave", "erin.zip"}
    assert all(e.status == "rejected" for e in refused.values())
    assert "stray file" in refused["notes.txt"].reason and "stray file" in refused["carol.py"].reason
    assert "symbolic link" in refused["dave"].reason
    assert "FIFO" in refused["erin.zip"].reason


@pytest.mark.parametrize("other", ["alice.zip", "Alice", "ALICE.zip", "alic\u0065\u0301"])
def test_two_entries_naming_one_student_are_both_held_back(tmp_path, other):
    name = "alic\u00e9" if "\u0301" in other else "alice"  # composed é against e + combining accent
    module_folder(tmp_path, name)
    if other.lower().endswith(".zip"):
        zip_of(tmp_path / other, {f"{EX}.py": "x = 2\n"})
    else:
        module_folder(tmp_path, other)
    entries = find_submissions(tmp_path)
    assert len(entries) == 1
    assert entries[0].status == "duplicate" and entries[0].kind == "refused"
    assert "keep one" in entries[0].reason


def test_a_name_with_control_characters_is_rejected_and_shown_cleaned(tmp_path):
    module_folder(tmp_path, "eve\x1b[2J\u202e")
    (entry,) = find_submissions(tmp_path)
    assert entry.status == "rejected" and "\x1b" not in entry.student and "\u202e" not in entry.student
    assert "rename" in entry.reason


def test_a_name_too_long_for_its_report_file_is_rejected(tmp_path):
    module_folder(tmp_path, "\u00e9" * 101)  # 202 bytes of UTF-8: with ".json" and a temporary name, over 255
    module_folder(tmp_path, "\u00e9" * 100)
    entries = sorted(find_submissions(tmp_path), key=lambda e: len(e.student))
    assert entries[0].kind == "folder"
    assert entries[1].status == "rejected" and "200 bytes" in entries[1].reason


def test_empty_folders_and_zips_are_empty(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / ".hidden").write_text("")
    zip_of(tmp_path / "bob.zip", {"folder/": ""})
    entries = by_student(tmp_path)
    for student in ("alice", "bob"):
        with pytest.raises(Refused) as why:
            take(entries[student], [EX], [EX], tmp_path)
        assert why.value.status == "empty"


def test_an_unsafe_zip_is_rejected_with_its_reason(tmp_path):
    zip_of(tmp_path / "mallory.zip", {"../../evil.py": "x = 1\n"})
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with pytest.raises(Refused) as why:
        take(by_student(tmp_path)["mallory"], [EX], [EX], scratch)
    assert why.value.status == "rejected" and "leaves its folder" in why.value.reason
    assert list(scratch.iterdir()) == [], "the unpacked files are removed"


def test_a_zip_and_a_folder_with_the_same_modules_give_the_same_digest(tmp_path):
    module_folder(tmp_path, "alice", "print('hi')\n")
    zip_of(tmp_path / "bob.zip", {f"bob/{EX}.py": "print('hi')\n", "bob/notes.txt": "ignored"})
    zip_of(tmp_path / "carol.zip", {f"{EX}.py": "print('bye')\n"})
    entries = by_student(tmp_path)
    digests = {}
    for student, entry in entries.items():
        workspace = take(entry, [EX], [EX], tmp_path)
        try:
            digests[student] = submission_digest(workspace, [EX])
        finally:
            workspace.cleanup()
    assert digests["alice"] == digests["bob"] != digests["carol"]


def test_a_module_refused_by_the_workspace_changes_the_digest(tmp_path):
    alice = module_folder(tmp_path, "alice")
    (entry,) = find_submissions(tmp_path)
    first = take(entry, [EX], [EX], tmp_path)
    (alice / f"{EX}.py").unlink()
    os.symlink(ROOT / "exercises" / EX / "reference.py", alice / f"{EX}.py")
    second = take(entry, [EX], [EX], tmp_path)
    try:
        assert EX not in second.present and "symbolic link" in second.rejected[EX]
        assert submission_digest(first, [EX]) != submission_digest(second, [EX])
    finally:
        first.cleanup()
        second.cleanup()


def test_the_kit_digest_follows_the_checks(tmp_path):
    copy = tmp_path / "kit"
    shutil.copytree(ROOT / "exercises", copy / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "graders", copy / "graders", ignore=shutil.ignore_patterns("__pycache__"))
    kit = Kit.at(copy)
    before = kit_digest(kit)
    (copy / "exercises" / EX / "reference.py").write_text("# a reference does not grade anyone\n")
    assert kit_digest(kit) == before
    with open(copy / "graders" / EX / f"test_{EX}_hidden.py", "a") as hidden:
        hidden.write("\n# changed\n")
    assert kit_digest(kit) != before


def probe_as(user: int, classroom: Path, scratch: Path) -> dict:
    """What intake makes of ``classroom`` in a forked child running as ``user`` (root reads everything)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, take every entry, report, and never return into pytest
        code = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(user)
            os.setuid(user)
            seen = {}
            for entry in find_submissions(classroom):
                try:
                    take(entry, [EX], [EX], scratch).cleanup()
                    seen[entry.student] = "taken"
                except Refused as why:
                    seen[entry.student] = [why.status, why.reason]
            os.write(write, json.dumps(seen).encode())
            code = 0
        except BaseException as exc:  # noqa: BLE001 - said through the pipe, since the child cannot raise
            os.write(write, json.dumps({"probe failed": "".join(traceback.format_exception(exc))}).encode())
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, data
    return json.loads(data)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="needs root to take the submissions as another user (root reads everything)")
def test_unreadable_folders_and_zips_are_unreadable():
    base = Path(tempfile.mkdtemp(prefix="gradekit-unreadable-"))  # pytest's tmp_path is private to root
    try:
        base.chmod(0o755)
        classroom, scratch = base / "class", base / "scratch"
        classroom.mkdir()
        classroom.chmod(0o755)
        scratch.mkdir()
        scratch.chmod(0o777)  # not through mkdir's mode, which the umask trims
        module_folder(classroom, "alice").chmod(0o000)
        zip_of(classroom / "bob.zip", {f"{EX}.py": "x = 1\n"}).chmod(0o000)
        module_folder(classroom, "carol").chmod(0o755)
        (classroom / "carol" / f"{EX}.py").chmod(0o644)
        seen = probe_as(65534, classroom, scratch)
        assert seen["carol"] == "taken"
        assert seen["alice"][0] == "unreadable" and "Permission denied" in seen["alice"][1]
        assert seen["bob"][0] == "unreadable" and "Permission denied" in seen["bob"][1]
    finally:
        shutil.rmtree(base, ignore_errors=True)
