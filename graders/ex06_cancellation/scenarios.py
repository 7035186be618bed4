"""Scenarios for the hidden checks of ex06 (run by the world).

``FakeConnection`` and ``stream_once`` come from the public scenarios
(exercises/ex06_cancellation/checks/scenarios.py); the student's code gets the
connection as a proxy whose methods run in the world.
"""

import asyncio

from gradekit.world import public_scenarios
from gradekit.world import scenario

_public = public_scenarios(__file__)
FakeConnection = _public.FakeConnection
stream_once = _public.stream_once
plain = _public.plain


@scenario
async def stream(h, messages: list[str], interval: float):
    """One uninterrupted call of stream_messages."""
    return await stream_once(h, FakeConnection(h), messages, interval)


@scenario
async def stream_failing(h, messages: list[str], interval: float, fail_on: int):
    """stream_messages on a connection whose ``fail_on``-th send raises ConnectionResetError."""
    return await stream_once(h, FakeConnection(h, fail_on=fail_on), messages, interval)


@scenario
async def stream_cancelled(h, messages: list[str], interval: float, cancel_at: float):
    """stream_messages run as a task and cancelled ``cancel_at`` seconds after it started.

    Cancelling the world's task that awaits the call cancels the student's coroutine; the
    task then ends as their code ended (cancelled, raising, or returning if it swallowed it).
    """
    conn = FakeConnection(h)
    at_answer = h.at_answer(conn)
    task = asyncio.ensure_future(h.student.stream_messages(h.remote(conn, _public.METHODS), messages, interval))
    await asyncio.wait({task}, timeout=cancel_at)
    cancelled_at = None
    if not task.done():
        cancelled_at = h.elapsed()
        task.cancel()
        await asyncio.wait({task}, timeout=60)
    snapshot = {**conn.snapshot(), **at_answer}  # as it stood when the student's process answered
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
        outcome, result, error = "returned", plain(task.result()), None
    return {"outcome": outcome, "result": result, "error": error, "cancelled_at": cancelled_at,
            "ended_at": ended_at, **snapshot}
