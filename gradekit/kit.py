"""Where things are: the kit's own tree, or a student's copy of the template."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

EXERCISE_ID = re.compile(r"^ex\d\d_[a-z0-9_]+$")
#: How ``--exercise`` may name an exercise by number: ``3``, ``03``, ``ex3``, ``ex03``.
EXERCISE_NUMBER = re.compile(r"^(?:ex)?0*(\d{1,3})$", re.IGNORECASE)
#: What every exercise is worth: its public and hidden checks add up to this (the self-check
#: proves it of every reference; tests/test_cli.py of every exercise's checks). A student's
#: copy has only the public part, so the text report takes the whole from here.
EXERCISE_POINTS = 10.0


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
        """The exercise ids ``wanted`` names, sorted; all of them when ``wanted`` is empty.

        Each item is a full id (``ex03_fetch_all``, also with ``.py``), a number in any of
        the forms ``3``, ``03``, ``ex3``, ``ex03``, or a unique leading part of an id that
        ends before an underscore (``ex03_fetch``). An item that names no exercise
        raises KitError listing the ids that exist.
        """
        known = self.exercise_ids()
        if not wanted:
            return known
        return sorted({self._one(item, known) for item in wanted})

    @staticmethod
    def _one(item: str, known: list[str]) -> str:
        name = item.strip().removesuffix(".py")
        if name in known:
            return name
        number = EXERCISE_NUMBER.match(name)
        # ex03 -> "ex03_"; a leading part of an id up to an underscore (ex03_fetch) works too.
        prefix = f"ex{int(number.group(1)):02d}_" if number is not None else f"{name}_"
        matches = [k for k in known if k.startswith(prefix)]
        if len(matches) == 1:
            return matches[0]
        raise KitError(f"unknown exercise {item!r}: give its number (3, 03, ex3, ex03) or its full id; "
                       f"the exercises are {', '.join(known) or 'none (no exercise folder was found)'}")

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
