"""Writing report files: whole or not at all.

Only the trusted process writes reports. A report appears at its path complete, or
not at all: it is written to a hidden temporary file in the same folder (so the final
rename never crosses file systems), flushed to disk, then renamed over the target
with :func:`os.replace`, which is atomic. A grading run first removes the report a
previous run left at its path (:func:`remove_stale`), so a grader killed by a signal
leaves no report rather than an old one that looks current.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["remove_stale", "write_atomic"]

REPORT_MODE = 0o644


def remove_stale(path: Path) -> None:
    """Remove the file at ``path`` if there is one (a report from an earlier run)."""
    with contextlib.suppress(FileNotFoundError):
        Path(path).unlink()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; the temporary file never survives an error."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, REPORT_MODE)  # mkstemp makes it private; a report is an ordinary file
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
