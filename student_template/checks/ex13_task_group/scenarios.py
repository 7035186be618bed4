"""Scenarios for the public checks of ex13 (run by the world; the student's all_or_nothing is called remotely)."""

from gradekit.world import Outcome, scenario


@scenario(limit=30)
async def run_jobs(h, jobs: list[dict]):
    """``jobs[i]`` = {"latency": s, "value": v} or {"latency": s, "error": message} (a ValueError).

    A job that succeeds returns a per-run token for its value; ``expected`` lists them in order.
    """
    errors = {i: ValueError(j["error"]) for i, j in enumerate(jobs) if j.get("error")}
    outcomes = [Outcome(latency=j["latency"], value=h.token(j.get("value")), error=errors.get(i))
                for i, j in enumerate(jobs)]
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
        # A job's ValueError comes back as the world's own object when the student's code passed it on.
        outcome = {"raised": h.describe(exc), "is_group": isinstance(exc, ExceptionGroup),
                   "original": any(leaf is err for leaf in leaves for err in errors.values())}
    return {**outcome, "expected": [h.token(j.get("value")) for j in jobs], "elapsed": h.elapsed(),
            **record.summary()}
