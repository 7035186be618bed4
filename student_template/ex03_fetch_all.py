"""ex03_fetch_all — tasks that return results.

Write ``fetch_all``: fetch every url concurrently and return the results in the
order of ``urls``. See tasks/ex03_fetch_all.md for the full statement.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[T]]) -> list[T]:
    raise NotImplementedError("ex03: fetch every url concurrently, results in the order of urls")
