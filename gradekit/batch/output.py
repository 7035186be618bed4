"""The output folder ``OUT/`` that ``batch`` and ``merge`` write, and how both finish it.

::

    OUT/
      manifest.json            every submission's status (gradekit/batch/manifest.py)
      reports/<student>.json   each graded submission's JSON report (the grader contract's)
      gradebook.csv            one row per student (gradekit/batch/gradebook.py)
      dashboard/index.html     the class at a glance, and dashboard/students/<student>.html

``reports/`` holds exactly the graded students' reports: a report left by an earlier
run for a student who is gone, or no longer graded, is removed when the run ends. So
that nothing else is ever removed, an existing ``OUT`` must be empty or a batch output
already (it holds ``manifest.json``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from gradekit.batch.gradebook import write_gradebook
from gradekit.batch.manifest import MANIFEST, REPORTS, BatchError, Manifest, read_report

__all__ = ["Finished", "finish", "prepare"]


@dataclass
class Finished:
    """What the end of a run wrote: the reports read back, the gradebook, and the dashboard or why not."""

    reports: dict[str, dict]
    gradebook: Path
    dashboard: Path | None
    dashboard_problem: str = ""


def prepare(out: Path) -> None:
    """Make ``out`` (and ``out/reports``) ready, refusing a folder that holds something else."""
    if out.exists() and not out.is_dir():
        raise BatchError(f"--output {out} is a file: give a folder (it is created if missing)")
    if out.is_dir() and not (out / MANIFEST).is_file() and any(out.iterdir()):
        raise BatchError(f"--output {out} already holds files and is not a batch output (no {MANIFEST}): "
                         "give a new or empty folder, so nothing of yours is overwritten")
    (out / REPORTS).mkdir(parents=True, exist_ok=True)


def finish(out: Path, manifest: Manifest) -> Finished:
    """Write ``manifest``, drop reports it no longer lists, write the gradebook, build the dashboard."""
    manifest.save(out)
    graded = {s for s, r in manifest.submissions.items() if r.status == "graded"}
    for path in (out / REPORTS).glob("*.json"):
        if path.stem not in graded:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    reports = {student: read_report(out, student) for student in sorted(graded)}
    gradebook = write_gradebook(out, manifest, reports)
    dashboard, problem = _dashboard(out)
    return Finished(reports, gradebook, dashboard, problem)


def _dashboard(out: Path) -> tuple[Path | None, str]:
    try:
        from gradekit.dashboard import build_dashboard
    except ImportError as exc:
        return None, f"the dashboard is not part of this kit ({exc})"
    try:
        return build_dashboard(out), ""
    # The grades are saved by now: whatever stops the dashboard (a full disk, a bug in its
    # drawing) is reported, and costs the dashboard alone.
    except Exception as exc:  # noqa: BLE001
        return None, f"the dashboard could not be built ({type(exc).__name__}: {exc})"
