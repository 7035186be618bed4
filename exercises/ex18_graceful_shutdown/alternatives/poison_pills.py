"""Stops the workers with sentinels ("poison pills") queued behind the real jobs.

Each worker ends when it takes a sentinel, so waiting for the worker tasks (with
asyncio.wait and a timeout) is waiting for the work already queued.
"""

import asyncio
import logging

log = logging.getLogger(__name__)
_STOP = object()


class JobService:
    def __init__(self, handle, workers):
        self.handle = handle
        self.workers = workers
        self.queue = asyncio.Queue()
        self.tasks = []
        self.stopping = False
        self.submitted = 0
        self.completed = 0

    async def start(self):
        self.tasks = [asyncio.create_task(self.worker(i), name=f"worker-{i}") for i in range(self.workers)]

    async def submit(self, item):
        if self.stopping:
            raise RuntimeError("the service is stopping")
        self.submitted += 1
        await self.queue.put(item)

    async def worker(self, number):
        while (item := await self.queue.get()) is not _STOP:
            try:
                await self.handle(item)
            except Exception:
                log.exception("worker %d: job %r failed", number, item)
            self.completed += 1

    async def stop(self, timeout):
        self.stopping = True
        for _ in self.tasks:
            self.queue.put_nowait(_STOP)
        if self.tasks:
            _, pending = await asyncio.wait(self.tasks, timeout=timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        return self.submitted - self.completed
