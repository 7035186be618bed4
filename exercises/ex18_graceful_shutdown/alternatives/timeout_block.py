"""Drains with ``async with asyncio.timeout(...)`` and counts running + queued at the deadline."""

import asyncio
import contextlib


class JobService:
    def __init__(self, handle, workers):
        self.handle = handle
        self.n_workers = workers
        self.queue = asyncio.Queue()
        self.workers = []
        self.accepting = False
        self.running = 0

    async def start(self):
        self.accepting = True
        for _ in range(self.n_workers):
            self.workers.append(asyncio.create_task(self._work()))

    async def submit(self, item):
        if not self.accepting:
            raise RuntimeError("not accepting jobs")
        self.queue.put_nowait(item)

    async def _work(self):
        while True:
            item = await self.queue.get()
            self.running += 1
            try:
                await self.handle(item)
            except Exception as exc:
                print(f"job {item!r} failed: {exc!r}")
            finally:
                self.running -= 1
                self.queue.task_done()

    async def stop(self, timeout):
        self.accepting = False
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self.queue.join()
        unfinished = self.running + self.queue.qsize()
        for worker in self.workers:
            worker.cancel()
        await asyncio.gather(*self.workers, return_exceptions=True)
        self.workers.clear()
        return unfinished
