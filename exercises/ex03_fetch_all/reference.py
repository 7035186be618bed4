import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[T]]) -> list[T]:
    return list(await asyncio.gather(*(fetch(url) for url in urls)))
