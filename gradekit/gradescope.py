"""Gradescope's autograder: the zip ``python grade.py gradescope-bundle OUT.zip`` builds, and its run.

Gradescope takes a zip with ``setup.sh`` and ``run_autograder`` at its root
(https://gradescope-autograders.readthedocs.io/en/latest/specs/). It unpacks the zip in
``/autograder/source``, runs ``setup.sh`` once as root to build the image, then for
each submission copies the student's files to ``/autograder/submission``, runs
``/autograder/run_autograder`` in ``/autograder`` and reads
``/autograder/results/results.json``.

What the zip holds::

    setup.sh              installs Python >= 3.11 (apt when the image lacks it), bubblewrap,
                          and the engine from wheels/ into /autograder/gradekit-venv
    run_autograder        python -m gradekit.gradescope run /autograder
    wheels/               the engine: a wheel of the gradekit package only
    kit/exercises/<id>/   each exercise's statement (README.md) and public checks/
    kit/graders/<id>/     the course's hidden checks
    gradescope.json       the bundle's settings: exercises, hidden checks' visibility, isolation

Never the reference solutions, the alternatives, the known-wrong variants or the stubs:
the container runs the student's code, so nothing there should help it. The hidden
graders must be there (they run in the trusted process), and the sandbox keeps them out
of the student's view only when the container allows Linux namespaces (bubblewrap);
otherwise grading falls back to process isolation and the report says so
(``--require-isolation`` makes the bundle refuse that instead, and score nothing).

A run always writes ``results.json``: when the kit itself cannot grade (a broken
install, no usable submission folder) it is a score of 0 whose ``output`` says why, and
the run exits 1 so Gradescope's log shows the failure to the staff.

``GRADEKIT_AUTOGRADER`` (default ``/autograder``) and, for ``run_autograder``,
``GRADEKIT_PYTHON`` (default the venv's python) move everything elsewhere: the tests run
a bundle in a temporary folder that way.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

import click

from gradekit.kit import Kit, KitError
from gradekit.report.files import write_atomic
from gradekit.report.gradescope import VISIBILITIES, gradescope_results
from gradekit.report.text import render_text
from gradekit.wheel import WheelError, build_wheel

__all__ = ["BundleError", "Bundle", "build_bundle", "main", "run"]

SETTINGS = "gradescope.json"
KIT_DIR = "kit"
WHEELS_DIR = "wheels"
SKIPPED_PARTS = frozenset({"__pycache__", ".pytest_cache"})
#: Bounds on where the student's modules may sit below /autograder/submission (a zip of a folder nests them).
SEARCH_DEPTH = 3

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# It installs a Python >= 3.11 with venv, bubblewrap (full isolation where the container
# allows user namespaces) and the grading engine from wheels/ into a venv of its own.
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AUTOGRADER="${GRADEKIT_AUTOGRADER:-/autograder}"
VENV="$AUTOGRADER/gradekit-venv"
export DEBIAN_FRONTEND=noninteractive

usable() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
PYTHON=
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && usable "$candidate"; then PYTHON=$(command -v "$candidate"); break; fi
done
if [ -z "$PYTHON" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -q && apt-get install -y -q python3.11 python3.11-venv
  PYTHON=$(command -v python3.11)
fi
[ -n "$PYTHON" ] || { echo "setup.sh: no Python >= 3.11 found, and apt-get cannot install one" >&2; exit 1; }
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
  minor=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  apt-get install -y -q "python$minor-venv"   # Debian and Ubuntu ship venv apart
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  apt-get install -y -q bubblewrap || echo "setup.sh: bubblewrap not installed: grading falls back to process isolation" >&2
fi
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$SOURCE"/wheels/*.whl
"$VENV/bin/python" -c 'import gradekit; print("setup.sh: gradekit", gradekit.__version__, "installed")'
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for each submission, as /autograder/run_autograder in /autograder.
# It grades /autograder/submission with the checks in /autograder/source/kit and writes
# /autograder/results/results.json (always: a score of 0 with the reason when it cannot grade).
AUTOGRADER="${GRADEKIT_AUTOGRADER:-/autograder}"
PYTHON="${GRADEKIT_PYTHON:-$AUTOGRADER/gradekit-venv/bin/python}"
exec "$PYTHON" -m gradekit.gradescope run "$AUTOGRADER"
"""

BUNDLE_README = """This zip is a Gradescope autograder built by asyncio-gradekit (`python grade.py gradescope-bundle`).
Upload it as a programming assignment's autograder (Ubuntu base image). Students submit their
exNN_*.py modules (files, a zip, or a GitHub repository). See the kit's docs/formats.md.
"""


class BundleError(Exception):
    """The autograder zip cannot be built (no engine wheel, a bad option); the message says what to do."""


@dataclass(frozen=True)
class Bundle:
    """What :func:`build_bundle` wrote: the zip, the exercises it grades and the files it holds."""

    path: Path
    exercises: list[str]
    files: list[str]


def _kit_files(kit: Kit, exercise_ids: list[str]) -> dict[str, Path]:
    """Archive name -> file: each exercise's statement and public checks, and its hidden graders."""
    files: dict[str, Path] = {}
    for ex_id in exercise_ids:
        statement = kit.statement(ex_id)
        if statement.is_file():
            files[f"{KIT_DIR}/exercises/{ex_id}/README.md"] = statement
        folders = [(kit.public_checks(ex_id), f"{KIT_DIR}/exercises/{ex_id}/checks")]
        if kit.has_hidden:
            folders.append((kit.root / "graders" / ex_id, f"{KIT_DIR}/graders/{ex_id}"))
        for folder, prefix in folders:
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(folder)
                if path.is_file() and not path.is_symlink() and not SKIPPED_PARTS & set(relative.parts) \
                        and path.suffix != ".pyc":
                    files[f"{prefix}/{relative.as_posix()}"] = path
    return files


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # the same kit gives the same zip
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
    archive.writestr(info, data)


def build_bundle(kit: Kit, out: Path, *, exercises: list[str] | None = None, hidden_visibility: str = "visible",
                 require_isolation: bool = False, wheel: Path | None = None) -> Bundle:
    """Write Gradescope's autograder zip for ``exercises`` (default: all) of ``kit`` to ``out``.

    ``hidden_visibility`` is how Gradescope shows the hidden checks' results to students
    (:data:`gradekit.report.gradescope.VISIBILITIES`); ``require_isolation`` makes each run
    refuse to grade without Linux namespaces. ``wheel`` is a prebuilt engine wheel
    (default: built from the kit's source with pip, :func:`gradekit.wheel.build_wheel`).
    """
    if kit.kind != "kit":
        raise BundleError("a Gradescope bundle is built from the kit itself (exercises/, graders/), "
                          "not from a student copy")
    if hidden_visibility not in VISIBILITIES:
        raise BundleError(f"--hidden-visibility must be one of {', '.join(VISIBILITIES)}, not {hidden_visibility!r}")
    ids = kit.select(exercises)
    settings = {"exercises": ids, "hidden_visibility": hidden_visibility, "require_isolation": require_isolation}
    with tempfile.TemporaryDirectory(prefix="gradekit-bundle-") as tmp:
        try:
            wheel = wheel or build_wheel(kit.root, Path(tmp))
        except WheelError as exc:
            raise BundleError(str(exc)) from exc
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.partial")
        with zipfile.ZipFile(partial, "w") as archive:
            _add(archive, "setup.sh", SETUP_SH.encode(), executable=True)
            _add(archive, "run_autograder", RUN_AUTOGRADER.encode(), executable=True)
            _add(archive, "README.txt", BUNDLE_README.encode())
            _add(archive, SETTINGS, (json.dumps(settings, indent=2) + "\n").encode())
            _add(archive, f"{WHEELS_DIR}/{wheel.name}", wheel.read_bytes())
            for name, path in _kit_files(kit, ids).items():
                _add(archive, name, path.read_bytes())
            names = archive.namelist()
        os.replace(partial, out)
    return Bundle(out, ids, names)


# -- inside Gradescope's container ------------------------------------------------------
def _submission_folder(submission: Path, exercise_ids: list[str]) -> Path:
    """The folder holding the student's modules: the top, else the one folder below that holds any.

    Students upload files, a zip (often of a folder) or a repository; links are never followed.
    """
    names = {f"{ex_id}.py" for ex_id in exercise_ids}
    found: list[Path] = []
    for folder, dirs, files in os.walk(submission, followlinks=False):
        depth = len(Path(folder).relative_to(submission).parts)
        if names & set(files):
            if depth == 0:
                return submission
            found.append(Path(folder))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_PARTS) \
            if depth < SEARCH_DEPTH else []
    return found[0] if len(found) == 1 else submission


def _reason(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:1500]


def _failure(reason: str, started: float) -> dict:
    return {"score": 0.0, "execution_time": round(time.monotonic() - started),
            "output": f"The autograder could not grade this submission: {reason}\n"
                      "Nothing was scored; tell the course staff if this looks wrong.",
            "output_format": "text", "tests": [], "extra_data": {"grader_error": reason}}


def run(autograder: Path) -> int:
    """Grade ``autograder/submission`` and write ``autograder/results/results.json``; 0 when it graded."""
    from gradekit.grading.runner import GraderError, grade_submission
    from gradekit.sandbox import IsolationUnavailable
    from gradekit.sandbox.workspace import SubmissionError

    started = time.monotonic()
    results = autograder / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    source = autograder / "source"
    try:
        settings = json.loads((source / SETTINGS).read_text(encoding="utf-8"))
        kit = Kit.at(source / KIT_DIR)
        folder = _submission_folder(autograder / "submission", kit.select(settings["exercises"]))
        report = grade_submission(kit, folder, exercises=settings["exercises"],
                                  require_isolation=settings["require_isolation"])
        data = gradescope_results(report, hidden_visibility=settings["hidden_visibility"])
        code = 0
        click.echo(render_text(report))  # Gradescope shows run_autograder's output to the staff only
    except (KitError, SubmissionError, GraderError, IsolationUnavailable, OSError, ValueError, KeyError) as exc:
        data, code = _failure(_reason(exc), started), 1
        print(f"gradekit: {_reason(exc)}", file=sys.stderr)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: Gradescope must get a results.json
        data, code = _failure(f"an internal error of the grader ({_reason(exc)})", started), 1
        traceback.print_exc()  # for the staff's log
    write_atomic(results, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return code


def main(argv: list[str] | None = None) -> int:
    """``python -m gradekit.gradescope run [AUTOGRADER]`` (what ``run_autograder`` calls)."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "run" or len(args) > 2:
        print("usage: python -m gradekit.gradescope run [AUTOGRADER_FOLDER]  (default: $GRADEKIT_AUTOGRADER "
              "or /autograder)", file=sys.stderr)
        return 2
    autograder = Path(args[1] if len(args) == 2 else os.environ.get("GRADEKIT_AUTOGRADER", "/autograder"))
    return run(autograder)


if __name__ == "__main__":
    sys.exit(main())
