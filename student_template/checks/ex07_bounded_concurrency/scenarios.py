"""Scenarios for the public checks of ex07 (run in the sandbox)."""

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome


@scenario
async def fetch_with_latencies(h, latencies: dict[str, float], limit: int):
    fetch, record = h.fake(lambda url: Outcome(latency=latencies[url], value=f"<{url}>"))
    result = await h.student.fetch_limited(list(latencies), fetch, limit)
    return {"result": result, "elapsed": h.elapsed(), **record.summary()}
