"""ex14_rate_limiter — async context managers and shared state.

Write ``RateLimiter``: ``async with limiter:`` lets at most ``rate`` entries start
in any window of ``period`` seconds, and waiters enter in arrival order. See
tasks/ex14_rate_limiter.md for the full statement.
"""


class RateLimiter:
    def __init__(self, rate: int, period: float) -> None:
        """A limiter allowing at most ``rate`` entries to start in any ``period`` seconds."""
        raise NotImplementedError("ex14: store rate and period, and the state you need to remember entries")

    async def __aenter__(self) -> "RateLimiter":
        """Wait (without blocking the loop) until entering keeps the rule, then enter."""
        raise NotImplementedError("ex14: wait for a free slot in the window, first come first served")

    async def __aexit__(self, exc_type, exc, tb) -> None:
        """Leave the block. (Does leaving free anything? Think about what is limited.)"""
        raise NotImplementedError("ex14: decide what leaving the block does")
