"""ex15_retry_backoff — retries with exponential backoff.

Write ``retry``: call ``op`` until it succeeds, waiting base_delay, 2 x base_delay,
4 x base_delay... between attempts. See tasks/ex15_retry_backoff.md for the full statement.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def retry(op: Callable[[], Awaitable[T]], attempts: int, base_delay: float,
                retry_on: tuple[type[BaseException], ...] = (Exception,)) -> T:
    """Return ``await op()``, retrying up to ``attempts`` calls in all on exceptions in ``retry_on``.

    Waits ``base_delay * 2 ** k`` seconds after failed attempt ``k`` (counting from 0),
    re-raises the last exception when every attempt failed, raises anything outside
    ``retry_on`` at once, and never retries ``CancelledError``.
    """
    raise NotImplementedError("ex15: call op, and on a retryable failure wait with exponential backoff and try again")
