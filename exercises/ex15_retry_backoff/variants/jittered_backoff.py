"""Backoff with random jitter: a fine idea in production, but the exercise asks for exact waits.

Every other property holds, so this loses only the schedule check: a fault costs only
the check about it (the other timing checks judge relative to the calls themselves).
"""

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

EXPECTED_TO_FAIL = ["test_backoff_schedule"]


async def retry(op: Callable[[], Awaitable[T]], attempts: int, base_delay: float,
                retry_on: tuple[type[BaseException], ...] = (Exception,)) -> T:
    for attempt in range(attempts):
        try:
            return await op()
        except retry_on:
            if attempt == attempts - 1:
                raise
        await asyncio.sleep(base_delay * 2 ** attempt * random.uniform(0.5, 1.0))
    raise AssertionError("unreachable")
