"""Scenarios for the hidden checks of ex13 (run by the world)."""

from gradekit.world import Outcome, scenario


@scenario(limit=30)
async def fail_midway(h, jobs: list[dict], settle: float = 1.0):
    """Runs the jobs; ``at_end``: the jobs as they stood when all_or_nothing returned or raised, in
    the order of the student's process's messages (a job cancelled but not awaited is still running
    then); ``settled``: the jobs ``settle`` seconds later."""
    errors = {i: ValueError(j["error"]) for i, j in enumerate(jobs) if j.get("error")}
    outcomes = [Outcome(latency=j["latency"], value=h.token(j.get("value")), error=errors.get(i))
                for i, j in enumerate(jobs)]
    callables, record = h.jobs(outcomes)
    at_answer = h.at_answer(record)
    try:
        outcome = {"returned": await h.student.all_or_nothing(callables)}
    except NotImplementedError:
        raise
    except Exception as exc:
        outcome = {"raised": h.describe(exc)}
    at_end = {"elapsed": h.elapsed(), **at_answer}
    await h.sleep(settle)
    return {**outcome, "at_end": at_end, "settled": record.summary()}
