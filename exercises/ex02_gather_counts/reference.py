import asyncio


async def count(name: str, log: list[str], delay: float = 1.0) -> None:
    log.append(f"{name}: One")
    await asyncio.sleep(delay)
    log.append(f"{name}: Two")


async def count_all(names: list[str], delay: float = 1.0) -> list[str]:
    log: list[str] = []
    await asyncio.gather(*(count(name, log, delay) for name in names))
    return log
