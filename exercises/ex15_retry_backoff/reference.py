import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def retry(op: Callable[[], Awaitable[T]], attempts: int, base_delay: float,
                retry_on: tuple[type[BaseException], ...] = (Exception,)) -> T:
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for attempt in range(attempts):
        try:
            return await op()
        except asyncio.CancelledError:
            raise  # cancellation is never a failure to retry
        except retry_on:
            if attempt == attempts - 1:
                raise  # the last exception, unchanged
        await asyncio.sleep(base_delay * 2 ** attempt)
    raise AssertionError("unreachable")
