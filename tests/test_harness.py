"""The student's side of a world check: its clock, blocking seen from outside, hygiene (through real children).

The scenarios run in the world; the behaviour under test is the student module's, called
remotely, in the spawn sandbox (the namespace sandbox runs the same driver).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gradekit.grading.plugin import GradingSession
from gradekit.sandbox import SpawnSandbox, Workspace

pytestmark = pytest.mark.timeout(120)

SCENARIOS = '''
import asyncio
from gradekit.world import Outcome, scenario

@scenario
async def sleeps(h):
    return {**await h.student.sleeps(1.5), "elapsed": h.elapsed()}

@scenario
async def re_sleeps_a_rounding_error(h):
    return {**await h.student.re_sleep(0.4 + 2e-14), "elapsed": h.elapsed()}

@scenario
async def re_sleeps_zero(h):
    return {**await h.student.re_sleep_zero(0.4), "elapsed": h.elapsed()}

@scenario
async def blocking(h):
    await h.student.blocking(0.75)
    return {"elapsed": h.elapsed()}

@scenario
async def busy(h):
    await h.student.spin(0.3)
    return {"elapsed": h.elapsed()}

@scenario
async def busy_in_c(h):
    await h.student.crunch(30_000_000)
    return {"elapsed": h.elapsed()}

@scenario
async def grader_prepares(h):
    # The grader's own work (building big inputs) happens in the world: never the student's stall.
    rows = [(f"user{i % 97}", f"/page/{i % 40}") for i in range(300_000)]
    await h.student.nap(0.5)
    return {"rows": len(rows), "elapsed": h.elapsed()}

@scenario
async def offloads(h):
    await h.student.offload(0.3)
    return {"elapsed": h.elapsed()}

@scenario(clock="real")
async def waits_on_an_event(h):
    await h.student.wait_for_nothing(0.4)
    return {}

@scenario
async def leaky(h):
    await h.student.leak()
    return {}

@scenario
async def patched_student(h):
    fetch, rec = h.fake(Outcome(latency=2.0, value="v"))
    value = await h.student.run(fetch)
    return {"value": value, "elapsed": h.elapsed(), **rec.summary()}

@scenario(outside_loop=True)
async def sync_main(h):
    await h.student.main()
    return {"elapsed": h.elapsed()}

@scenario
async def hangs(h):
    await h.student.hang()

@scenario
async def joins_other_threads(h):
    return {"joined": await h.student.join_other_threads(), "elapsed": h.elapsed()}
'''

STUDENT = '''
import asyncio, threading, time
_real_sleep = asyncio.sleep

async def sleeps(seconds):
    loop = asyncio.get_running_loop()
    t_loop, t_mono, t_perf = loop.time(), time.monotonic(), time.perf_counter()
    await asyncio.sleep(seconds)
    return {"loop": loop.time() - t_loop, "mono": time.monotonic() - t_mono, "perf": time.perf_counter() - t_perf}

async def re_sleep(need):
    # A limiter that re-sleeps for what its own arithmetic says is left (aiolimiter does):
    # 0.4 s plus 2e-14 s, which the clock cannot represent at t = 1000.4.
    loop = asyncio.get_running_loop()
    start, turns = loop.time(), 0
    while loop.time() - start < need and turns < 100_000:
        await asyncio.sleep(need - (loop.time() - start))
        turns += 1
    return {"turns": turns}

async def re_sleep_zero(need):
    # The same without a timer to fall due: at t = 1000.4, start + 0.4 - now is 0.0 while
    # now - start < 0.4 still holds (floats), so it sleeps 0 s again and again.
    loop = asyncio.get_running_loop()
    start, turns = loop.time(), 0
    while loop.time() - start < need and turns < 100_000:
        await asyncio.sleep(start + need - loop.time())
        turns += 1
    return {"turns": turns}

async def blocking(seconds):
    time.sleep(seconds)

async def spin(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass

async def crunch(n):
    await asyncio.sleep(0)
    return sum(range(n))  # one call into C that holds the GIL throughout

async def nap(seconds):
    await asyncio.sleep(seconds)

async def offload(seconds):
    await asyncio.to_thread(time.sleep, seconds)  # a real sleep, in a thread: not the loop's

async def wait_for_nothing(seconds):
    threading.Event().wait(seconds)

async def leak():
    async def forever():
        await asyncio.sleep(3600)
    async def boom():
        raise ValueError("lost")
    async def never():
        pass
    asyncio.get_running_loop().create_task(forever())
    asyncio.get_running_loop().create_task(boom())
    never()
    await asyncio.sleep(0.1)

async def _fast_sleep(seconds, *a, **k):
    return await _real_sleep(0)

async def run(fetch):
    asyncio.sleep = _fast_sleep          # a student "optimisation" the fakes must survive
    time.monotonic = lambda: 0.0
    asyncio.get_running_loop().time = lambda: 0.0
    return await fetch("x")

def main():
    async def go():
        await _real_sleep(2)
    asyncio.run(go())

async def hang():
    await asyncio.Event().wait()

async def join_other_threads():
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    for thread in others:
        thread.join()
    return len(others)
'''


@pytest.fixture
def session(tmp_path: Path):
    (tmp_path / "scen").mkdir()
    scenarios = tmp_path / "scen" / "scenarios.py"
    scenarios.write_text(SCENARIOS)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ex00_probe.py").write_text(STUDENT)
    workspace = Workspace.create(tmp_path / "sub", ["ex00_probe"])
    session = GradingSession(workspace=workspace, sandbox=SpawnSandbox(), visibility={})
    yield lambda name: session.run_scenario("ex00_probe", scenarios, name, {})
    workspace.cleanup()


def test_virtual_clock_is_exact_and_costs_no_real_time(session):
    started = time.monotonic()
    obs = session("sleeps")
    assert obs.ok, obs.reason
    assert obs.value() == {"loop": 1.5, "mono": 1.5, "perf": 1.5, "elapsed": 1.5}
    assert time.monotonic() - started < 1.5


def test_time_sleep_on_the_loop_is_a_recorded_stall_that_moves_the_clock(session):
    obs = session("blocking")
    assert obs.value()["elapsed"] == 0.75
    assert [(s["kind"], s["seconds"]) for s in obs.stalls] == [("time.sleep", 0.75)]


def test_a_busy_loop_is_seen_from_outside_and_makes_the_clock_late(session):
    obs = session("busy")
    assert obs.ok, obs.reason
    assert [s["kind"] for s in obs.stalls] == ["busy"]
    assert obs.stalls[0]["where"].startswith("ex00_probe.py:")
    assert obs.value()["elapsed"] >= 0.3


def test_a_long_computation_in_one_call_is_the_students_busy_stall(session):
    obs = session("busy_in_c")
    assert obs.ok, obs.reason
    assert [s["kind"] for s in obs.stalls] == ["busy"]


def test_the_graders_own_work_is_not_a_stall(session):
    obs = session("grader_prepares")
    assert obs.ok, obs.reason
    assert obs.stalls == []
    assert obs.value()["elapsed"] == 0.5


def test_virtual_time_follows_work_done_in_threads(session):
    obs = session("offloads")
    assert obs.ok, obs.reason
    assert obs.stalls == []
    assert 0.25 <= obs.value()["elapsed"] < 0.6  # the thread's 0.3 s, give or take the loop's own steps


def test_waiting_in_the_students_code_on_the_real_clock_is_a_blocking_stall(session):
    obs = session("waits_on_an_event")
    assert obs.ok, obs.reason
    assert [s["kind"] for s in obs.stalls] == ["blocking"]
    assert obs.stalls[0]["seconds"] >= 0.3


def test_hygiene_probes_see_leaks_lost_exceptions_and_unawaited_coroutines(session):
    hygiene = session("leaky").hygiene
    assert any("forever" in t for t in hygiene["pending_tasks"])
    assert any("lost" in m for m in hygiene["never_retrieved"])
    assert any("never" in m and "was never awaited" in m for m in hygiene["never_awaited"])


def test_fakes_keep_their_latency_when_the_student_patches_asyncio_and_time(session):
    value = session("patched_student").value()
    assert value["value"] == "v"
    assert value["elapsed"] == 2.0
    assert value["calls"][0]["ended"] == 2.0


def test_asyncio_run_outside_a_loop_uses_the_virtual_clock(session):
    started = time.monotonic()
    obs = session("sync_main")
    assert obs.value()["elapsed"] == 2.0
    assert time.monotonic() - started < 2


def test_code_that_waits_forever_is_abandoned_on_the_virtual_clock(session):
    obs = session("hangs")
    assert obs.status == "timeout"
    assert "did not finish within 120 s" in obs.reason and "its process was waiting" in obs.reason


def test_the_harness_has_no_thread_student_code_could_wait_for(session):
    # Code that joins every other thread before going on must not find the harness's own.
    obs = session("joins_other_threads")
    assert obs.ok, obs.reason
    assert obs.value() == {"joined": 0, "elapsed": 0.0}
    assert obs.stalls == []


@pytest.mark.parametrize("scenario", ["re_sleeps_a_rounding_error", "re_sleeps_zero"])
def test_time_advances_when_a_timer_keeps_falling_due_now(session, scenario):
    started = time.monotonic()
    value = session(scenario).value()
    assert value["turns"] < 1000, value  # it did not spin in place
    assert abs(value["elapsed"] - 0.4) < 1e-9
    assert time.monotonic() - started < 5
