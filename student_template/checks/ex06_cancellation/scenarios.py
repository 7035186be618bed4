"""Scenarios for the public checks of ex06 (run by the world; the student's stream_messages is called remotely).

``FakeConnection`` stands in for a network connection. It lives in the world: the
student's code gets a proxy (``h.remote``) whose ``open``/``send``/``close`` run here,
so every call is recorded with its time on the world's clock.
"""

import asyncio

from gradekit.world import scenario

METHODS = ["open", "send", "close"]


class FakeConnection:
    """A connection with async ``open``, ``send`` and ``close`` that records what happened.

    ``open`` takes ``open_latency`` seconds, ``send`` is instant, ``close`` takes
    ``close_latency`` seconds (it only counts once it has finished). The
    ``fail_on``-th send (1-based) raises ``ConnectionResetError``.
    """

    def __init__(self, h, fail_on: int | None = None, open_latency: float = 0.1, close_latency: float = 0.05):
        self._h = h
        self.fail_on = fail_on
        self.open_latency = open_latency
        self.close_latency = close_latency
        self.opened: list[float] = []  # when each open() finished
        self.sends: list[dict] = []  # {"message", "at", "outcome"}
        self.closes: list[dict] = []  # {"started", "ended"} (ended None while closing)
        self.is_open = False

    async def open(self) -> None:
        await self._h.sleep(self.open_latency)
        self.is_open = True
        self.opened.append(self._h.elapsed())

    async def send(self, message: str) -> None:
        record = {"message": message, "at": self._h.elapsed(), "outcome": "sent"}
        self.sends.append(record)
        if not self.is_open:
            record["outcome"] = "refused"
            raise RuntimeError("send() on a connection that is not open")
        if self.fail_on is not None and len(self.sends) == self.fail_on:
            record["outcome"] = "failed"
            raise ConnectionResetError("connection reset by peer")

    async def close(self) -> None:
        record = {"started": self._h.elapsed(), "ended": None}
        self.closes.append(record)
        self.is_open = False
        await self._h.sleep(self.close_latency)
        record["ended"] = self._h.elapsed()

    def snapshot(self) -> dict:
        return {
            "opened": list(self.opened),
            "sends": [dict(s) for s in self.sends],
            "closes": [dict(c) for c in self.closes],
            "closed": sum(1 for c in self.closes if c["ended"] is not None),
        }

    summary = snapshot  # what h.at_answer() reads: the record as it stood when the student's process answered


def plain(value):
    """A returned value as the checks may hold it: plain data stays, anything else is its repr."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return f"<{type(value).__name__}: {repr(value)[:80]}>"


async def stream_once(h, conn: FakeConnection, messages: list[str], interval: float) -> dict:
    """Await stream_messages(conn, ...) once: its result or error, and what ``conn`` recorded."""
    at_answer = h.at_answer(conn)
    result, error = None, None
    try:
        result = await h.student.stream_messages(h.remote(conn, METHODS), messages, interval)
    except NotImplementedError:
        raise
    except (Exception, asyncio.CancelledError) as exc:
        error = h.describe(exc)
    # What conn recorded by the time the student's function gave back control.
    return {"result": plain(result), "error": error, "elapsed": h.elapsed(), **conn.snapshot(), **at_answer}


@scenario
async def stream(h, messages: list[str], interval: float):
    """One uninterrupted call of stream_messages."""
    return await stream_once(h, FakeConnection(h), messages, interval)
