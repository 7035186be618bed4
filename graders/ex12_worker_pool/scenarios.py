"""Scenarios for the hidden checks of ex12."""

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome


@scenario(limit=30)
async def pool(h, items: list[str], latency: float, workers: int):
    handle, record = h.fake(lambda item: Outcome(latency=latency, value=item.upper()))
    result = await h.student.process_all(items, handle, workers)
    return {"result": result, "elapsed": h.elapsed(), **record.summary()}


@scenario(limit=30)
async def pool_with_error(h, latencies: dict[str, float], failing: str, workers: int):
    """``failing`` raises ValueError after its latency; the recorder is read when process_all ends."""
    error = ValueError(f"cannot handle {failing}")

    def behaviour(item):
        return Outcome(latency=latencies[item], value=item.upper(), error=error if item == failing else None)

    handle, record = h.fake(behaviour)
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
        outcome = {"raised": h.describe(exc), "original": any(leaf is error for leaf in leaves)}
    return {**outcome, "elapsed": h.elapsed(), **record.summary()}
