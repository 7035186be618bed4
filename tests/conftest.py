"""Shared fixtures: the kit, submission folders, and running ``grade.py`` as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from gradekit.kit import Kit
from gradekit.report.model import SubmissionReport
from gradekit.report.schema import report_schema

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        """stdout parsed; a grading report (it has ``schema_version``) must also be valid (:func:`assert_valid_report`)."""
        data = json.loads(self.stdout)
        if isinstance(data, dict) and "schema_version" in data:
            assert_valid_report(data)
        return data


REPORT_VALIDATOR = jsonschema.Draft202012Validator(report_schema())


def assert_valid_report(report: dict) -> dict:
    """Fail unless ``report`` is valid against gradekit/report/schema/report.schema.json and its sums hold.

    Every test that produces a JSON report checks it here (``CliResult.json()`` does it for
    stdout; call it on reports read from files). Beyond the schema: ``score <= max_score``
    everywhere, and each total is the sum of its parts (shared/grader-contract.md).
    Returns the report, so ``report = assert_valid_report(json.loads(text))`` reads well.
    """
    errors = sorted(REPORT_VALIDATOR.iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, "the report does not match its schema:\n" + "\n".join(
        f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:10])
    for exercise in report["exercises"]:
        tests = exercise["tests"]
        for test in tests:
            assert test["score"] <= test["max_score"], f"{exercise['id']}/{test['id']}: score above max_score"
        assert exercise["score"] == round(sum(t["score"] for t in tests), 2), f"{exercise['id']}: score is not its checks' sum"
        assert exercise["max_score"] == round(sum(t["max_score"] for t in tests), 2), f"{exercise['id']}: max_score is not its checks' sum"
    assert report["score"] == round(sum(e["score"] for e in report["exercises"]), 2), "score is not the exercises' sum"
    assert report["max_score"] == round(sum(e["max_score"] for e in report["exercises"]), 2), "max_score is not the exercises' sum"
    assert report["score"] <= report["max_score"]
    return report


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "damaged_report: the test serialises a report it damaged on purpose "
                                       "(its to_dict is not checked against the schema)")


@pytest.fixture(autouse=True)
def _reports_match_their_schema(request, monkeypatch):
    """Every report a test makes in its own process is checked as it is serialised (``to_dict``).

    A test that damages a report on purpose, to see a renderer cope, says so with
    ``@pytest.mark.damaged_report``.
    """
    if request.node.get_closest_marker("damaged_report") is not None:
        return
    serialise = SubmissionReport.to_dict

    def checked(report: SubmissionReport) -> dict:
        return assert_valid_report(serialise(report))

    monkeypatch.setattr(SubmissionReport, "to_dict", checked)


@pytest.fixture
def valid_report():
    """:func:`assert_valid_report` as a fixture."""
    return assert_valid_report


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
