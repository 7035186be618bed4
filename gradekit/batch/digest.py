"""Fingerprints that decide whether a re-run may keep an earlier grading.

A batch re-run keeps a student's report when nothing that decided it has changed:

- :func:`submission_digest`: the files graded, i.e. the exercise modules taken into the
  workspace, plus why any module was refused (a module replaced by a link is graded
  differently). A file the grader ignores (``notes.txt``) changes nothing, so it does
  not count.
- :func:`kit_digest`: the grading engine's code and every check and scenario, public
  and hidden. The kit's version string alone would miss a hidden grader fixed during a
  course; hashing a few hundred small files costs a few milliseconds.

Both are ``"sha256:<hex>"``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import gradekit
from gradekit.kit import Kit
from gradekit.sandbox.workspace import Workspace

__all__ = ["kit_digest", "submission_digest"]

#: The files of the engine and of the checks that can change a grade.
KIT_SUFFIXES = (".py", ".ini")


def submission_digest(workspace: Workspace, exercise_ids: list[str]) -> str:
    """What ``workspace`` holds for ``exercise_ids``: each module's bytes, or why it was refused."""
    digest = hashlib.sha256()
    for exercise_id in sorted(exercise_ids):
        if exercise_id in workspace.present:
            data = (workspace.path / f"{exercise_id}.py").read_bytes()
            digest.update(f"{exercise_id} module {len(data)}\n".encode())
            digest.update(data)
        elif exercise_id in workspace.rejected:
            digest.update(f"{exercise_id} refused {workspace.rejected[exercise_id]}\n".encode())
    return "sha256:" + digest.hexdigest()


def kit_digest(kit: Kit) -> str:
    """The engine (the installed ``gradekit`` package) and every public and hidden check of ``kit``."""
    digest = hashlib.sha256()
    engine = Path(gradekit.__file__).resolve().parent
    trees = [("engine", engine)]
    if kit.kind == "kit":
        trees += [("exercises", kit.root / "exercises"), ("graders", kit.root / "graders")]
    else:
        trees += [("checks", kit.root / "checks")]
    for label, tree in trees:
        for path in sorted(_files(tree, checks_only=label == "exercises")):
            data = path.read_bytes()
            digest.update(f"{label}/{path.relative_to(tree).as_posix()} {len(data)}\n".encode())
            digest.update(data)
    return "sha256:" + digest.hexdigest()


def _files(tree: Path, checks_only: bool) -> list[Path]:
    """The grading files under ``tree``; in ``exercises/`` only each exercise's ``checks/``."""
    if not tree.is_dir():
        return []
    found = []
    for path in tree.rglob("*"):
        relative = path.relative_to(tree).parts
        if "__pycache__" in relative or path.suffix not in KIT_SUFFIXES or not path.is_file():
            continue
        if checks_only and (len(relative) < 3 or relative[1] != "checks"):
            continue
        found.append(path)
    return found
