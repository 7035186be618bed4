"""The trusted side: pytest graders, observations, feedback and scores.

Grader files use :func:`check` to give a test its name and points, the ``run``
fixture to run a scenario in the sandbox, and the ``expect*`` helpers to turn
observations into feedback that teaches (``expect_happened`` first, when a property
would also hold if the student's code did nothing). Checks about concurrency and time
also show when the calls ran: the ``timeline`` fixture takes a timeline built with
:func:`calls_timeline` and a correct run's shape (:mod:`gradekit.grading.timelines`).
"""

from gradekit.grading.checks import check
from gradekit.grading.feedback import (BLOCKED_LOOP, LEAKED_TASK, NEVER_AWAITED, SWALLOWED_CANCELLATION, TIMEOUT,
                                      CheckFailure, Mistake, approx, expect, expect_all_awaited,
                                      expect_cancellation_propagates, expect_elapsed, expect_happened,
                                      expect_no_leaked_tasks, expect_responsive, fmt_seconds, never_awaited_note)
from gradekit.grading.observation import Observation
from gradekit.grading.timelines import (bar, calls_timeline, concurrent_shape, durations, limited_shape,
                                        sequential_shape, stopped_shape)

__all__ = [
    "BLOCKED_LOOP",
    "LEAKED_TASK",
    "NEVER_AWAITED",
    "SWALLOWED_CANCELLATION",
    "TIMEOUT",
    "CheckFailure",
    "Mistake",
    "Observation",
    "approx",
    "bar",
    "calls_timeline",
    "check",
    "concurrent_shape",
    "durations",
    "expect",
    "expect_all_awaited",
    "expect_cancellation_propagates",
    "expect_elapsed",
    "expect_happened",
    "expect_no_leaked_tasks",
    "expect_responsive",
    "fmt_seconds",
    "limited_shape",
    "never_awaited_note",
    "sequential_shape",
    "stopped_shape",
]
