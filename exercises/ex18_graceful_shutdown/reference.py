import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class JobService(Generic[T]):
    def __init__(self, handle: Callable[[T], Awaitable[None]], workers: int) -> None:
        self._handle = handle
        self._workers = workers
        self._queue: asyncio.Queue[T] = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []
        self._accepting = False
        self._submitted = 0
        self._completed = 0  # returned or raised

    async def start(self) -> None:
        self._accepting = True
        self._tasks = [asyncio.create_task(self._worker()) for _ in range(self._workers)]

    async def submit(self, item: T) -> None:
        if not self._accepting:
            raise RuntimeError("JobService is not accepting jobs (not started, or stopping)")
        self._submitted += 1
        self._queue.put_nowait(item)

    async def _worker(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                await self._handle(item)
            except Exception:
                pass  # a failed job is still a completed job; the worker goes on
            finally:
                self._queue.task_done()
            self._completed += 1  # not reached when the job is cancelled

    async def stop(self, timeout: float) -> int:
        self._accepting = False  # at once, before any await
        try:
            await asyncio.wait_for(self._queue.join(), timeout)
        except TimeoutError:
            pass
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        return self._submitted - self._completed
