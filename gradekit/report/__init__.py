"""Results of a grading run and the formats they are rendered in."""

from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport

__all__ = ["CheckResult", "ExerciseResult", "SubmissionReport"]
