"""Grader-owned fakes, in process on a plain asyncio loop."""

from __future__ import annotations

import asyncio

import pytest

from gradekit.world.fakes import FakeCallable, Outcome, Recorder


def _recorder() -> Recorder:
    loop = asyncio.get_running_loop()
    start = loop.time()
    return Recorder(now=lambda: round(loop.time() - start, 2))


@pytest.mark.asyncio
async def test_calls_peak_and_outcomes_are_recorded():
    recorder = _recorder()
    fetch = FakeCallable({"a": Outcome(0.05, "A"), "b": Outcome(0.01, error=ValueError("b failed"))}, recorder)
    results = await asyncio.gather(fetch("a"), fetch("b"), return_exceptions=True)
    assert results[0] == "A" and isinstance(results[1], ValueError)
    summary = recorder.summary()
    assert summary["peak"] == 2 and summary["running"] == 0
    assert [(c["key"], c["outcome"]) for c in summary["calls"]] == [("a", "returned"), ("b", "raised")]


@pytest.mark.asyncio
async def test_a_cancelled_call_is_recorded_as_cancelled():
    recorder = _recorder()
    job = FakeCallable(Outcome(10.0, "late"), recorder, fixed_key=0)
    task = asyncio.ensure_future(job())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert recorder.summary()["cancelled"] == [0]
    assert recorder.inflight.current == 0
