"""Scenarios for the hidden checks of ex04 (run by the world; the student's run_jobs is called remotely).

The jobs and their recorder come from the public scenarios
(exercises/ex04_task_errors/checks/scenarios.py): every call, its start, end and how it
ended (returned, raised, cancelled) is stamped on the world's clock.
"""

import asyncio

from gradekit.world import public_scenarios
from gradekit.world import scenario

_public = public_scenarios(__file__)


def _jobs(h, specs):
    """specs: [latency, error message or None]; job i returns a per-run token or raises RuntimeError(message)."""
    jobs, record, _outcomes = _public._jobs(h, specs, error=RuntimeError)
    return jobs, record


def _describe_value(result):
    if isinstance(result, (list, tuple)):
        return [type(item).__name__ if isinstance(item, BaseException) else repr(item)[:40] for item in result]
    return repr(result)[:80]


@scenario
async def failures_then_linger(h, specs: list, linger: float):
    """Run the jobs, then keep the world going so any job left behind can finish (or fail)."""
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
    """Start run_jobs as a task, cancel it at ``cancel_at``, and record what it and the jobs did.

    Cancelling the world's task that awaits the call cancels the student's run_jobs; the task
    then ends as their code ended (cancelled, raising, or returning if it swallowed it).
    """
    jobs, record = _jobs(h, specs)
    task = asyncio.get_running_loop().create_task(h.student.run_jobs(jobs))
    await asyncio.wait({task}, timeout=cancel_at)
    finished_early = task.done()
    if finished_early and not task.cancelled() and isinstance(task.exception(), NotImplementedError):
        raise task.exception()  # the stub: let the check say so
    at_cancel = record.summary()  # the jobs as the cancel found them
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
            "cancel_at": cancel_at, "running_at_cancel": at_cancel["running"], **record.summary()}
