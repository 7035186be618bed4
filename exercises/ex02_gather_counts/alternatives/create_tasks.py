"""Create every task first, then await them one by one (they all run meanwhile)."""

import asyncio


async def count(name: str, log: list[str], delay: float = 1.0) -> None:
    log.append(f"{name}: One")
    await asyncio.sleep(delay)
    log.append(f"{name}: Two")


async def count_all(names: list[str], delay: float = 1.0) -> list[str]:
    log: list[str] = []
    tasks = [asyncio.create_task(count(name, log, delay)) for name in names]
    for task in tasks:
        await task
    return log
