"""Scenarios for the hidden checks of ex03."""

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome


@scenario
async def fetch_urls(h, urls: list[str], latency: float):
    fetch, record = h.fake(lambda url: Outcome(latency=latency, value=url.upper()))
    result = await h.student.fetch_all(urls, fetch)
    return {"result": result, "elapsed": h.elapsed(), **record.summary()}
