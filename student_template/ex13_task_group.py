"""ex13_task_group — structured concurrency with asyncio.TaskGroup.

Write ``all_or_nothing``: run every job concurrently; either all succeed and
you return their results in order, or the first failure cancels the rest and
is raised. See tasks/ex13_task_group.md for the full statement.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def all_or_nothing(jobs: list[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run ``job()`` for every job concurrently.

    If all succeed, return their results in the order of ``jobs``. As soon as
    one fails, cancel the jobs still running (at once, and wait until they have
    stopped) and raise an ``ExceptionGroup`` containing the original exception.
    """
    raise NotImplementedError("ex13: run the jobs in an asyncio.TaskGroup")
