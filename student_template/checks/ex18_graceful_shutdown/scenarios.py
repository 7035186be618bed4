"""Scenarios for the public checks of ex18 (run by the world, virtual clock).

The student's ``JobService`` lives in their process; the world calls its methods
remotely. Jobs are the integers 0, 1, 2 …; ``handle`` is the world's fake: it waits
``latencies[job]`` seconds (0.1 s for any job it does not know) on the world's clock,
and the world records when each job started and how it ended.
"""

import asyncio

from gradekit.world import Outcome
from gradekit.world import scenario

STOP_BOUND = 30.0  # seconds on the world's clock the scenario waits for stop() before giving up on it


async def _service(h, workers: int, latencies: list[float]):
    def behaviour(job):
        known = isinstance(job, int) and 0 <= job < len(latencies)
        return Outcome(latency=latencies[job] if known else 0.1)

    handle, record = h.fake(behaviour)
    return await h.student.JobService(handle, workers), record


async def _bounded_stop(h, service, timeout: float) -> dict:
    """stop(timeout) run as a task and waited for at most STOP_BOUND s: what happened."""
    started = h.now()
    stopper = asyncio.ensure_future(service.stop(timeout))
    done, _ = await asyncio.wait({stopper}, timeout=STOP_BOUND)
    elapsed = round(h.now() - started, 6)
    if not done:
        return {"finished": False, "elapsed": elapsed}
    error = stopper.exception()
    if isinstance(error, NotImplementedError):
        raise error  # an unwritten stop(): the engine says "not written yet"
    if error is not None:
        return {"finished": True, "elapsed": elapsed, "error": h.describe(error)}
    return {"finished": True, "elapsed": elapsed, "count": stopper.result()}


async def _try_submit(h, service, item) -> dict:
    try:
        await service.submit(item)
    except NotImplementedError:
        raise
    except Exception as exc:  # the check judges which exception it was
        return {"raised": h.describe(exc)}
    return {"raised": None}


@scenario(limit=60.0)
async def under_load(h, workers: int, jobs: int, latency: float):
    """Submit more jobs than workers; observe how many are in flight, then stop."""
    service, record = await _service(h, workers, [latency] * jobs)
    await service.start()
    for job in range(jobs):
        await service.submit(job)
    await h.sleep(latency / 2)
    peak_before_stop = record.inflight.peak
    stop = await _bounded_stop(h, service, jobs * latency + 10)
    return {"peak": peak_before_stop, "peak_overall": record.inflight.peak, "stop": stop}


@scenario(limit=60.0)
async def refuse_submissions(h):
    """One worker busy for 2 s; stop(10) begins at 0.5 s; submit during stop, then after it."""
    service, record = await _service(h, 1, [1.0, 1.0])
    await service.start()
    await service.submit(0)
    await service.submit(1)
    await h.sleep(0.5)
    started = h.now()
    stopper = asyncio.ensure_future(service.stop(10.0))
    await h.sleep(0.1)
    during = await _try_submit(h, service, 99)
    done, _ = await asyncio.wait({stopper}, timeout=STOP_BOUND)
    stop = {"finished": bool(done), "elapsed": round(h.now() - started, 6)}
    if done and stopper.exception() is not None:
        if isinstance(stopper.exception(), NotImplementedError):
            raise stopper.exception()
        stop["error"] = h.describe(stopper.exception())
    after = await _try_submit(h, service, 100)
    return {"during": during, "after": after, "stop": stop}
