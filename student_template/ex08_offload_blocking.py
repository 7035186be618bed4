"""ex08_offload_blocking — CPU-bound and blocking work off the loop.

Write ``checksum_files``: call the blocking ``blocking_hash`` for every path
without blocking the event loop, and return a dict path -> hash.
See tasks/ex08_offload_blocking.md for the full statement.
"""

from collections.abc import Callable


async def checksum_files(paths: list[str], blocking_hash: Callable[[str], str]) -> dict[str, str]:
    """Hash every path concurrently in worker threads; return ``{path: hash}``.

    ``blocking_hash(path)`` is an ordinary (blocking) function: it may take a
    while and it may raise. Calling it directly in this coroutine would freeze
    the event loop for its whole duration. An exception it raises must propagate.
    """
    raise NotImplementedError("ex08: run blocking_hash for every path in threads, return {path: hash}")
