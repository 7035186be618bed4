"""Scenarios for the hidden checks of ex05."""

import asyncio

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome

URL = "https://example.org/page"
PAGE = "<html>page</html>"


@scenario
async def fetch_once(h, latency: float, timeout: float, error: str | None = None):
    """One call of fetch_with_timeout; the fetch takes ``latency`` s then returns, or raises
    ``ValueError(error)`` when ``error`` is given."""
    failure = ValueError(error) if error is not None else None
    fetch, record = h.fake(Outcome(latency=latency, value=PAGE, error=failure))
    result, raised = None, None
    try:
        result = await h.student.fetch_with_timeout(fetch, URL, timeout)
    except NotImplementedError:
        raise
    except (Exception, asyncio.CancelledError) as exc:
        raised = h.describe(exc)
    # Read at the moment the student's function gave back control, before anything else runs.
    return {"result": result, "error": raised, "elapsed": h.elapsed(), **record.summary()}
