"""The world and its link to the student's process, one mechanism at a time."""

from __future__ import annotations

import json
import struct
import textwrap
from pathlib import Path

import pytest

from gradekit.grading.observation import Observation
from gradekit.sources import load_source
from gradekit.sandbox import Limits, choose_sandbox
from gradekit.world.protocol import MAX_MESSAGE, FrameReader, Tampered, decode_value, encode_value, frame
from gradekit.world.run import observe

pytestmark = pytest.mark.timeout(120)

SCENARIOS = '''
import asyncio
from gradekit.world import Outcome, scenario

class Conn:
    def __init__(self, h):
        self.h, self.log = h, []
    async def open(self):
        await self.h.sleep(0.1)
        self.log.append(["open", self.h.elapsed()])
    async def send(self, m):
        self.log.append(["send", m, self.h.elapsed()])
    async def close(self):
        self.log.append(["close", self.h.elapsed()])

@scenario
async def fetch_all(h):
    fetch, record = h.fake(lambda url: Outcome(latency={"a": 0.3, "b": 0.1}[url], value=h.token(url)))
    result = await h.student.fetch_all(["a", "b"], fetch)
    return {"result": result, "expected": [h.token("a"), h.token("b")], "elapsed": h.elapsed(), **record.summary()}

@scenario
async def ticks(h):
    return {"ticks": [[k, h.elapsed()] async for k in await h.student.ticker(0.5, 3)]}

@scenario
async def cancel_stream(h):
    conn = Conn(h)
    task = asyncio.get_running_loop().create_task(h.student.stream(h.remote(conn, ["open", "send", "close"]), 0.2))
    await h.sleep(0.35)
    task.cancel()
    try:
        await task
        ended = "returned"
    except asyncio.CancelledError:
        ended = "cancelled"
    return {"ended": ended, "log": conn.log}

@scenario(outside_loop=True)
async def main(h):
    await h.student.main()
    return {"writes": h.writes}

@scenario
async def offload(h):
    work, record = h.blocking_fake(lambda p: Outcome(latency=0.5, value=h.token(p)))
    result = await h.student.offload(["x", "y", "z"], work)
    return {"elapsed": h.elapsed(), "peak": record.summary()["peak"], "loop": work.on_loop_thread,
            "threads": work.from_threads, "ok": result == [h.token(p) for p in "xyz"]}

@scenario
async def errors(h):
    boom = ValueError("boom")
    job, _ = h.fake(Outcome(error=boom))
    result = await h.student.keep_error(job)
    try:
        await h.student.raise_value_error()
    except ValueError as exc:
        raised = h.describe(exc)
    return {"same_object": result is boom, "raised": raised}

@scenario
async def missing(h):
    return await h.student.not_there()

@scenario(clock="real", sockets=2, folder=True)
async def provisions(h):
    server_port = await h.student.serve()
    reader, writer = await h.connect(server_port)
    writer.write(b"ping\\n")
    await writer.drain()
    line = await asyncio.wait_for(reader.readline(), 2)
    writer.close()
    name = h.folder.fresh("note", ".txt")
    await h.student.write_note(h.folder.path(name))
    inside = await h.student.what_i_hold()
    try:
        await h.connect(server_port)
        await h.connect(server_port)  # a third client: the scenario declared two
        over = None
    except Exception as exc:
        over = type(exc).__name__
    return {"line": line.decode(), "note": h.folder.read(name).decode(), "inside": inside, "over": over}

@scenario(clock="real", sockets=5)
async def settle(h):
    port = await h.student.serve_counting()
    clients = [await h.connect(port) for _ in range(5)]
    settled = await h.settled()
    accepted = await h.student.accepted()
    for _, writer in clients:
        writer.close()
    return {"settled": settled, "accepted": accepted}

@scenario(clock="real")
async def undeclared(h):
    await h.connect(await h.student.serve())
'''

STUDENT = '''
import asyncio, time

async def fetch_all(urls, fetch):
    return list(await asyncio.gather(*(fetch(u) for u in urls)))

async def ticker(interval, count):
    for k in range(count):
        await asyncio.sleep(interval)
        yield k

async def stream(conn, interval):
    await conn.open()
    try:
        for m in "abcdef":
            await conn.send(m)
            await asyncio.sleep(interval)
    finally:
        await conn.close()

async def hello():
    print("Hello")
    await asyncio.sleep(1)
    print("World")

def main():
    asyncio.run(hello())

async def offload(paths, work):
    return list(await asyncio.gather(*(asyncio.to_thread(work, p) for p in paths)))

async def keep_error(job):
    try:
        await job()
    except ValueError as exc:
        return exc

async def raise_value_error():
    raise ValueError("not a number")

import os, socket, stat

def _held():
    """(inet sockets, folders) among this process's fds: what the world was handed must not be here."""
    inet = folders = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            mode = os.fstat(int(name)).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            folders += 1
        elif stat.S_ISSOCK(mode):
            with socket.socket(fileno=os.dup(int(name))) as sock:
                inet += sock.family == socket.AF_INET
    return inet, folders

AT_IMPORT = _held()

async def _echo(reader, writer):
    writer.write(await reader.readline())
    await writer.drain()
    writer.close()

async def serve():
    global SERVER
    SERVER = await asyncio.start_server(_echo, "127.0.0.1", 0)
    return SERVER.sockets[0].getsockname()[1]

HANDLERS = []

async def _count(reader, writer):
    HANDLERS.append(writer)
    await reader.read()

async def serve_counting():
    global COUNTING
    COUNTING = await asyncio.start_server(_count, "127.0.0.1", 0)
    return COUNTING.sockets[0].getsockname()[1]

async def accepted():
    return len(HANDLERS)

async def write_note(path):
    with open(path, "w") as f:
        f.write("from the student")

async def what_i_hold():
    return {"at_import": list(AT_IMPORT)}
'''


@pytest.fixture(scope="module", params=["namespaces", "process"])
def sandbox(request):
    try:
        box = choose_sandbox(isolation=request.param)
    except Exception as exc:  # IsolationUnavailable on a machine without bubblewrap
        pytest.skip(str(exc))
    yield box
    box.close()


def _observe(sandbox, tmp_path: Path, name: str, student: str = STUDENT) -> Observation:
    path = tmp_path / "scenarios.py"
    path.write_text(SCENARIOS, encoding="utf-8")
    module = load_source(f"world_test_{name}", SCENARIOS, str(path))
    fn = getattr(module, name)
    result = observe(sandbox, "exw", textwrap.dedent(student).encode(), fn, fn._gradekit_world, {})
    return Observation.from_world(name, result)


def test_fakes_answer_on_the_worlds_clock_with_tokens(sandbox, tmp_path):
    value = _observe(sandbox, tmp_path, "fetch_all").value()
    assert value["result"] == value["expected"] and value["elapsed"] == 0.3 and value["peak"] == 2
    assert all("#" in token for token in value["result"])  # per-run tokens, not guessable names
    assert [(c["key"], c["started"], c["ended"]) for c in value["calls"]] == [("a", 0.0, 0.3), ("b", 0.0, 0.1)]


def test_an_async_generator_is_consumed_from_the_world(sandbox, tmp_path):
    assert _observe(sandbox, tmp_path, "ticks").value()["ticks"] == [[0, 0.5], [1, 1.0], [2, 1.5]]


def test_cancelling_the_worlds_task_cancels_the_students_coroutine(sandbox, tmp_path):
    value = _observe(sandbox, tmp_path, "cancel_stream").value()
    assert value["ended"] == "cancelled"
    assert value["log"] == [["open", 0.1], ["send", "a", 0.1], ["send", "b", 0.3], ["close", 0.35]]


def test_code_that_runs_its_own_loop_and_prints(sandbox, tmp_path):
    writes = _observe(sandbox, tmp_path, "main").value()["writes"]
    assert [tuple(w) for w in writes] == [(0.0, "Hello"), (0.0, "\n"), (1.0, "World"), (1.0, "\n")]


def test_blocking_fakes_in_threads_wait_on_the_worlds_clock(sandbox, tmp_path):
    value = _observe(sandbox, tmp_path, "offload").value()
    assert value == {"elapsed": pytest.approx(0.5, abs=0.01), "peak": 3, "loop": 0, "threads": 3, "ok": True}


def test_exceptions_keep_their_identity_and_class(sandbox, tmp_path):
    value = _observe(sandbox, tmp_path, "errors").value()
    assert value["same_object"] is True
    assert value["raised"]["type"] == "ValueError" and value["raised"]["where"].startswith("exw.py:")


def test_a_missing_function_ends_the_scenario(sandbox, tmp_path):
    observation = _observe(sandbox, tmp_path, "missing")
    assert observation.status == "raised" and "missing something the exercise needs" in observation.reason


def HELD_BY(work: str) -> str:
    """The loop's thread waits for a lock that another thread holds while it does ``work``."""
    return ("import threading; lock = threading.Lock(); lock.acquire()\n"
            "    def hold():\n"
            f"        {work}\n"
            "        lock.release()\n"
            "    threading.Thread(target=hold).start(); lock.acquire()")


@pytest.mark.parametrize("blocking, kind", [
    ("t = time.process_time()\n    while time.process_time() - t < 0.3: pass", "busy"),
    ("import select; select.select([], [], [], 0.3)", "blocking"),
    ("time.sleep(0.3)", "time.sleep"),
    pytest.param(HELD_BY("import select; select.select([], [], [], 0.3)"), "blocking", id="a-lock-a-sleeping-thread-holds"),
    pytest.param(HELD_BY("t = time.thread_time()\n        while time.thread_time() - t < 0.3: pass"), "blocking",
                 id="a-lock-a-spinning-thread-holds"),
])
def test_blocking_is_seen_from_outside_and_makes_everything_late(sandbox, tmp_path, blocking, kind):
    student = STUDENT.replace("async def fetch_all(urls, fetch):\n",
                              f"async def fetch_all(urls, fetch):\n    {blocking}\n")
    observation = _observe(sandbox, tmp_path, "fetch_all", student)
    value = observation.value()
    assert value["elapsed"] == pytest.approx(0.6, abs=0.06)  # 0.3 s blocked, then the 0.3 s fetch
    assert [s["kind"] for s in observation.stalls] == [kind]


def test_a_stuck_process_is_stopped_on_the_trusted_side(sandbox, tmp_path):
    student = STUDENT.replace("async def fetch_all(urls, fetch):\n", "async def fetch_all(urls, fetch):\n"
                                                                        "    while True: pass\n")
    observation = _observe(sandbox, tmp_path, "fetch_all", student)
    assert observation.status == "stalled" and "blocked the event loop" in observation.reason
    # Killed by the world (its CPU time past the stall limit), before the sandbox's own wall clock.
    assert observation.outcome.wall_seconds < Limits().wall_seconds


# -- the protocol --------------------------------------------------------------------


def test_a_scenario_gets_sockets_and_a_folder_the_student_never_holds(sandbox, tmp_path):
    value = _observe(sandbox, tmp_path, "provisions").value()
    assert value["line"] == "ping\n" and value["note"] == "from the student"
    assert value["inside"] == {"at_import": [0, 0]}  # handed over and closed before the import
    assert value["over"] == "ProvisionError"


def test_settled_means_every_connection_has_its_handler_running(sandbox, tmp_path):
    assert _observe(sandbox, tmp_path, "settle").value() == {"settled": True, "accepted": 5}


def test_a_client_the_scenario_did_not_declare_is_refused(sandbox, tmp_path):
    observation = _observe(sandbox, tmp_path, "undeclared")
    assert observation.status == "raised" and "@scenario(sockets=N)" in json.dumps(observation.error)


def test_values_round_trip_with_their_kinds():
    value = {"a": [1, 2.5, None, True], "t": (1, "x"), "b": b"\x00\xff", 3: "int key", "$x": 1}
    assert decode_value(json.loads(json.dumps(encode_value(value, lambda v: None))), None) == value


@pytest.mark.parametrize("data", [
    {"$z": 1}, {"$t": "no list"}, {"$b": "not base64!"}, {"$d": [[1]]}, {"$d": [[[1], 2]]},
    {"$w": 5},  # resolved by the caller: here a reference nobody gave
])
def test_malformed_values_are_tampering(data):
    def resolve(tag, body):
        raise Tampered("a reference to a grader object that was never given")

    with pytest.raises(Tampered):
        decode_value(data, resolve)


def test_frames_are_size_capped_and_versioned():
    reader = FrameReader()
    assert reader.feed(frame({"op": "hello"})[:3]) == []
    with pytest.raises(Tampered, match="over|limit"):
        FrameReader().feed(struct.pack(">I", MAX_MESSAGE + 1))
    body = json.dumps({"v": 99, "op": "hello"}).encode()
    with pytest.raises(Tampered, match="version"):
        FrameReader().feed(struct.pack(">I", len(body)) + body)
