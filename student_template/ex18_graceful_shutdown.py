"""ex18_graceful_shutdown — a service that stops cleanly.

Write ``JobService``: a pool of worker tasks fed by a queue, with a graceful
``stop(timeout)``. See tasks/ex18_graceful_shutdown.md for the full statement.
"""

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class JobService(Generic[T]):
    def __init__(self, handle: Callable[[T], Awaitable[None]], workers: int) -> None:
        """Remember ``handle`` (the async function that processes one job) and the number of workers.

        Nothing runs before ``start()``.
        """
        self.handle = handle
        self.workers = workers

    async def start(self) -> None:
        """Start ``workers`` worker tasks; each handles submitted jobs one at a time, in submission order.

        A job that raises does not stop its worker.
        """
        raise NotImplementedError("ex18: start `workers` worker tasks that take jobs from a queue")

    async def submit(self, item: T) -> None:
        """Queue ``item`` for the workers; raise RuntimeError once ``stop()`` has begun."""
        raise NotImplementedError("ex18: queue the job (RuntimeError once stop() has begun)")

    async def stop(self, timeout: float) -> int:
        """Stop gracefully and return how many submitted jobs did not complete.

        Refuse new submissions at once; keep processing the jobs already submitted
        (running and queued) for up to ``timeout`` seconds; then cancel the running
        ones and drop the queued ones. A job completed if it returned or raised.
        No task of the service may still be running when ``stop()`` returns.
        """
        raise NotImplementedError("ex18: drain for up to `timeout` s, cancel the rest, return the count")
