"""ex02_gather_counts — running coroutines concurrently with gather.

Write ``count`` (log One, wait, log Two) and ``count_all`` (run ``count`` for every
name concurrently and return the shared log). See tasks/ex02_gather_counts.md for
the full statement.
"""

import asyncio


async def count(name: str, log: list[str], delay: float = 1.0) -> None:
    """Append ``f"{name}: One"`` to ``log``, wait ``delay`` seconds, append ``f"{name}: Two"``."""
    raise NotImplementedError("ex02: append '<name>: One', wait delay seconds, append '<name>: Two'")


async def count_all(names: list[str], delay: float = 1.0) -> list[str]:
    """Run ``count`` for every name concurrently, all sharing one log; return that log."""
    raise NotImplementedError("ex02: run count for every name concurrently and return the shared log")
