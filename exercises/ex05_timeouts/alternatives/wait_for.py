"""ex05 alternative: asyncio.wait_for, which cancels the awaitable when the timeout expires."""

import asyncio
from collections.abc import Awaitable, Callable


async def fetch_with_timeout(fetch: Callable[[str], Awaitable[str]], url: str, timeout: float) -> str | None:
    try:
        return await asyncio.wait_for(fetch(url), timeout)
    except asyncio.TimeoutError:  # the same class as the built-in TimeoutError since 3.11
        return None
