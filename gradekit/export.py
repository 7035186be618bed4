"""``python grade.py export-template OUT``: the folder a course hands to its students.

A course gives students one folder (as a zip, a GitHub template repository, through a
classroom tool), and students need nothing else::

    OUT/
      README.md                    how to install, grade, read the feedback, points
      exNN_*.py                    the stubs (ex10: the buggy code)
      tasks/exNN_*.md              the statements
      checks/exNN_*/               the public checks and scenarios
      grade.py                     the command line
      wheels/asyncio_gradekit-<version>-py3-none-any.whl
                                   the engine: the ``gradekit`` package only
      requirements.txt             --find-links wheels, asyncio-gradekit==<version>
      .github/workflows/grade.yml, .gitlab-ci.yml, .gitignore

Everything but ``wheels/`` and ``requirements.txt`` is ``student_template/`` as
:mod:`gradekit.template` generates it (the export is refused while that folder is out
of date). The repository's ``student_template/requirements.txt`` installs the engine
from the checkout around it; the export's installs it from its own ``wheels/``, with
the engine's dependencies from PyPI. The exact pin (``==``) matters: pip looks on PyPI
as well, and on equal terms prefers what ``--find-links`` found first.

The wheel is :func:`gradekit.wheel.build_wheel`'s: the engine alone, built from a copy
of ``pyproject.toml`` and ``gradekit/`` (``gradescope-bundle`` ships the same one).
Then the folder and the wheel are searched for what must never reach students
(:func:`leaks`): references, correct alternatives, known-wrong variants and hidden
graders, by path and by content (any distinctive line of theirs). The folder is built
beside ``OUT`` and renamed into place only when all is well, so ``OUT`` is whole or
absent.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gradekit.kit import Kit
from gradekit.template import STATIC, differences, expected_files
from gradekit.wheel import IGNORED, WheelError, build_wheel, wheel_version

WHEELS = "wheels"
DISTRIBUTION = "asyncio-gradekit"
#: Lines this short ("return None", "await asyncio.sleep(0)") are common to any code:
#: only longer ones identify a secret file.
DISTINCTIVE = 30
#: Signatures and imports name the catalog's public contract, whoever writes them.
STRUCTURAL = ("def ", "async def ", "class ", "import ", "from ")


class ExportError(Exception):
    """The student folder could not be written; the message says what to do."""


@dataclass(frozen=True)
class Export:
    """A written student folder."""

    folder: Path
    wheel: Path
    version: str
    exercises: int


def export_template(kit: Kit, out: Path) -> Export:
    """Write the student folder at ``out`` (absent or empty); raise :class:`ExportError` otherwise."""
    out = out.absolute()
    _check_source(kit)
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would keep a course's other accounts out
        _copy_template(kit, staging)
        try:
            wheel = build_wheel(kit.root, staging / WHEELS)
            version = wheel_version(wheel)
        except WheelError as exc:
            raise ExportError(str(exc).replace("try again", "export again")) from exc
        (staging / "requirements.txt").write_text(requirements(version), encoding="utf-8")
        found = leaks(kit, staging)
        if found:
            raise ExportError("the student folder would contain what students must not see: "
                              + "; ".join(found[:5]) + ". Nothing was written: fix the kit first.")
        if out.exists():
            out.rmdir()  # checked empty above
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Export(out, out / WHEELS / wheel.name, version, len(kit.exercise_ids()))


def requirements(version: str) -> str:
    """The export's ``requirements.txt``: the engine from ``wheels/`` (relative to this file)."""
    return ("# The grading engine, from the wheel in wheels/; its dependencies come from PyPI.\n"
            "# pip reads --find-links relative to this file: run `pip install -r requirements.txt`.\n"
            f"--find-links {WHEELS}\n"
            f"{DISTRIBUTION}=={version}\n")


def _check_source(kit: Kit) -> None:
    if kit.kind != "kit":
        raise ExportError(f"{kit.root} is a student's copy: run export-template in the kit itself "
                          "(the folder with exercises/ and pyproject.toml)")
    stale = differences(kit, kit.root / "student_template")
    if stale:
        raise ExportError(f"student_template/ is out of date ({stale[0]}): run `python -m gradekit.template`, "
                          "then export again")


def _check_target(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ExportError(f"{out} exists and is not a folder: choose a new folder")
    if out.is_dir() and any(out.iterdir()):
        raise ExportError(f"{out} is not empty: choose a new or empty folder (nothing was written)")


def _copy_template(kit: Kit, target: Path) -> None:
    """The generated files (as the kit says they should be) and the hand-written ones."""
    source = kit.root / "student_template"
    for f in expected_files(kit):
        (target / f.path).parent.mkdir(parents=True, exist_ok=True)
        (target / f.path).write_bytes(f.content)
    for name in STATIC:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name, ignore=IGNORED)
        elif path.is_file():
            shutil.copyfile(path, target / name)


# -- what must never reach students -------------------------------------------------

def secret_files(kit: Kit) -> list[Path]:
    """References, alternatives, variants and every file of the hidden graders."""
    files = []
    for ex_id in kit.exercise_ids():
        files += [kit.reference(ex_id), *kit.alternatives(ex_id), *kit.variants(ex_id)]
    graders = kit.root / "graders"
    if graders.is_dir():
        files += [p for p in graders.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return [p for p in files if p.is_file()]


def _public_files(kit: Kit) -> Iterator[Path]:
    for ex_id in kit.exercise_ids():
        base = kit.root / "exercises" / ex_id
        yield base / "stub.py"
        yield base / "README.md"
        yield from (p for p in (base / "checks").rglob("*") if p.is_file())
    yield from (p for p in (kit.root / "gradekit").rglob("*.py"))


def _lines(data: bytes) -> set[str]:
    text = data.decode("utf-8", errors="replace")
    lines = {" ".join(line.split()) for line in text.splitlines()}
    return {line for line in lines if len(line) >= DISTINCTIVE and not line.startswith(STRUCTURAL)}


def _shipped(folder: Path) -> Iterator[tuple[str, bytes]]:
    """Every file of the folder, and every member of the wheels in it, with its content."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        yield rel, data
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as wheel:
                for member in wheel.namelist():
                    yield f"{rel}!{member}", wheel.read(member)


SECRET_NAMES = ("reference.py", "graders", "variants", "alternatives")


def leaks(kit: Kit, folder: Path) -> list[str]:
    """What in ``folder`` (and its wheels) copies a secret file, in whole or in part; [] when clean."""
    secrets = {p.read_bytes(): p.relative_to(kit.root).as_posix() for p in secret_files(kit)}
    public = set().union(*(_lines(p.read_bytes()) for p in _public_files(kit)))
    distinctive = {}
    for data, name in secrets.items():
        for line in _lines(data) - public:
            distinctive.setdefault(line, name)
    found = []
    for rel, data in _shipped(folder):
        parts = rel.replace("!", "/").split("/")
        if any(part in SECRET_NAMES for part in parts):
            found.append(f"{rel}: named like a secret file")
        elif data in secrets:
            found.append(f"{rel}: a copy of {secrets[data]}")
        else:
            copied = next((distinctive[line] for line in _lines(data) if line in distinctive), None)
            if copied:
                found.append(f"{rel}: holds a line of {copied}")
    return found
