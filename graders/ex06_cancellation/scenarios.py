"""Scenarios for the public checks of ex06 (run in the sandbox).

``FakeConnection`` stands in for a network connection: it records every
``open``/``send``/``close`` with its time on the loop's clock.
"""

import asyncio

from gradekit.harness import scenario


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


@scenario
async def stream(h, messages: list[str], interval: float):
    """One uninterrupted call of stream_messages."""
    conn = FakeConnection(h)
    result, error = None, None
    try:
        result = await h.student.stream_messages(conn, messages, interval)
    except NotImplementedError:
        raise
    except (Exception, asyncio.CancelledError) as exc:
        error = h.describe(exc)
    # Read at the moment the student's function gave back control.
    return {"result": result, "error": error, "elapsed": h.elapsed(), **conn.snapshot()}


@scenario
async def stream_failing(h, messages: list[str], interval: float, fail_on: int):
    """stream_messages on a connection whose ``fail_on``-th send raises ConnectionResetError."""
    conn = FakeConnection(h, fail_on=fail_on)
    result, error = None, None
    try:
        result = await h.student.stream_messages(conn, messages, interval)
    except NotImplementedError:
        raise
    except (Exception, asyncio.CancelledError) as exc:
        error = h.describe(exc)
    return {"result": result, "error": error, "elapsed": h.elapsed(), **conn.snapshot()}


@scenario
async def stream_cancelled(h, messages: list[str], interval: float, cancel_at: float):
    """stream_messages run as a task and cancelled ``cancel_at`` seconds after it started."""
    conn = FakeConnection(h)
    task = asyncio.ensure_future(h.student.stream_messages(conn, messages, interval))
    await asyncio.wait({task}, timeout=cancel_at)
    cancelled_at = None
    if not task.done():
        cancelled_at = h.elapsed()
        task.cancel()
        await asyncio.wait({task}, timeout=60)
    snapshot = conn.snapshot()  # read as soon as the task has ended
    ended_at = h.elapsed()
    if not task.done():
        outcome, result, error = "running", None, None
    elif task.cancelled():
        outcome, result, error = "cancelled", None, None
    elif task.exception() is not None:
        if isinstance(task.exception(), NotImplementedError):
            raise task.exception()
        outcome, result, error = "raised", None, h.describe(task.exception())
    else:
        outcome, result, error = "returned", task.result(), None
    return {"outcome": outcome, "result": result, "error": error, "cancelled_at": cancelled_at,
            "ended_at": ended_at, **snapshot}
