"""ex06_cancellation — cleaning up when cancelled.

Write ``stream_messages``: open the connection, send every message with
``interval`` seconds between sends, and close the connection exactly once,
whatever happens (success, an error, or cancellation).
See tasks/ex06_cancellation.md for the full statement.
"""

from typing import Protocol


class Connection(Protocol):
    """Anything with these three async methods (the grader supplies a fake one)."""

    async def open(self) -> None: ...

    async def send(self, message: str) -> None: ...

    async def close(self) -> None: ...


async def stream_messages(conn: Connection, messages: list[str], interval: float) -> int:
    """``await conn.open()``, then ``await conn.send(m)`` for each message with ``interval``
    seconds between sends, then ``await conn.close()``; return how many were sent.

    - ``conn.close()`` is awaited exactly once: on success, when a send raises, and when
      this coroutine is cancelled.
    - When cancelled, let ``asyncio.CancelledError`` propagate (do not return normally).
    """
    raise NotImplementedError("ex06: open, send each message `interval` s apart, always close exactly once")
