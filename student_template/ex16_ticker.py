"""ex16_ticker — async generators.

Write ``ticker``: an async generator yielding 0 … count-1, tick k at
start + k × interval, without drift. See tasks/ex16_ticker.md for the full statement.
"""

from collections.abc import AsyncIterator


async def ticker(interval: float, count: int) -> AsyncIterator[int]:
    """Yield ``0 … count-1``; tick ``k`` is due ``k * interval`` seconds after iteration starts.

    A tick whose time has passed (slow consumer) is yielded at once; later ticks keep
    their times. Anything the generator starts is cleaned up when it is closed early.
    """
    raise NotImplementedError("ex16: sleep until each tick's due time, then yield it")
    yield  # the `yield` makes this function an async generator
