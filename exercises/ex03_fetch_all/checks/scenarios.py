"""Scenarios for the public checks of ex03 (run by the world; the student's fetch_all is called remotely)."""

from gradekit.world import Outcome, scenario


@scenario
async def fetch_with_latencies(h, latencies: dict[str, float]):
    """fetch(url) takes ``latencies[url]`` and returns a per-run token for ``url``."""
    fetch, record = h.fake(lambda url: Outcome(latency=latencies[url], value=h.token(url)))
    result = await h.student.fetch_all(list(latencies), fetch)
    return {"result": result, "expected": [h.token(u) for u in latencies], "elapsed": h.elapsed(),
            **record.summary()}
