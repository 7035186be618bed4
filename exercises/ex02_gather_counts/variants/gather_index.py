"""count returns the shared log and count_all returns gather's first result: IndexError for []."""

import asyncio

EXPECTED_TO_FAIL = ["test_empty_names"]


async def count(name, log, delay=1.0):
    log.append(f"{name}: One")
    await asyncio.sleep(delay)
    log.append(f"{name}: Two")
    return log


async def count_all(names, delay=1.0):
    log = []
    results = await asyncio.gather(*(count(n, log, delay) for n in names))
    return results[0]
