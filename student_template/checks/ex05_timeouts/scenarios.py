"""Scenarios for the public checks of ex05 (run in the sandbox)."""

import asyncio

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome

URL = "https://example.org/page"
PAGE = "<html>page</html>"


@scenario
async def fetch_once(h, latency: float, timeout: float):
    """One call of fetch_with_timeout with a fetch that takes ``latency`` seconds."""
    fetch, record = h.fake(Outcome(latency=latency, value=PAGE))
    result, error = None, None
    try:
        result = await h.student.fetch_with_timeout(fetch, URL, timeout)
    except NotImplementedError:
        raise
    except (Exception, asyncio.CancelledError) as exc:
        error = h.describe(exc)
    # Everything below is read at the moment the student's function gave back control.
    return {"result": result, "error": error, "elapsed": h.elapsed(), **record.summary()}
