"""Scenarios for the hidden checks of ex04."""

import asyncio

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome


def _jobs(h, specs):
    """specs: [latency, error message or None]; job i returns f"v{i}" or raises RuntimeError(message)."""
    outcomes = [Outcome(latency=latency, value=f"v{i}", error=RuntimeError(error) if error else None)
                for i, (latency, error) in enumerate(specs)]
    return h.jobs(outcomes)


def _describe_value(result):
    if isinstance(result, (list, tuple)):
        return [type(item).__name__ if isinstance(item, BaseException) else repr(item)[:40] for item in result]
    return repr(result)[:80]


@scenario
async def failures_then_linger(h, specs: list, linger: float):
    """Run the jobs, then keep the loop going so any job left behind can finish (or fail)."""
    jobs, record = _jobs(h, specs)
    try:
        await h.student.run_jobs(jobs)
        raised = None
    except NotImplementedError:
        raise  # the stub: let the check say so
    except Exception as exc:
        raised = type(exc).__name__
    await h.sleep(linger)
    return {"raised": raised, **record.summary()}


@scenario
async def cancel_run_jobs(h, specs: list, cancel_at: float):
    """Start run_jobs as a task, cancel it at ``cancel_at``, and record what it and the jobs did."""
    jobs, record = _jobs(h, specs)
    task = asyncio.get_running_loop().create_task(h.student.run_jobs(jobs))
    await h.sleep(cancel_at)
    finished_early = task.done()
    if finished_early and not task.cancelled() and isinstance(task.exception(), NotImplementedError):
        raise task.exception()  # the stub: let the check say so
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=5.0)
    finished_at = h.elapsed()
    if not done:
        outcome = {"kind": "still running"}
    elif task.cancelled():
        outcome = {"kind": "cancelled"}
    elif task.exception() is not None:
        outcome = {"kind": "raised", "error": h.describe(task.exception())}
    else:
        outcome = {"kind": "returned", "value": _describe_value(task.result())}
    # let any job that was left running finish, so the calls show how it ended
    await h.sleep(max(latency for latency, _ in specs) + 0.5)
    return {"outcome": outcome, "finished_early": finished_early, "finished_at": finished_at,
            "cancel_at": cancel_at, **record.summary()}
