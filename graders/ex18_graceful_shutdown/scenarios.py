"""Scenarios for the hidden checks of ex18 (run by the world, virtual clock).

Jobs are the integers 0, 1, 2 …; the world's ``handle`` waits ``latencies[job]`` seconds
(0.1 s for any job it does not know). ``_service`` and ``_bounded_stop`` come from the
public scenarios (exercises/ex18_graceful_shutdown/checks/scenarios.py).
"""

from gradekit.world import public_scenarios
from gradekit.world import Outcome
from gradekit.world import scenario

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
    service = await h.student.JobService(handle, 2)
    await service.start()
    for job in range(len(latencies)):
        await service.submit(job)
    await h.sleep(3.0)
    stop = await _bounded_stop(h, service, 10.0)
    return {"stop": stop, **record.summary()}


@scenario(limit=60.0)
async def stop_while_busy(h, workers: int, latencies: list[float], stop_at: float, timeout: float):
    """Submit every job at 0, call stop(timeout) at stop_at, report when it returned and what it counted.

    ``at_stop`` is the world's record of the jobs as it stood when stop() answered (returned
    or raised), in the order of the student's process's messages: a job its code cancels
    only after stop() returned is still "running" there.
    """
    service, record = await _service(h, workers, latencies)
    await service.start()
    for job in range(len(latencies)):
        await service.submit(job)
    await h.sleep(stop_at)
    at_answer = h.at_answer(record)
    stop = await _bounded_stop(h, service, timeout)
    # ``calls`` is how each job ended: read once the student's process has settled, since a job
    # cancelled but not awaited ends a moment after stop() answers (``at_stop`` judges that).
    await h.sleep(0.5)
    return {"stop": stop, "at_stop": dict(at_answer) if stop["finished"] else None, **record.summary()}


@scenario(limit=60.0)
async def left_after_stop(h, workers: int, latencies: list[float], stop_at: float, timeout: float):
    """Like stop_while_busy, but looks at what is still running the moment stop() returns.

    Jobs still running are the world's record (its ``handle`` calls not yet ended when the
    answer came, in message order: ``h.at_answer``). Tasks still pending are the student's
    process's account: the driver (checks/driver.py) awaits stop() there and lists, in the
    same step, the tasks made since before the service was made that are not done yet.
    """
    await h.driver.note_tasks()
    service, record = await _service(h, workers, latencies)
    await service.start()
    for job in range(len(latencies)):
        await service.submit(job)
    await h.sleep(stop_at)
    summary = h.at_answer(record)
    looked = await h.driver.stop_and_look(service, timeout)
    left = looked.get("tasks_left") if isinstance(looked, dict) else None
    if not isinstance(left, list):  # the driver's account did not come back as the driver sends it
        left = ["(no account of the tasks from your process)"]
    return {"count": looked.get("count") if isinstance(looked, dict) else None,
            "tasks_left": [str(t)[:200] for t in left[:20]], "jobs_running": summary["running"],
            "jobs_started": len(summary["calls"])}
