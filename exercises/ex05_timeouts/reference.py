"""ex05 reference: asyncio.timeout (Python 3.11+)."""

import asyncio
from collections.abc import Awaitable, Callable


async def fetch_with_timeout(fetch: Callable[[str], Awaitable[str]], url: str, timeout: float) -> str | None:
    try:
        async with asyncio.timeout(timeout):
            return await fetch(url)
    except TimeoutError:
        # The timeout cancelled the fetch and waited for it to finish before raising here.
        return None
