"""Where things are: the kit's own tree, or a student's copy of the template."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

EXERCISE_ID = re.compile(r"^ex\d\d_[a-z0-9_]+$")


class KitError(Exception):
    """The kit's files are not where they should be, or an unknown exercise was asked for."""


@dataclass(frozen=True)
class CheckFile:
    exercise_id: str
    path: Path
    visibility: str  # public or hidden


@dataclass(frozen=True)
class Kit:
    """A grading root: ``kind`` is "kit" (exercises/, graders/) or "student" (checks/)."""

    root: Path
    kind: str

    @classmethod
    def at(cls, root: Path) -> Kit:
        root = root.resolve()
        if (root / "exercises").is_dir():
            return cls(root, "kit")
        if (root / "checks").is_dir():
            return cls(root, "student")
        raise KitError(f"{root} holds neither exercises/ (the kit) nor checks/ (a student copy)")

    @property
    def default_submission(self) -> Path:
        return self.root / "student_template" if self.kind == "kit" else self.root

    @property
    def has_hidden(self) -> bool:
        return self.kind == "kit" and (self.root / "graders").is_dir()

    def public_checks(self, exercise_id: str) -> Path:
        """The folder of the exercise's public checks and scenarios."""
        return self._public_dir(exercise_id)

    def _public_dir(self, exercise_id: str) -> Path:
        if self.kind == "kit":
            return self.root / "exercises" / exercise_id / "checks"
        return self.root / "checks" / exercise_id

    def exercise_ids(self) -> list[str]:
        base = self.root / ("exercises" if self.kind == "kit" else "checks")
        return sorted(p.name for p in base.iterdir() if p.is_dir() and EXERCISE_ID.match(p.name)
                      and self._public_dir(p.name).is_dir())

    def select(self, wanted: list[str] | tuple[str, ...] | None) -> list[str]:
        known = self.exercise_ids()
        if not wanted:
            return known
        chosen = []
        for item in wanted:
            matches = [k for k in known if k == item or k.startswith(item + "_")]
            if len(matches) != 1:
                raise KitError(f"unknown exercise {item!r}; known: {', '.join(known)}")
            chosen.append(matches[0])
        return sorted(set(chosen))

    def check_files(self, exercise_ids: list[str], public_only: bool = False) -> list[CheckFile]:
        files = []
        for ex_id in exercise_ids:
            files += [CheckFile(ex_id, p, "public") for p in sorted(self._public_dir(ex_id).glob("test_*.py"))]
            if self.has_hidden and not public_only:
                hidden = self.root / "graders" / ex_id
                files += [CheckFile(ex_id, p, "hidden") for p in sorted(hidden.glob("test_*.py"))]
        return files

    def statement(self, exercise_id: str) -> Path:
        if self.kind == "kit":
            return self.root / "exercises" / exercise_id / "README.md"
        return self.root / "tasks" / f"{exercise_id}.md"

    def title(self, exercise_id: str) -> str:
        path = self.statement(exercise_id)
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
        return exercise_id

    # -- the kit's proof material (kit only) ----------------------------------
    def reference(self, exercise_id: str) -> Path:
        return self.root / "exercises" / exercise_id / "reference.py"

    def stub(self, exercise_id: str) -> Path:
        return self.root / "exercises" / exercise_id / "stub.py"

    def alternatives(self, exercise_id: str) -> list[Path]:
        """Correct solutions in other styles: each must score full marks too."""
        return sorted((self.root / "exercises" / exercise_id / "alternatives").glob("*.py"))

    def variants(self, exercise_id: str) -> list[Path]:
        return sorted((self.root / "exercises" / exercise_id / "variants").glob("*.py"))
