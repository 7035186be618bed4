"""Scenarios for the public checks of ex13 (run in the sandbox)."""

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome


@scenario(limit=30)
async def run_jobs(h, jobs: list[dict]):
    """``jobs[i]`` = {"latency": s, "value": v} or {"latency": s, "error": message} (a ValueError)."""
    errors = {i: ValueError(j["error"]) for i, j in enumerate(jobs) if j.get("error")}
    outcomes = [Outcome(latency=j["latency"], value=j.get("value"), error=errors.get(i)) for i, j in enumerate(jobs)]
    callables, record = h.jobs(outcomes)
    try:
        outcome = {"returned": await h.student.all_or_nothing(callables)}
    except NotImplementedError:
        raise
    except Exception as exc:
        leaves, stack = [], [exc]
        while stack:
            current = stack.pop()
            if isinstance(current, BaseExceptionGroup):
                stack.extend(current.exceptions)
            else:
                leaves.append(current)
        outcome = {"raised": h.describe(exc), "is_group": isinstance(exc, ExceptionGroup),
                   "original": any(leaf is err for leaf in leaves for err in errors.values())}
    return {**outcome, "elapsed": h.elapsed(), **record.summary()}
