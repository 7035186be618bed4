"""Scenarios for the public checks of ex12 (run by the world; the student's process_all is called remotely)."""

from gradekit.world import Outcome, scenario


@scenario(limit=30)
async def pool(h, latencies: dict[str, float], workers: int):
    """Items are the keys of ``latencies``; handling ``x`` takes its latency and returns a per-run token for ``x``."""
    handle, record = h.fake(lambda item: Outcome(latency=latencies[item], value=h.token(item)))
    result = await h.student.process_all(list(latencies), handle, workers)
    return {"result": result, "expected": [h.token(item) for item in latencies], "elapsed": h.elapsed(),
            **record.summary()}
