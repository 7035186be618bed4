"""Scenarios for the public checks of ex12 (run in the sandbox)."""

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome


@scenario(limit=30)
async def pool(h, latencies: dict[str, float], workers: int):
    """Items are the keys of ``latencies``; handling ``x`` takes its latency and returns ``<x>``."""
    handle, record = h.fake(lambda item: Outcome(latency=latencies[item], value=f"<{item}>"))
    result = await h.student.process_all(list(latencies), handle, workers)
    return {"result": result, "elapsed": h.elapsed(), **record.summary()}
