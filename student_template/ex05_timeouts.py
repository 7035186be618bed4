"""ex05_timeouts — giving up on slow work.

Write ``fetch_with_timeout``: the result of ``fetch(url)``, or ``None`` when it
takes longer than ``timeout`` seconds (and then the slow fetch must be cancelled).
See tasks/ex05_timeouts.md for the full statement.
"""

from collections.abc import Awaitable, Callable


async def fetch_with_timeout(fetch: Callable[[str], Awaitable[str]], url: str, timeout: float) -> str | None:
    """Return ``await fetch(url)``, or ``None`` if it does not finish within ``timeout`` seconds.

    - A fetch that finishes in time: return its value at once (do not wait for the timeout).
    - A fetch that is too slow: cancel it, and return ``None`` after about ``timeout`` seconds;
      when this function returns, the fetch must no longer be running.
    - Any other error raised by ``fetch`` propagates unchanged.
    """
    raise NotImplementedError("ex05: return fetch(url)'s result, or None after `timeout` seconds (cancel the fetch)")
