"""ex04_task_errors — exceptions from tasks.

Write ``run_jobs``: run every job concurrently and return, in order, each job's
result or the exception object it raised. See tasks/ex04_task_errors.md for the
full statement.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def run_jobs(jobs: list[Callable[[], Awaitable[T]]]) -> list[T | Exception]:
    """Run every job (call it with no arguments, await what it returns) concurrently.

    Return a list in the order of ``jobs``: the job's result when it succeeded, or the
    very exception object it raised when it failed. Wait for every job, leave no
    exception unretrieved, and if ``run_jobs`` itself is cancelled, cancel every job
    and let ``CancelledError`` propagate.
    """
    raise NotImplementedError("ex04: run every job concurrently; return each result or the exception it raised, in order")
