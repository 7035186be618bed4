"""Code the checks of ex09 run inside your process, beside your module (students can read it).

Only one thing happens here: the responsiveness check's batch of 10 000 visits is too
large to travel as one message, so it is built here and passed to your
``record_visits``. Everything the checks judge about the database is read by the
grader itself, from outside, in the file your code wrote (see scenarios.py). The
grader calls these functions with ``await h.driver.name(...)``; ``student`` is your module.
"""

student = None  # your module, set by the harness before the first call


def visits_batch(rows: int) -> list:
    """The batch of the responsiveness check: ``rows`` visits of 97 users to 40 pages."""
    return [(f"user{i % 97}", f"/page/{i % 40:02d}") for i in range(rows)]


async def record_batch(path: str, rows: int) -> None:
    """``record_visits(path, visits_batch(rows))``: a batch this large does not travel as one message."""
    await student.record_visits(path, visits_batch(rows))
