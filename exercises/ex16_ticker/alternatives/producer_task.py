"""A background task puts ticks on a queue at their due times; the generator's
finally cancels it when the consumer stops early (aclose)."""

import asyncio


async def ticker(interval, count):
    loop = asyncio.get_running_loop()
    start = loop.time()
    ticks = asyncio.Queue()

    async def produce():
        for k in range(count):
            await asyncio.sleep(max(0.0, start + k * interval - loop.time()))
            ticks.put_nowait(k)

    producer = asyncio.create_task(produce())
    try:
        for _ in range(count):
            yield await ticks.get()
    finally:
        producer.cancel()
