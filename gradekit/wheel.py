"""Building the engine's wheel: the ``gradekit`` package alone, for a student folder or a bundle.

The wheel is built from a copy of ``pyproject.toml`` and ``gradekit/`` only, with a short
README of its own as the package's description: the kit's README shows wrong solutions on
purpose, and nothing of the kit but the engine belongs in a wheel that leaves it
(``export-template``'s student folder, ``gradescope-bundle``'s autograder zip).
Building runs ``pip wheel`` (pip builds it with setuptools in an isolated environment,
from PyPI or pip's cache).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WHEEL_README = """# asyncio-gradekit: the grading engine

The `gradekit` package that `python grade.py` runs: it grades asyncio exercises in a
sandbox. Your course's folder of exercises has the README that says how to use it.
"""
BUILD_SECONDS = 600
#: What a copy of the kit's files leaves out.
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


class WheelError(Exception):
    """The engine's wheel could not be built; the message says what to do."""


def build_wheel(kit_root: Path, wheels: Path) -> Path:
    """Build the engine's wheel into ``wheels`` from a copy of the package alone; its path."""
    if not (kit_root / "pyproject.toml").is_file():
        raise WheelError(f"{kit_root} has no pyproject.toml, so the engine's wheel cannot be built: "
                         "run this in a checkout of the kit")
    wheels.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gradekit-wheel-") as tmp:
        source = Path(tmp) / "source"
        source.mkdir()
        shutil.copyfile(kit_root / "pyproject.toml", source / "pyproject.toml")
        (source / "README.md").write_text(WHEEL_README, encoding="utf-8")
        shutil.copytree(kit_root / "gradekit", source / "gradekit", ignore=IGNORED)
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(wheels),
                   str(source)]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_SECONDS,
                                  env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
        except subprocess.TimeoutExpired as exc:
            raise WheelError(f"building the engine's wheel took more than {BUILD_SECONDS} s (pip wheel): "
                             "check the connection to PyPI, then try again") from exc
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            raise WheelError("could not build the engine's wheel with pip (it needs pip, and setuptools "
                             f"from PyPI or pip's cache): {' / '.join(tail) or f'exit {proc.returncode}'}")
    built = sorted(wheels.glob("*.whl"))
    if len(built) != 1:
        raise WheelError(f"expected one wheel in {wheels}, found {len(built)}")
    return built[0]


def wheel_version(wheel: Path) -> str:
    """The version in a wheel's file name (``name-version-python-abi-platform.whl``)."""
    parts = wheel.name.split("-")
    if len(parts) < 5 or not wheel.name.endswith(".whl"):
        raise WheelError(f"{wheel.name} is not a wheel's file name")
    return parts[1]
