"""Scenarios for the public checks of ex11 (run in the sandbox)."""

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome


@scenario(limit=30)
async def race(h, latencies: dict[str, float]):
    """Every mirror answers ``<mirror>`` after its latency."""
    fetch, record = h.fake(lambda mirror: Outcome(latency=latencies[mirror], value=f"<{mirror}>"))
    result = await h.student.fastest(list(latencies), fetch)
    return {"result": result, "elapsed": h.elapsed(), **record.summary()}
