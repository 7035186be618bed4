"""``OUT/gradebook.csv``: one row per student, for the course's spreadsheet or grade centre.

::

    student,total,max_total,ex01_hello_loop,…,ex18_graceful_shutdown,status,flagged,flag_reason
    alice,170,180,10,…,10,graded,no,
    bob,,,,…,,duplicate,no,

Rows are sorted by student name, and every cell comes from the manifest and the
reports alone (no time, no order of grading), so the same submissions graded in one
run or in shards and merged give the same file byte for byte. Only ``graded`` rows
have scores: the others leave them empty and say why in ``status`` (the manifest's
``reason`` has the details). A text cell that a spreadsheet would run as a formula
(it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with
a leading ``'``, as OWASP advises against CSV injection: student names come from the
batch folder, which students named.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gradekit.batch.manifest import Manifest
from gradekit.report.files import write_atomic

__all__ = ["GRADEBOOK", "gradebook_text", "write_gradebook"]

GRADEBOOK = "gradebook.csv"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header(manifest: Manifest) -> list[str]:
    return ["student", "total", "max_total", *manifest.exercises, "status", "flagged", "flag_reason"]


def gradebook_text(manifest: Manifest, reports: dict[str, dict]) -> str:
    """The CSV of ``manifest``'s submissions; ``reports`` maps each graded student to their report."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # write_atomic writes text: the platform decides the line end
    writer.writerow(header(manifest))
    for student, record in sorted(manifest.submissions.items()):
        scores = [""] * (2 + len(manifest.exercises))
        if record.status == "graded":
            by_id = {e.get("id"): e for e in reports[student]["exercises"] if isinstance(e, dict)}
            scores = [_number(record.score), _number(record.max_score)]
            scores += [_number(by_id[ex]["score"]) if ex in by_id else "" for ex in manifest.exercises]
        writer.writerow([_text(student), *scores, record.status, "yes" if record.flagged else "no",
                         _text(record.flag_reason)])
    return buffer.getvalue()


def write_gradebook(out: Path, manifest: Manifest, reports: dict[str, dict]) -> Path:
    path = out / GRADEBOOK
    write_atomic(path, gradebook_text(manifest, reports))
    return path


def _number(value: float | None) -> str:
    return "" if value is None else f"{float(value):g}"


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
