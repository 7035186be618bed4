import asyncio
from collections.abc import AsyncIterator


async def ticker(interval: float, count: int) -> AsyncIterator[int]:
    """Yield 0 … count-1; tick k is due at start + k × interval (an absolute schedule)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for k in range(count):
        delay = start + k * interval - loop.time()
        if delay > 0:  # a late tick (slow consumer) is yielded at once
            await asyncio.sleep(delay)
        yield k
