"""The fresh folder a child runs in: only the submission's exercise modules.

Intake is the first place untrusted input meets the grader, so it takes only what it
can vouch for: for each exercise, a *regular file* named ``<exercise id>.py`` at the
top of the submission folder, opened without following links (``O_NOFOLLOW``, and
``O_NONBLOCK`` so a FIFO cannot make it wait), checked with ``fstat`` on the open
descriptor, and at most :data:`MAX_MODULE_BYTES` long. A symbolic link (to a
reference solution, to ``/etc/passwd``, dangling), a folder, a FIFO or device, an
oversized or unreadable file is not copied: its exercise counts as missing, with the
reason. Other entries of the folder are listed as ignored (at most
:data:`MAX_LISTED`), except the files a student's copy of the template holds anyway.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_MODULE_BYTES = 256 * 1024
MAX_LISTED = 50
NOT_A_MODULE = "not an exercise module"
# A student's copy of the template holds these besides its modules (gradekit/template.py),
# and grading writes grade-report.json there: they are not worth listing as ignored.
#: What a student's folder holds besides exercise modules (see gradekit/export.py): never
#: listed as "not graded". Dot-files (.github, .gitignore, .gitlab-ci.yml) are skipped anyway.
TEMPLATE_FILES = frozenset({"grade.py", "README.md", "requirements.txt", "tasks", "checks", "wheels",
                            "grade-report.json", "grade-report.xml", "report.html", "__pycache__"})
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class SubmissionError(Exception):
    """The submission folder cannot be graded at all (missing, not a folder, unreadable)."""


class Rejected(Exception):
    """An exercise module that is not taken: ``what`` it is and the ``advice`` for the student."""

    def __init__(self, what: str, advice: str) -> None:
        super().__init__(f"{what}: {advice}")
        self.what = what
        self.advice = advice

    def feedback(self, name: str) -> str:
        return f"{name} was not graded: it is {self.what}. {self.advice[0].upper()}{self.advice[1:]}."


LINK = Rejected("a symbolic link", "submit the file itself, not a link")


def _unreadable(exc: OSError) -> Rejected:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Rejected("unreadable (permission denied)", "make the file readable")
    return Rejected(f"unreadable ({exc.strerror or exc})", "submit the module as an ordinary file")


def _kind(mode: int) -> Rejected | None:
    """Why a file of this mode is not taken, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return LINK
    if stat.S_ISDIR(mode):
        return Rejected("a folder", "submit the module file itself at the top of the submission folder")
    return Rejected("not a regular file (a FIFO, socket or device)", "submit the module as an ordinary file")


def _too_big(size: int | None) -> Rejected:
    cap = f"{MAX_MODULE_BYTES // 1024} KiB"
    what = f"{-(-size // 1024)} KiB, over the {cap} limit" if size else f"over the {cap} limit"
    return Rejected(what, f"a module may hold at most {cap}: submit only your solution's source")


def read_module(dir_fd: int, name: str) -> bytes:
    """The content of ``name`` in the folder ``dir_fd``; :class:`Rejected` says why not."""
    try:
        before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError as exc:
        raise _unreadable(exc) from exc
    rejected = _kind(before.st_mode)  # devices are refused before they are ever opened
    if rejected is not None:
        raise rejected
    try:
        fd = os.open(name, _OPEN_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # replaced by a link since the stat
            raise LINK from exc
        raise _unreadable(exc) from exc
    try:
        opened = os.fstat(fd)  # what was opened is what counts
        rejected = _kind(opened.st_mode) or (_too_big(opened.st_size) if opened.st_size > MAX_MODULE_BYTES else None)
        if rejected is not None:
            raise rejected
        chunks, size = [], 0
        while size <= MAX_MODULE_BYTES:
            chunk = os.read(fd, MAX_MODULE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_MODULE_BYTES:  # it grew while being read
            raise _too_big(None)
        return b"".join(chunks)
    except OSError as exc:
        raise _unreadable(exc) from exc
    finally:
        os.close(fd)


@dataclass
class Workspace:
    """A temporary copy of ``<exercise id>.py`` files; nothing else is copied.

    ``present`` holds the exercises whose module was taken; ``rejected`` maps an
    exercise whose module was found but refused to the feedback saying why; ``ignored``
    lists ``(name, reason)`` for every entry of the submission folder that was left out.
    """

    path: Path
    present: frozenset[str]
    rejected: dict[str, str] = field(default_factory=dict)
    ignored: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def create(cls, submission: Path, exercise_ids: list[str], known: list[str] | None = None) -> Workspace:
        """Take the modules of ``exercise_ids`` from ``submission``.

        ``known`` are all the kit's exercises: the modules of those not graded now are
        left out without being listed.
        """
        if not submission.exists():
            raise SubmissionError(f"submission folder not found: {submission}")
        if not submission.is_dir():
            raise SubmissionError(f"not a folder: {submission} (give the folder that holds the exercise modules)")
        wanted = {f"{ex_id}.py": ex_id for ex_id in exercise_ids}
        expected = TEMPLATE_FILES | {f"{ex_id}.py" for ex_id in known or ()}
        path = Path(tempfile.mkdtemp(prefix="gradekit-"))
        present, rejected, refused, stray = set(), {}, [], []
        try:
            dir_fd = os.open(submission, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                with os.scandir(dir_fd) as entries:
                    listing = sorted((entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries)
                for name, is_dir in listing:
                    if name in wanted:
                        try:
                            (path / name).write_bytes(read_module(dir_fd, name))
                            present.add(wanted[name])
                        except Rejected as why:
                            rejected[wanted[name]] = why.feedback(name)
                            refused.append((name, str(why)))
                    elif name not in expected and not name.startswith("."):
                        stray.append((name + ("/" if is_dir else ""), NOT_A_MODULE))
            finally:
                os.close(dir_fd)
        except OSError as exc:
            shutil.rmtree(path, ignore_errors=True)
            raise SubmissionError(f"cannot read the submission {submission}: {exc}") from exc
        ignored = (refused + stray)[:MAX_LISTED]
        if len(refused) + len(stray) > MAX_LISTED:
            ignored.append(("…", f"{len(refused) + len(stray) - MAX_LISTED} more entries, not listed"))
        return cls(path=path, present=frozenset(present), rejected=rejected, ignored=ignored)

    @classmethod
    def from_file(cls, module_file: Path, exercise_id: str) -> Workspace:
        """A workspace holding one file under the exercise's module name (references, variants)."""
        path = Path(tempfile.mkdtemp(prefix="gradekit-"))
        shutil.copyfile(module_file, path / f"{exercise_id}.py")
        return cls(path=path, present=frozenset({exercise_id}))

    def cleanup(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
