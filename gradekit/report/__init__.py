"""Results of a grading run and the formats they are rendered in."""

from gradekit.report.model import CheckResult, ExerciseResult, Ignored, SubmissionReport

__all__ = ["CheckResult", "ExerciseResult", "Ignored", "SubmissionReport"]
