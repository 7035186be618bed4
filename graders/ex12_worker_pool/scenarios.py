"""Scenarios for the hidden checks of ex12 (run by the world)."""

from gradekit.world import Outcome, scenario


@scenario(limit=30)
async def pool(h, items: list[str], latency: float, workers: int):
    handle, record = h.fake(lambda item: Outcome(latency=latency, value=h.token(item)))
    result = await h.student.process_all(items, handle, workers)
    return {"result": result, "expected": [h.token(item) for item in items], "elapsed": h.elapsed(),
            **record.summary()}


@scenario(limit=30)
async def pool_with_error(h, latencies: dict[str, float], failing: str, workers: int, settle: float = 1.0):
    """``failing`` raises ValueError after its latency.

    ``at_end``: the handles as they stood when process_all returned or raised, in the order of the
    student's process's messages (a worker cancelled but not awaited is still running then);
    ``calls``: every handle started, read ``settle`` seconds later (workers that kept going show).
    """
    error = ValueError(f"cannot handle {failing}")

    def behaviour(item):
        return Outcome(latency=latencies[item], value=h.token(item), error=error if item == failing else None)

    handle, record = h.fake(behaviour)
    at_answer = h.at_answer(record)
    try:
        outcome = {"returned": await h.student.process_all(list(latencies), handle, workers)}
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
        # The world's own ValueError comes back as the same object when the student's code passed it on.
        outcome = {"raised": h.describe(exc), "original": any(leaf is error for leaf in leaves)}
    elapsed, at_end = h.elapsed(), dict(at_answer)
    await h.sleep(settle)
    return {**outcome, "elapsed": elapsed, "at_end": at_end, **record.summary()}
