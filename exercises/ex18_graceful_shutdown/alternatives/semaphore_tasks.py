"""One task per job, with an asyncio.Semaphore(workers) instead of worker tasks.

Jobs waiting for the semaphore are the "queued" ones (it wakes waiters in FIFO
order); stop() waits for every job task with a timeout, then cancels the rest.
"""

import asyncio


class JobService:
    def __init__(self, handle, workers):
        self._handle = handle
        self._slots = asyncio.Semaphore(workers)
        self._jobs: set[asyncio.Task] = set()
        self._open = False

    async def start(self) -> None:
        self._open = True

    async def _run(self, item) -> None:
        async with self._slots:
            try:
                await self._handle(item)
            except Exception:
                pass  # raised = completed

    async def submit(self, item) -> None:
        if not self._open:
            raise RuntimeError("JobService is stopped")
        task = asyncio.create_task(self._run(item))
        self._jobs.add(task)
        task.add_done_callback(self._jobs.discard)

    async def stop(self, timeout: float) -> int:
        self._open = False
        if not self._jobs:
            return 0
        _, pending = await asyncio.wait(set(self._jobs), timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        return len(pending)
