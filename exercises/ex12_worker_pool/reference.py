"""Reference: Queue.join() style; workers are cancelled once the queue is drained."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def process_all(items: list[T], handle: Callable[[T], Awaitable[R]], workers: int) -> list[R]:
    queue: asyncio.Queue[tuple[int, T]] = asyncio.Queue()
    for index, item in enumerate(items):
        queue.put_nowait((index, item))
    results: list = [None] * len(items)

    async def worker() -> None:
        while True:
            index, item = await queue.get()
            try:
                results[index] = await handle(item)
            finally:
                queue.task_done()

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    drained = asyncio.create_task(queue.join())
    try:
        # Workers only ever finish by raising: stop at the first error or when drained.
        done, _ = await asyncio.wait([drained, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not drained:
                task.result()
    finally:
        for task in (drained, *tasks):
            task.cancel()
        await asyncio.gather(drained, *tasks, return_exceptions=True)
    return results
