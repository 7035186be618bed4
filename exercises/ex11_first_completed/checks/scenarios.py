"""Scenarios for the public checks of ex11 (run by the world; the student's fastest is called remotely)."""

from gradekit.world import Outcome, scenario


@scenario(limit=30)
async def race(h, latencies: dict[str, float]):
    """Every mirror answers a per-run token for itself after its latency."""
    fetch, record = h.fake(lambda mirror: Outcome(latency=latencies[mirror], value=h.token(mirror)))
    result = await h.student.fastest(list(latencies), fetch)
    return {"result": result, "answers": {m: h.token(m) for m in latencies}, "elapsed": h.elapsed(),
            **record.summary()}
