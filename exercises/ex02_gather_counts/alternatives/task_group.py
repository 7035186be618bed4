"""Structured concurrency: one task per name inside an asyncio.TaskGroup."""

import asyncio


async def count(name: str, log: list[str], delay: float = 1.0) -> None:
    log.append(f"{name}: One")
    await asyncio.sleep(delay)
    log.append(f"{name}: Two")


async def count_all(names: list[str], delay: float = 1.0) -> list[str]:
    log: list[str] = []
    async with asyncio.TaskGroup() as group:
        for name in names:
            group.create_task(count(name, log, delay))
    return log
