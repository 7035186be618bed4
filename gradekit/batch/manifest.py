"""``OUT/manifest.json``: what a batch graded, how, and what became of each submission.

The manifest is the batch folder's index. The gradebook, the summary, ``merge`` and
the dashboard read it, with the reports it points to; a re-run reads it to resume::

    {"kit_version": "0.1.0", "kit_digest": "sha256:…", "exercises": ["ex01_hello_loop", …],
     "isolation": "required", "shard": "2/3" or null,
     "submissions": {"alice": {"status": "graded", "reason": "", "digest": "sha256:…",
                               "report": "reports/alice.json", "score": 170.0, "max_score": 180.0,
                               "flagged": false, "flag_reason": "", "source": "alice.zip"}}}

Every submission has one of the :data:`STATUSES`; only ``graded`` ones have a report
and scores (the others have ``report``, ``score`` and ``max_score`` null).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gradekit.batch.intake import usable_name
from gradekit.report.files import write_atomic

__all__ = ["MANIFEST", "REPORTS", "STATUSES", "BatchError", "Manifest", "Record", "read_report", "report_path"]

MANIFEST = "manifest.json"
REPORTS = "reports"

#: Every status a submission can end with, and what it means (docs/batch.md lists the same).
STATUSES = {
    "graded": "graded; its report is reports/<student>.json (whatever the score)",
    "empty": "the folder or archive holds nothing: nothing was submitted",
    "rejected": "not a submission (a stray file, a link, an unusable name) or an unsafe archive "
                "(paths leaving the folder, links, too big, too many files, not a zip)",
    "unreadable": "the folder or archive could not be read (permissions, I/O error)",
    "duplicate": "two entries name the same student (alice/ and alice.zip): neither is graded",
    "error": "the grading itself failed (the reason says how); the rest of the batch went on",
    "timeout": "the grading overran --timeout and was stopped; the rest of the batch went on",
}


class BatchError(Exception):
    """The batch or merge cannot run as asked; the message says what to change."""


def report_path(student: str) -> str:
    """Where ``student``'s report lives, relative to the output folder."""
    if not usable_name(student):
        raise BatchError(f"{student!r} cannot name a report file")
    return f"{REPORTS}/{student}.json"


@dataclass
class Record:
    """What became of one student's submission."""

    status: str
    reason: str = ""
    digest: str = ""
    report: str | None = None
    score: float | None = None
    max_score: float | None = None
    flagged: bool = False
    flag_reason: str = ""
    source: str = ""  # the entry in the batch folder it came from: alice/, alice.zip

    @classmethod
    def from_report(cls, student: str, report: dict, digest: str, source: str) -> Record:
        return cls("graded", "", digest, report_path(student), float(report["score"]), float(report["max_score"]),
                   bool(report.get("flagged")), str(report.get("flag_reason") or ""), source)

    @classmethod
    def from_dict(cls, data: dict) -> Record:
        if not isinstance(data, dict) or data.get("status") not in STATUSES:
            raise ValueError(f"not a submission record: {str(data)[:200]}")
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


@dataclass
class Manifest:
    """A batch output's index: how it was graded (the kit, the exercises, the shard) and every submission."""

    kit_version: str
    kit_digest: str
    exercises: list[str]
    isolation: str  # "required" (namespaces) or "weak" (--allow-weak-isolation)
    shard: str | None = None
    submissions: dict[str, Record] = field(default_factory=dict)

    def same_grading(self, other: Manifest) -> bool:
        """Whether reports made under ``other`` are what this run would make (same kit, exercises, isolation)."""
        return (self.kit_version, self.kit_digest, self.exercises, self.isolation) == \
            (other.kit_version, other.kit_digest, other.exercises, other.isolation)

    def to_dict(self) -> dict:
        return {"kit_version": self.kit_version, "kit_digest": self.kit_digest, "exercises": self.exercises,
                "isolation": self.isolation, "shard": self.shard,
                "submissions": {name: asdict(record) for name, record in sorted(self.submissions.items())}}

    def save(self, out: Path) -> None:
        write_atomic(out / MANIFEST, json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, out: Path) -> Manifest | None:
        """The manifest in ``out``, None when there is none; :class:`BatchError` when it is not one."""
        path = out / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise BatchError(f"{path} cannot be read as a batch manifest ({exc}): remove it, or give another "
                             "--output folder") from exc
        try:
            submissions = {}
            for name, record in data["submissions"].items():
                record = Record.from_dict(record)
                # The report's path comes from the name, never from the file: a tampered
                # manifest must not lead a read or a removal out of the folder.
                record.report = report_path(name) if record.status == "graded" else None
                submissions[name] = record
            return cls(str(data["kit_version"]), str(data.get("kit_digest", "")), list(data["exercises"]),
                       str(data["isolation"]), data.get("shard"), submissions)
        except (KeyError, TypeError, AttributeError, ValueError, BatchError) as exc:
            raise BatchError(f"{path} is not a batch manifest ({exc}): remove it, or give another "
                             "--output folder") from exc


def read_report(out: Path, student: str) -> dict:
    """The JSON report of ``student`` in the output folder ``out``; :class:`BatchError` when it is missing or broken."""
    path = out / report_path(student)
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BatchError(f"{path} cannot be read ({exc}): grade that submission again") from exc
    if not isinstance(report, dict) or not isinstance(report.get("exercises"), list):
        raise BatchError(f"{path} is not a grading report: grade that submission again")
    return report
