import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def run_jobs(jobs: list[Callable[[], Awaitable[T]]]) -> list[T | Exception]:
    # return_exceptions=True puts each failure in its slot instead of raising it;
    # if run_jobs is cancelled, gather cancels every job and CancelledError propagates.
    return list(await asyncio.gather(*(job() for job in jobs), return_exceptions=True))
