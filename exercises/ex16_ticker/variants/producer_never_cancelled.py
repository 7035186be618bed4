"""A background task produces the ticks into a queue, but nothing cancels it when the
consumer breaks out early: the task keeps ticking after the generator is closed."""

import asyncio

EXPECTED_TO_FAIL = ["test_break_runs_cleanup"]


async def ticker(interval, count):
    loop = asyncio.get_running_loop()
    start = loop.time()
    ticks = asyncio.Queue()

    async def produce():
        for k in range(count):
            await asyncio.sleep(max(0.0, start + k * interval - loop.time()))
            ticks.put_nowait(k)

    asyncio.create_task(produce())
    for _ in range(count):
        yield await ticks.get()
