"""Scenarios for the public checks of ex07 (run by the world; the student's fetch_limited is called remotely)."""

from gradekit.world import Outcome, scenario


@scenario
async def fetch_with_latencies(h, latencies: dict[str, float], limit: int):
    """fetch(url) takes ``latencies[url]`` and returns a per-run token for ``url``."""
    fetch, record = h.fake(lambda url: Outcome(latency=latencies[url], value=h.token(url)))
    result = await h.student.fetch_limited(list(latencies), fetch, limit)
    return {"result": result, "expected": [h.token(u) for u in latencies], "elapsed": h.elapsed(),
            **record.summary()}
