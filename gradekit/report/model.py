"""The data passed from grading to rendering: one submission's results.

Feedback quotes what student code produced, and the submission label and file names
come from the student too, so the text fields of these classes are cleaned on every
assignment (:func:`gradekit.report.sanitize.clean`: no terminal escapes or control
characters, bounded length). Every renderer can print them as they are.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field

from gradekit import __version__
from gradekit.report.sanitize import clean
from gradekit.report.timeline import timeline_data

SCHEMA_VERSION = 1
FEEDBACK = 1500  # one check's feedback: the property, expected, observed, a note and a hint
NAME = 200  # check names, exercise ids, file names
LABEL = 300  # the submission label (a path)


class _Cleaned:
    """Text fields listed in ``_CLEAN`` (name -> (limit, multiline)) are cleaned whenever they are set."""

    _CLEAN: dict[str, tuple[int, bool]] = {}

    def __setattr__(self, name: str, value: object) -> None:
        rule = self._CLEAN.get(name)
        if rule is not None and value is not None:
            value = clean(value, rule[0], multiline=rule[1])
        super().__setattr__(name, value)


@dataclass
class CheckResult(_Cleaned):
    _CLEAN = {"id": (NAME, False), "name": (NAME, False), "feedback": (FEEDBACK, True)}

    id: str  # the grader's test function name, stable across runs
    name: str  # what the student reads
    score: float
    max_score: float
    status: str  # passed, failed, error, timeout
    visibility: str  # public or hidden
    feedback: str = ""
    detail: str = ""  # grader tracebacks for kit authors; never rendered for students
    #: The check's calls on its clock beside a correct run's shape (:mod:`gradekit.report.timeline`), or None.
    timeline: dict | None = None

    def __setattr__(self, name: str, value: object) -> None:
        # Labels may come from the student's code: checked and cleaned like the text fields.
        super().__setattr__(name, timeline_data(value) if name == "timeline" and value is not None else value)

    def to_dict(self) -> dict:
        data = {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": self.status,
            "visibility": self.visibility,
            "feedback": self.feedback,
        }
        if self.timeline is not None:
            data["timeline"] = self.timeline
        return data


@dataclass
class ExerciseResult(_Cleaned):
    _CLEAN = {"id": (NAME, False), "feedback": (FEEDBACK, True), "flag_reason": (FEEDBACK, False)}

    id: str
    status: str  # graded, missing, error
    tests: list[CheckResult] = field(default_factory=list)
    feedback: str = ""
    #: Why this exercise's submission is flagged for review: it tampered with the grading harness.
    flag_reason: str = ""

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
        if self.flag_reason:
            data["flagged"] = True
            data["flag_reason"] = self.flag_reason
        return data


@dataclass
class Ignored(_Cleaned):
    """An entry of the submission folder that was not graded, and why."""

    _CLEAN = {"path": (NAME, False), "reason": (NAME, False)}

    path: str
    reason: str

    def to_dict(self) -> dict:
        return {"path": self.path, "reason": self.reason}


@dataclass
class SubmissionReport(_Cleaned):
    _CLEAN = {"submission": (LABEL, False), "isolation": (NAME, False)}

    submission: str
    exercises: list[ExerciseResult]
    duration_s: float = 0.0
    public_only: bool = False
    isolation: str = "process"  # what the sandbox applied: "namespaces" or "process"
    ignored: list[Ignored] = field(default_factory=list)
    #: What the reader should know about how this report was made (e.g. graded without full
    #: isolation by ``batch --allow-weak-isolation``); always serialised, empty by default.
    warnings: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 2)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 2)

    @property
    def flagged(self) -> bool:
        """The submission tampered with the grading harness somewhere: an instructor should look."""
        return any(e.flag_reason for e in self.exercises)

    @property
    def flag_reason(self) -> str:
        return "; ".join(f"{e.id}: {e.flag_reason}" for e in self.exercises if e.flag_reason)

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "flagged": self.flagged,
            "flag_reason": self.flag_reason,
            "public_only": self.public_only,
            "exercises": [e.to_dict() for e in self.exercises],
            "ignored": [i.to_dict() for i in self.ignored],
            "warnings": [clean(w, FEEDBACK) for w in self.warnings],
            "duration_s": round(self.duration_s, 3),
            "environment": {"python": platform.python_version(), "kit_version": __version__,
                            "isolation": self.isolation},
        }
