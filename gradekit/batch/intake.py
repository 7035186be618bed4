"""Finding the students in a batch folder, and taking each one's submission.

A batch folder holds one entry per student: a folder ``alice/`` or an archive
``alice.zip`` (the student's name is the entry's name without ``.zip``). Names that
start with a dot (``.DS_Store``, ``.git``) are skipped. :func:`find_submissions` lists
the entries and sets aside, with a status and a reason, those that cannot be a
submission:

- a stray file (``notes.txt``, ``alice.py``): ``rejected``;
- a symbolic link, a FIFO, a socket or a device: ``rejected`` (never followed or opened);
- a name with control or invisible characters, or a backslash, which could not
  name a report file safely: ``rejected``;
- two entries naming the same student (``alice/`` and ``alice.zip``; names are
  compared after Unicode normalisation and case folding, as a case-insensitive file
  system would): ``duplicate``, neither graded, since only the instructor knows which
  one counts.

:func:`take` then takes one entry's exercise modules into a
:class:`~gradekit.sandbox.workspace.Workspace` (which refuses links, FIFOs and
oversized modules, see there), unpacking an archive safely first
(:mod:`gradekit.batch.unzip`). It raises :class:`Refused` for an ``empty`` folder or
archive, an ``unreadable`` one, or an unsafe archive (``rejected``).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from gradekit.batch.unzip import DEFAULT_CAPS, UnsafeArchive, ZipCaps, unpack
from gradekit.report.model import NAME
from gradekit.report.sanitize import clean
from gradekit.sandbox.workspace import SubmissionError, Workspace

__all__ = ["Entry", "Refused", "find_submissions", "student_key", "take", "usable_name"]

ARCHIVE_SUFFIX = ".zip"
#: The longest student name, in bytes of UTF-8 (see :func:`usable_name`).
NAME_BYTES = 200


class Refused(Exception):
    """A submission that is not graded: its ``status`` (a manifest status) and the ``reason``."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Entry:
    """One student's entry in the batch folder.

    ``kind`` is ``folder`` or ``zip``, or ``refused`` when the entry was set aside at
    discovery (then ``status`` and ``reason`` say why). ``source`` is what the entry is
    called in the batch folder (``alice/``, ``alice.zip``), for the instructor.
    """

    student: str
    source: str
    path: Path
    kind: str
    status: str = ""
    reason: str = ""

    @property
    def key(self) -> str:
        return student_key(self.student)


def student_key(name: str) -> str:
    """The identity of a student name: ``Alice``, ``alice`` and a decomposed ``alicé`` are one student each."""
    return unicodedata.normalize("NFC", name).casefold()


def usable_name(name: str) -> bool:
    """Whether ``name`` can name a student and their report file as it is.

    File systems cap a name at 255 bytes; the report adds ``.json`` and its atomic write
    a temporary name around that, hence :data:`NAME_BYTES`.
    """
    return (bool(name) and not name.startswith(".") and "/" not in name and "\\" not in name
            and clean(name, NAME) == name and len(name.encode("utf-8", "surrogateescape")) <= NAME_BYTES)


def find_submissions(folder: Path) -> list[Entry]:
    """The entries of ``folder``, one per student, sorted by name (``OSError`` if it cannot be listed)."""
    with os.scandir(folder) as listing:
        found = sorted((entry.name, _classify(folder, entry)) for entry in listing if not entry.name.startswith("."))
    by_key: dict[str, list[Entry]] = {}
    for _, entry in found:
        by_key.setdefault(entry.key, []).append(entry)
    return sorted((group[0] if len(group) == 1 else _duplicate(group) for group in by_key.values()),
                  key=lambda e: e.student)


def _classify(folder: Path, entry: os.DirEntry) -> Entry:
    path = folder / entry.name
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        return Entry(clean(entry.name, NAME), entry.name, path, "refused", "unreadable",
                     f"{clean(entry.name, NAME)} cannot be examined ({exc.strerror or exc})")
    if stat.S_ISDIR(mode):
        kind, student, source = "folder", entry.name, entry.name + "/"
    elif stat.S_ISREG(mode) and entry.name.lower().endswith(ARCHIVE_SUFFIX):
        kind, student, source = "zip", entry.name[:-len(ARCHIVE_SUFFIX)], entry.name
    else:
        kind, student, source = "refused", entry.name, entry.name
    shown = clean(student, NAME)
    if kind == "refused":
        return Entry(shown, clean(source, NAME), path, kind, "rejected", _not_a_submission(shown, mode))
    if not usable_name(student):
        return Entry(shown or "(unnamed)", clean(source, NAME), path, "refused", "rejected",
                     f"the name {shown!r} has control or invisible characters, a backslash, or is over "
                     f"{NAME_BYTES} bytes long: "
                     "rename the entry to the student's plain name")
    return Entry(student, source, path, kind)


def _not_a_submission(name: str, mode: int) -> str:
    if stat.S_ISLNK(mode):
        return f"{name} is a symbolic link: put the submission itself (a folder or a .zip) in the batch folder"
    if stat.S_ISREG(mode):
        return (f"{name} is a stray file, not a submission: each student's modules go in a folder or a .zip "
                "named after the student")
    return f"{name} is not a folder or a .zip (a FIFO, socket or device)"


def _duplicate(group: list[Entry]) -> Entry:
    sources = ", ".join(e.source for e in group)
    first = min(group, key=lambda e: e.student)
    return Entry(first.student, sources, first.path, "refused", "duplicate",
                 f"{sources} all name student {first.student}: keep one of them and run the batch again")


def take(entry: Entry, exercise_ids: list[str], known: list[str], scratch: Path,
         caps: ZipCaps = DEFAULT_CAPS) -> Workspace:
    """The workspace of ``entry``'s modules; :class:`Refused` when there is nothing to grade or it is unsafe.

    An archive is unpacked under ``scratch`` and removed once its modules are copied.
    """
    if entry.kind == "refused":
        raise Refused(entry.status, entry.reason)
    if entry.kind == "folder":
        return _workspace(entry, entry.path, exercise_ids, known)
    unpacked = Path(tempfile.mkdtemp(prefix="unzip-", dir=scratch))
    try:
        try:
            root = unpack(entry.path, unpacked, caps)
        except UnsafeArchive as why:
            raise Refused("rejected", f"{entry.source} {why}") from why
        except OSError as exc:
            raise Refused("unreadable", f"{entry.source} cannot be read ({exc.strerror or exc})") from exc
        return _workspace(entry, root, exercise_ids, known)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


def _workspace(entry: Entry, root: Path, exercise_ids: list[str], known: list[str]) -> Workspace:
    try:
        with os.scandir(root) as listing:
            empty = not any(not e.name.startswith(".") for e in listing)
    except OSError as exc:
        raise Refused("unreadable", f"{entry.source} cannot be read ({exc.strerror or exc})") from exc
    if empty:
        raise Refused("empty", f"{entry.source} is empty: nothing was submitted")
    try:
        return Workspace.create(root, exercise_ids, known=known)
    except SubmissionError as exc:
        raise Refused("unreadable", f"{entry.source} cannot be read: {exc}") from exc
