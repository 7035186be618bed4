"""Writing the dashboard folder: ``OUT/dashboard/index.html`` and ``students/<page>.html``."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from gradekit.dashboard.load import load_output
from gradekit.dashboard.pages import STUDENTS_DIR, index_page, student_page
from gradekit.dashboard.stats import class_stats

__all__ = ["DASHBOARD_DIR", "build_dashboard"]

DASHBOARD_DIR = "dashboard"


def build_dashboard(out_dir: Path) -> Path:
    """Build ``out_dir/dashboard/`` from ``out_dir``'s manifest and reports; return its ``index.html``.

    Reads only ``manifest.json`` and ``reports/`` (see :mod:`gradekit.dashboard.load`).
    The folder is replaced whole: the new pages are written beside it and swapped in, so
    a re-run (after ``batch --force`` or a ``merge``) leaves no page of a student who is
    no longer in the manifest, and a failed build leaves the previous dashboard as it was.

    Raises :class:`gradekit.dashboard.DashboardError` when ``out_dir`` has no readable
    ``manifest.json``, and OSError when ``out_dir`` cannot be written (read-only, full).
    A damaged report costs only its student, shown as not graded.
    """
    out_dir = Path(out_dir)
    output = load_output(out_dir)
    stats = class_stats(output)
    fresh = Path(tempfile.mkdtemp(prefix=f".{DASHBOARD_DIR}-", dir=out_dir))
    try:
        (fresh / STUDENTS_DIR).mkdir()
        for student in output.students:
            (fresh / STUDENTS_DIR / student.page).write_text(student_page(student), encoding="utf-8")
        (fresh / "index.html").write_text(index_page(output, stats), encoding="utf-8")
        fresh.chmod(0o755)  # mkdtemp makes it private; the dashboard is meant to be shared
        _swap(fresh, out_dir / DASHBOARD_DIR)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return out_dir / DASHBOARD_DIR / "index.html"


def _swap(fresh: Path, target: Path) -> None:
    """Put ``fresh`` at ``target``, removing what was there (a folder, or a file or link in the way)."""
    old = None
    if target.is_symlink() or target.exists():
        old = target.with_name(f"{fresh.name}-old")
        target.rename(old)
    fresh.rename(target)
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                old.unlink()
