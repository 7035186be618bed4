"""Scenarios for the hidden checks of ex15 (run by the world).

``make_op``, ``raised_info``, ``plain`` and ``retry_result`` come from the public scenarios
(exercises/ex15_retry_backoff/checks/scenarios.py).
"""

import asyncio

from gradekit.world import public_scenarios
from gradekit.world import MissingFromModule, scenario

_public = public_scenarios(__file__)
make_op = _public.make_op
raised_info = _public.raised_info
plain = _public.plain
retry_result = _public.retry_result

#: How long the world waits, after a call of op failed, for retry to settle into its next
#: wait: the world's clock only gets past it once the student's process is idle (nothing
#: to run before its next timer) and no call of op is being made. Far below what the
#: checks measure (the microsecond).
SETTLE = 1e-9


def _how_it_ended(h, task: asyncio.Task, errors: list) -> tuple[str, object]:
    """("cancelled" | "raised" | "returned" | "running", detail) of the retry task; a running one is cancelled."""
    if not task.done():
        task.cancel()
        return "running", None
    if task.cancelled():
        return "cancelled", None
    if isinstance(task.exception(), (NotImplementedError, MissingFromModule)):
        raise task.exception()  # the stub: "not written yet"; a missing retry: "your module is missing"
    if task.exception() is not None:
        return "raised", raised_info(h, task.exception(), errors)
    return "returned", repr(plain(task.result()))


@scenario
async def call_retry(h, plan: list[str], attempts: int, base_delay: float, latency: float,
                     retry_on: list[str] | None = None):
    return await retry_result(h, plan, attempts, base_delay, latency, retry_on)


@scenario
async def cancel_retry(h, plan: list[str], attempts: int, base_delay: float, latency: float, cancel_at: float):
    """Runs retry in a task and cancels that task at `cancel_at`; watches for 3 s more.

    Cancelling the world's task that awaits the remote call cancels the student's retry
    coroutine in their process, wherever it is suspended.
    """
    op, calls, errors = make_op(h, plan, latency)
    task = asyncio.get_running_loop().create_task(h.student.retry(op, attempts, base_delay))
    finished = []
    task.add_done_callback(lambda t: finished.append(h.elapsed()))
    await h.sleep(cancel_at)
    task.cancel()
    await asyncio.wait([task], timeout=3.0)
    await h.sleep(max(0.0, 3.0 - h.elapsed()))  # would op be called again later?
    outcome, detail = _how_it_ended(h, task, errors)
    return {"outcome": outcome, "detail": detail, "finished": finished[0] if finished else None, "calls": calls}


@scenario
async def cancel_in_backoff(h, attempts: int, base_delay: float, latency: float):
    """Cancels retry while it waits between attempts, whatever its waits are.

    After each failed call the world lets retry settle (:data:`SETTLE`: the student's
    process has reached its next wait, or has called op again); if no call of op is then
    in flight, retry is waiting, and the task is cancelled there. A retry that never waits
    between attempts gives no such moment (``cancelled_at`` stays None).
    """
    ended = asyncio.Event()
    op, calls, errors = make_op(h, ["ConnectionError"], latency, on_end=lambda call: ended.set())
    task = asyncio.get_running_loop().create_task(h.student.retry(op, attempts, base_delay))
    finished = []
    task.add_done_callback(lambda t: finished.append(h.elapsed()))
    cancelled_at, calls_before = None, 0
    while not task.done():
        waiter = asyncio.get_running_loop().create_task(ended.wait())
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        ended.clear()
        await h.sleep(SETTLE)  # let retry reach its next await
        if task.done() or any(c["outcome"] == "running" for c in calls):
            continue  # the next attempt started at once: that was no wait
        cancelled_at, calls_before = h.elapsed(), len(calls)
        task.cancel()
        break
    await asyncio.wait([task], timeout=3.0)
    await h.sleep(1.0)  # would op be called again later?
    outcome, detail = _how_it_ended(h, task, errors)
    return {"outcome": outcome, "detail": detail, "finished": finished[0] if finished else None,
            "cancelled_at": cancelled_at, "calls_before": calls_before, "calls": calls}
