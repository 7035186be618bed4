"""Scenarios for the hidden checks of ex18 (run in the sandbox, virtual clock).

Jobs are the integers 0, 1, 2 …; the grader's ``handle`` waits ``latencies[job]``
seconds (0.1 s for any job it does not know). ``_service`` and ``_bounded_stop`` come
from the public scenarios (exercises/ex18_graceful_shutdown/checks/scenarios.py).
"""

import asyncio

from gradekit.harness import public_scenarios, scenario
from gradekit.harness.fakes import Outcome

_public = public_scenarios(__file__)
_service = _public._service
_bounded_stop = _public._bounded_stop


@scenario(limit=60.0)
async def failing_jobs(h):
    """Two workers; jobs 0 and 1 raise quickly, jobs 2-5 take 1 s each (done by 2.2 s); stop(10) at 3 s."""
    latencies = [0.1, 0.2, 1.0, 1.0, 1.0, 1.0]

    def behaviour(job):
        error = RuntimeError(f"job {job} failed") if job in (0, 1) else None
        return Outcome(latency=latencies[job] if isinstance(job, int) and 0 <= job < 6 else 0.1, error=error)

    handle, record = h.fake(behaviour)
    service = h.student.JobService(handle, 2)
    await service.start()
    for job in range(len(latencies)):
        await service.submit(job)
    await h.sleep(3.0)
    stop = await _bounded_stop(h, service, 10.0)
    return {"stop": stop, **record.summary()}


@scenario(limit=60.0)
async def stop_while_busy(h, workers: int, latencies: list[float], stop_at: float, timeout: float):
    """Submit every job at 0, call stop(timeout) at stop_at, report when it returned and what it counted."""
    service, record = _service(h, workers, latencies)
    await service.start()
    for job in range(len(latencies)):
        await service.submit(job)
    await h.sleep(stop_at)
    stop = await _bounded_stop(h, service, timeout)
    return {"stop": stop, **record.summary()}


@scenario(limit=60.0)
async def left_after_stop(h, workers: int, latencies: list[float], stop_at: float, timeout: float):
    """Like stop_while_busy, but looks at what is still running the moment stop() returns."""
    before = asyncio.all_tasks()
    service, record = _service(h, workers, latencies)
    await service.start()
    for job in range(len(latencies)):
        await service.submit(job)
    await h.sleep(stop_at)
    count = await service.stop(timeout)  # awaited directly: nothing may run between its return and the look
    me = asyncio.current_task()
    left = sorted(getattr(t.get_coro(), "__qualname__", repr(t.get_coro()))
                  for t in asyncio.all_tasks() if t is not me and t not in before and not t.done())
    summary = record.summary()
    return {"count": count, "tasks_left": left, "jobs_running": summary["running"], "jobs_started": len(summary["calls"])}
