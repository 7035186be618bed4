"""Reading a batch's output folder into dataclasses the dashboard can draw.

A batch (``python grade.py batch``) or a merge leaves in ``OUT/``::

    manifest.json            every submission: its status, reason, score, flag, report path
    reports/<student>.json   each graded submission's JSON report (the normal report)

:func:`load_output` reads only those. Everything in them is treated as untrusted: the
student names are the submissions' folder or zip names, and feedback quotes what student
code did; a merge may also combine folders written on other machines. So:

- a report is read only from inside ``OUT/reports/`` (a manifest entry pointing
  elsewhere, through ``..`` or a symbolic link, is refused), only if it is a regular
  file under :data:`REPORT_LIMIT` bytes, and only if it is a JSON object;
- every text is cleaned (:func:`gradekit.report.sanitize.clean`: no control characters,
  bounded) and every number checked, so a damaged report costs only its own student,
  who is then listed as not graded with the reason;
- the pages escape all of it again (``html.escape``): cleaning bounds the text,
  escaping makes it inert.

A missing or unreadable ``manifest.json`` is the one error that stops the dashboard
(:class:`DashboardError`): without it there is no class to show.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from gradekit.report.model import FEEDBACK, LABEL, NAME
from gradekit.report.sanitize import clean

__all__ = ["Check", "ClassOutput", "DashboardError", "Exercise", "Student", "load_output", "page_name"]

REPORT_LIMIT = 8 * 1024 * 1024  # a full report is ~60 KB; anything much larger is not one of ours
MANIFEST_LIMIT = 64 * 1024 * 1024  # ~300 bytes a submission: room for a very large class


class DashboardError(Exception):
    """The output folder cannot be shown: its manifest is missing or is not a batch's manifest."""


@dataclass(frozen=True)
class Check:
    """One check of one exercise in one student's report."""

    exercise: str
    id: str
    name: str
    status: str  # passed, failed, error, timeout
    score: float
    max_score: float
    visibility: str
    feedback: str = ""
    #: The check's calls on its clock, as the report holds it: checked, cleaned and escaped when
    #: drawn (:func:`gradekit.report.timeline.svg_chart`), where a malformed one is named instead.
    timeline: dict | None = None


@dataclass(frozen=True)
class Exercise:
    id: str
    status: str  # graded, missing, error
    score: float
    max_score: float
    feedback: str = ""
    flag_reason: str = ""
    checks: list[Check] = field(default_factory=list)


@dataclass(frozen=True)
class Student:
    """A submission of the batch: what the manifest says about it, and its report when there is one."""

    name: str  # as the manifest names it, cleaned
    page: str  # its page's file name under dashboard/students/, safe on any file system
    status: str  # the manifest's: graded, error, rejected, timeout, …
    reason: str = ""
    source: str = ""  # what the batch read: the folder or zip's name (the manifest's "source"), if it says
    score: float | None = None
    max_score: float | None = None
    flagged: bool = False
    flag_reason: str = ""
    exercises: list[Exercise] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    duration_s: float | None = None

    @property
    def graded(self) -> bool:
        """Graded, with a report the dashboard could read."""
        return self.status == "graded" and self.score is not None


@dataclass(frozen=True)
class ClassOutput:
    """The whole batch output: the students sorted by name."""

    out_dir: Path
    kit_version: str
    shard: str | None
    students: list[Student]
    gradebook: bool = False  # OUT/gradebook.csv is there (the class page links it)


# -- small readers: untrusted values in, clean values (or None) out --------------------

def _text(value: object, limit: int = NAME, *, multiline: bool = False) -> str:
    return "" if value is None else clean(value, limit, multiline=multiline)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _dicts(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _read_json(path: Path, limit: int) -> object:
    """Parse the regular file at ``path`` (never through a symbolic link); OSError or ValueError if it is not one."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > limit:
            raise ValueError(f"larger than {limit // 1024 // 1024} MiB")
        return json.loads(handle.read(limit + 1).decode("utf-8"))


# -- page names -------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def page_name(student: str, taken: set[str]) -> str:
    """A file name for ``student``'s page: letters, digits, ``_`` and ``-`` only, then ``.html``.

    A name that had to change (``../x``, spaces, accents, a leading dot) or that would
    collide with one in ``taken`` on a case-insensitive file system gets a short digest
    of the original, so two students never share a page. ``taken`` (lower-cased names
    already given) is updated.
    """
    slug = _UNSAFE.sub("_", student).strip("_")[:60] or "student"
    if slug != student or slug.lower() in taken:
        base = f"{slug}-{hashlib.sha256(student.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"
        slug, count = base, 1
        while slug.lower() in taken:  # a student may be named like another's digest name
            count += 1
            slug = f"{base}-{count}"
    taken.add(slug.lower())
    return f"{slug}.html"


# -- reports ----------------------------------------------------------------------------

def _check(exercise: str, data: dict) -> Check:
    timeline = data.get("timeline")
    return Check(exercise=exercise, id=_text(data.get("id")), name=_text(data.get("name")) or "(unnamed check)",
                 status=_text(data.get("status")) or "error", score=_number(data.get("score")) or 0.0,
                 max_score=_number(data.get("max_score")) or 0.0, visibility=_text(data.get("visibility")),
                 feedback=_text(data.get("feedback"), FEEDBACK, multiline=True),
                 timeline=timeline if isinstance(timeline, dict) else None)


def _exercise(data: dict) -> Exercise:
    ex_id = _text(data.get("id")) or "(unnamed exercise)"
    return Exercise(id=ex_id, status=_text(data.get("status")) or "error",
                    score=_number(data.get("score")) or 0.0, max_score=_number(data.get("max_score")) or 0.0,
                    feedback=_text(data.get("feedback"), FEEDBACK, multiline=True),
                    flag_reason=_text(data.get("flag_reason"), FEEDBACK),
                    checks=[_check(ex_id, t) for t in _dicts(data.get("tests"))])


def _report_path(out_dir: Path, value: object) -> Path:
    """The report file a manifest entry names, which must be directly inside ``OUT/reports/``."""
    if not isinstance(value, str) or not value:
        raise ValueError("the manifest names no report")
    reports = (out_dir / "reports").resolve()
    path = (out_dir / value).resolve()
    if path.parent != reports:
        raise ValueError("the manifest names a report outside reports/")
    return path


def _student(out_dir: Path, name: str, entry: dict, page: str) -> Student:
    base = {"name": name, "page": page, "status": _text(entry.get("status")) or "unknown",
            "reason": _text(entry.get("reason"), FEEDBACK), "source": _text(entry.get("source"), LABEL),
            "flagged": entry.get("flagged") is True,
            "flag_reason": _text(entry.get("flag_reason"), FEEDBACK)}
    if base["status"] != "graded":
        return Student(**base)
    try:
        report = _read_json(_report_path(out_dir, entry.get("report")), REPORT_LIMIT)
        if not isinstance(report, dict) or _number(report.get("score")) is None:
            raise ValueError("it is not a grading report")
    except (OSError, ValueError) as error:  # json's and UnicodeDecodeError are ValueErrors
        reason = f"graded, but its report cannot be read ({_text(error)})"
        return Student(**{**base, "status": "unreadable", "reason": reason})
    environment = report.get("environment") if isinstance(report.get("environment"), dict) else {}
    return Student(
        **{**base, "flagged": base["flagged"] or report.get("flagged") is True,
           "flag_reason": base["flag_reason"] or _text(report.get("flag_reason"), FEEDBACK)},
        score=_number(report.get("score")), max_score=_number(report.get("max_score")),
        exercises=[_exercise(e) for e in _dicts(report.get("exercises"))],
        warnings=[_text(w, FEEDBACK) for w in report.get("warnings") or [] if isinstance(w, str)],
        ignored=[(_text(i.get("path")), _text(i.get("reason"))) for i in _dicts(report.get("ignored"))],
        environment={_text(k): _text(v) for k, v in environment.items() if isinstance(v, str | int | float)},
        duration_s=_number(report.get("duration_s")),
    )


def load_output(out_dir: Path) -> ClassOutput:
    """Read ``OUT/manifest.json`` and the reports it names; raise DashboardError without a usable manifest."""
    out_dir = Path(out_dir)
    try:
        manifest = _read_json(out_dir / "manifest.json", MANIFEST_LIMIT)
    except FileNotFoundError:
        raise DashboardError(f"{out_dir / 'manifest.json'} not found: build the dashboard from a folder "
                             "that `python grade.py batch` or `merge` wrote") from None
    except (OSError, ValueError) as error:
        raise DashboardError(f"{out_dir / 'manifest.json'} cannot be read ({error}): re-run the batch "
                             "(or `merge`) that wrote it") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("submissions"), dict):
        raise DashboardError(f"{out_dir / 'manifest.json'} has no 'submissions' object: it is not a batch's "
                             "manifest; re-run the batch (or `merge`) that wrote it")
    taken: set[str] = set()
    students = []
    for raw_name, entry in sorted(manifest["submissions"].items()):
        # The page is named from the raw name: two names that clean to the same text get two pages.
        page = page_name(raw_name, taken)
        name = _text(raw_name, LABEL) or "(unnamed)"
        students.append(_student(out_dir, name, entry if isinstance(entry, dict) else {}, page))
    shard = manifest.get("shard")
    return ClassOutput(out_dir=out_dir, kit_version=_text(manifest.get("kit_version")),
                       shard=_text(shard) if shard else None, students=students,
                       gradebook=(out_dir / "gradebook.csv").is_file())
