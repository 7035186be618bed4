"""ex12_worker_pool — producer/consumer with asyncio.Queue.

Write ``process_all``: feed ``items`` into an ``asyncio.Queue`` consumed by
``workers`` worker tasks, and return the results in the order of ``items``.
See tasks/ex12_worker_pool.md for the full statement.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def process_all(items: list[T], handle: Callable[[T], Awaitable[R]], workers: int) -> list[R]:
    """Handle every item with ``workers`` concurrent consumer tasks of one queue.

    Returns ``[await handle(item) for item in items]``, in the order of
    ``items``, but with ``workers`` handles running at a time. No worker task is
    left when it returns. If ``handle`` raises, the exception propagates and
    the other workers stop.
    """
    raise NotImplementedError("ex12: feed an asyncio.Queue and start `workers` consumer tasks")
