"""A fixed pool of `limit` workers sharing one iterator over the urls."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def fetch_limited(urls: list[str], fetch: Callable[[str], Awaitable[T]], limit: int) -> list[T]:
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    results: list = [None] * len(urls)
    work = iter(enumerate(urls))

    async def worker() -> None:
        for index, url in work:  # every worker pulls the next url as soon as it is free
            results[index] = await fetch(url)

    async with asyncio.TaskGroup() as group:
        for _ in range(min(limit, len(urls))):
            group.create_task(worker())
    return results
