"""Scenarios for the hidden checks of ex13."""

import asyncio

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome


def _task_name(task):
    name = getattr(task.get_coro(), "__qualname__", "?")
    return "a job" if name.startswith("FakeCallable.") else name


@scenario(limit=30)
async def fail_midway(h, jobs: list[dict], settle: float = 1.0):
    """Runs the jobs; reads the recorder and the tasks still pending at the moment
    all_or_nothing ends, then again after ``settle`` more seconds."""
    errors = {i: ValueError(j["error"]) for i, j in enumerate(jobs) if j.get("error")}
    outcomes = [Outcome(latency=j["latency"], value=j.get("value"), error=errors.get(i)) for i, j in enumerate(jobs)]
    callables, record = h.jobs(outcomes)
    before = set(asyncio.all_tasks())
    try:
        outcome = {"returned": await h.student.all_or_nothing(callables)}
    except NotImplementedError:
        raise
    except Exception as exc:
        outcome = {"raised": h.describe(exc)}
    pending = [t for t in asyncio.all_tasks() if t not in before and not t.done()]
    at_end = {"elapsed": h.elapsed(), **record.summary(),
              "pending_tasks": sorted(_task_name(t) for t in pending)}
    await h.sleep(settle)
    return {**outcome, "at_end": at_end, "settled": record.summary()}
