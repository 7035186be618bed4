"""The data passed from grading to rendering: one submission's results."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field

from gradekit import __version__

SCHEMA_VERSION = 1


@dataclass
class CheckResult:
    id: str  # the grader's test function name, stable across runs
    name: str  # what the student reads
    score: float
    max_score: float
    status: str  # passed, failed, error, timeout
    visibility: str  # public or hidden
    feedback: str = ""
    detail: str = ""  # grader tracebacks for kit authors; never rendered for students

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": self.status,
            "visibility": self.visibility,
            "feedback": self.feedback,
        }


@dataclass
class ExerciseResult:
    id: str
    status: str  # graded, missing, error
    tests: list[CheckResult] = field(default_factory=list)
    feedback: str = ""

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 2)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 2)

    @property
    def failed(self) -> list[CheckResult]:
        return [t for t in self.tests if t.status != "passed"]

    def to_dict(self) -> dict:
        data = {
            "id": self.id,
            "score": self.score,
            "max_score": self.max_score,
            "status": self.status,
            "tests": [t.to_dict() for t in self.tests],
        }
        if self.feedback:
            data["feedback"] = self.feedback
        return data


@dataclass
class SubmissionReport:
    submission: str
    exercises: list[ExerciseResult]
    duration_s: float = 0.0
    public_only: bool = False

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 2)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 2)

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "public_only": self.public_only,
            "exercises": [e.to_dict() for e in self.exercises],
            "duration_s": round(self.duration_s, 3),
            "environment": {"python": platform.python_version(), "kit_version": __version__},
        }
