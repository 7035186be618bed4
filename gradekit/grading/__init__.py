"""The trusted side: pytest graders, observations, feedback and scores.

Grader files use :func:`check` to give a test its name and points, the ``run``
fixture to run a scenario in the sandbox, and the ``expect*`` helpers to turn
observations into feedback that teaches (``expect_happened`` first, when a property
would also hold if the student's code did nothing).
"""

from gradekit.grading.checks import check
from gradekit.grading.feedback import (CheckFailure, approx, expect, expect_elapsed, expect_happened, expect_responsive,
                                      fmt_seconds)
from gradekit.grading.observation import Observation

__all__ = [
    "CheckFailure",
    "Observation",
    "approx",
    "check",
    "expect",
    "expect_elapsed",
    "expect_happened",
    "expect_responsive",
    "fmt_seconds",
]
