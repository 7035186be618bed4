"""ex11_first_completed — racing mirrors.

Write ``fastest``: ask every mirror at once, return the first *successful*
result and cancel the other fetches. See tasks/ex11_first_completed.md for the
full statement.
"""

from collections.abc import Awaitable, Callable


async def fastest(mirrors: list[str], fetch: Callable[[str], Awaitable[str]]) -> str:
    """Return the first successful ``fetch(mirror)`` result of all ``mirrors``.

    Every mirror is fetched concurrently. A fetch that fails is skipped in
    favour of a slower one that succeeds. When one succeeds, the fetches still
    running are cancelled (and finished) before returning. When every fetch
    fails, raise an ``ExceptionGroup`` holding all the failures.
    """
    raise NotImplementedError("ex11: race the mirrors and return the first successful result")
