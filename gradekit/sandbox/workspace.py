"""The fresh folder a child runs in: only the submission's exercise modules."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


class SubmissionError(Exception):
    """The submission folder cannot be graded at all (missing, not a folder, unreadable)."""


@dataclass
class Workspace:
    """A temporary copy of ``<exercise id>.py`` files; nothing else is copied."""

    path: Path
    present: frozenset[str]

    @classmethod
    def create(cls, submission: Path, exercise_ids: list[str]) -> Workspace:
        if not submission.exists():
            raise SubmissionError(f"submission folder not found: {submission}")
        if not submission.is_dir():
            raise SubmissionError(f"not a folder: {submission} (give the folder that holds the exercise modules)")
        path = Path(tempfile.mkdtemp(prefix="gradekit-"))
        present = set()
        try:
            for ex_id in exercise_ids:
                source = submission / f"{ex_id}.py"
                if source.is_file():
                    shutil.copyfile(source, path / source.name)
                    present.add(ex_id)
        except OSError as exc:
            shutil.rmtree(path, ignore_errors=True)
            raise SubmissionError(f"cannot read the submission {submission}: {exc}") from exc
        return cls(path=path, present=frozenset(present))

    @classmethod
    def from_file(cls, module_file: Path, exercise_id: str) -> Workspace:
        """A workspace holding one file under the exercise's module name (references, variants)."""
        path = Path(tempfile.mkdtemp(prefix="gradekit-"))
        shutil.copyfile(module_file, path / f"{exercise_id}.py")
        return cls(path=path, present=frozenset({exercise_id}))

    def cleanup(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
