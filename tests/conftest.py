"""Shared fixtures: the kit, submission folders, and running ``grade.py`` as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from gradekit.kit import Kit

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


@pytest.fixture(scope="session")
def kit() -> Kit:
    return Kit.at(ROOT)


def run_grade(*args: str, cwd: Path = ROOT, script: Path = ROOT / "grade.py", timeout: float = 600) -> CliResult:
    proc = subprocess.run([sys.executable, str(script), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def grade_cli():
    return run_grade


@pytest.fixture
def submission(tmp_path: Path):
    """``submission({"ex03_fetch_all.py": "source" or bytes})`` -> a folder holding those files."""

    def make(files: dict[str, str | bytes]) -> Path:
        folder = tmp_path / "submission"
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            target = folder / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return folder

    return make


def reference_source(kit: Kit, exercise_id: str) -> str:
    return kit.reference(exercise_id).read_text(encoding="utf-8")
