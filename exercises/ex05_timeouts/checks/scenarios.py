"""Scenarios for the public checks of ex05 (run by the world; the student's fetch_with_timeout is called remotely).

``fetch`` is the world's fake: its start, its end and how it ended (returned, raised,
cancelled) are stamped on the world's clock, and the page it returns is a per-run token.
The fake's record is read as it stood when the student's process answered the call
(``h.at_answer``), in the order of its messages: "cancelled" means it cancelled the fetch
before its function returned, not just after (a ``task.cancel()`` never awaited).
"""

import asyncio

from gradekit.world import Outcome, scenario

URL = "https://example.org/page"


def _plain(value):
    """A returned value as the checks may hold it: plain data stays, anything else is its repr."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return f"<{type(value).__name__}: {repr(value)[:80]}>"


async def fetch_with(h, latency: float, timeout: float, error: BaseException | None = None) -> dict:
    """One call of fetch_with_timeout with a fetch that takes ``latency`` s, then returns the page
    (a per-run token) or raises ``error``."""
    page = h.token("page")
    fetch, record = h.fake(Outcome(latency=latency, value=page, error=error))
    at_answer = h.at_answer(record)
    result, raised = None, None
    try:
        result = await h.student.fetch_with_timeout(fetch, URL, timeout)
    except NotImplementedError:
        raise
    except (Exception, asyncio.CancelledError) as exc:
        raised = h.describe(exc)
    # The fake as it stood when the student's function gave back control.
    return {"result": _plain(result), "page": page, "error": raised, "elapsed": h.elapsed(), **at_answer}


@scenario
async def fetch_once(h, latency: float, timeout: float):
    return await fetch_with(h, latency, timeout)
