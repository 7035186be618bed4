"""Starts a task per submitted job instead of `workers` workers: no limit on jobs in flight.

Every job starts at once, so more than `workers` run together, the work ends
earlier than the statement's workers allow, and at the timeout no job is left in
a queue to drop (all of them are running, or already done).
"""

import asyncio

EXPECTED_TO_FAIL = ["test_exactly_workers_in_flight", "test_stop_returns_when_work_done",
                    "test_stop_returns_at_timeout", "test_count_of_unfinished_jobs"]


class JobService:
    def __init__(self, handle, workers):
        self.handle = handle
        self.workers = workers
        self.tasks = set()
        self.closed = False

    async def start(self):
        self.closed = False

    async def _run(self, item):
        try:
            await self.handle(item)
        except Exception:
            pass

    async def submit(self, item):
        if self.closed:
            raise RuntimeError("service stopped")
        self.tasks.add(asyncio.create_task(self._run(item)))

    async def stop(self, timeout):
        self.closed = True
        if not self.tasks:
            return 0
        done, pending = await asyncio.wait(self.tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        return len(pending)
