"""Reference: asyncio.TaskGroup does exactly this."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def all_or_nothing(jobs: list[Callable[[], Awaitable[T]]]) -> list[T]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]
