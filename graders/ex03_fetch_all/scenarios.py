"""Scenarios for the hidden checks of ex03 (run by the world)."""

from gradekit.world import Outcome, scenario


@scenario
async def fetch_urls(h, urls: list[str], latency: float):
    fetch, record = h.fake(lambda url: Outcome(latency=latency, value=h.token(url)))
    result = await h.student.fetch_all(urls, fetch)
    return {"result": result, "expected": [h.token(u) for u in urls], "elapsed": h.elapsed(), **record.summary()}
