"""ex07_bounded_concurrency — Semaphore.

Write ``fetch_limited``: fetch every url concurrently, but never more than
``limit`` at a time, and return the results in the order of ``urls``.
See tasks/ex07_bounded_concurrency.md for the full statement.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def fetch_limited(urls: list[str], fetch: Callable[[str], Awaitable[T]], limit: int) -> list[T]:
    """Fetch every url with at most ``limit`` fetches in flight at once.

    Results come back in the order of ``urls``. As soon as one fetch finishes,
    the next url starts, so ``limit`` fetches run while there is work left.
    ``limit < 1`` raises ``ValueError``.
    """
    raise NotImplementedError("ex07: fetch every url, at most `limit` at a time, results in the order of urls")
