"""Hostile submissions, forging: verdicts made up inside the student's own process.

The world (``gradekit/world``) keeps the clock, the fakes and every record a check judges
outside the student's process, so whatever a submission does in there (walk the frames
to the driver, find its link with ``gc``, patch the driver, the proxies or asyncio, write
to every inherited fd, let a thread speak for a blocked loop, hard-code results) earns no
point that the same code without the trick would not earn; and anything that writes a
message the driver never sends is flagged for review.

``ex03_fetch_all`` is the target (checks: results in order 3, elapsed ≈ slowest 3, once per
occurrence 2, all in flight 2); the correct ``ex01`` beside it keeps 10/10.
"""

from __future__ import annotations

import json

import pytest

from tests.attacks.support import (BAD, GOOD, WRITE_EVERY_FD, attack, attack_cleanup, exercise,  # noqa: F401
                                   feedback, grade)
from tests.conftest import reference_source

pytestmark = pytest.mark.timeout(180)

FIND_LINK = '''
    import gc, sys

    def find_link():
        """The driver's link to the world: up the frames, else anywhere in memory."""
        frame = sys._getframe()
        while frame is not None:
            for value in list(frame.f_locals.values()):
                for candidate in (value, getattr(value, "link", None), getattr(value, "_link", None)):
                    if type(candidate).__name__ == "ChildLink":
                        return candidate
            frame = frame.f_back
        for obj in gc.get_objects():
            if type(obj).__name__ == "ChildLink":
                return obj
        raise RuntimeError("no link found")
'''

SEQUENTIAL = '''
    async def fetch_sequentially(urls, fetch):
        return [await fetch(u) for u in urls]
'''


def _grade(kit, tmp_path, source: str, *, isolation: bool = False) -> dict:
    folder = tmp_path / "submission"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{GOOD}.py").write_text(reference_source(kit, GOOD), encoding="utf-8")
    (folder / f"{BAD}.py").write_text(source, encoding="utf-8")
    report = grade(kit, folder, [GOOD, BAD], isolation=isolation)
    assert exercise(report, GOOD)["score"] == 10, feedback(exercise(report, GOOD))
    return report


def _flagged(report: dict) -> str:
    entry = exercise(report, BAD)
    assert report["flagged"] is True and entry.get("flagged") is True, json.dumps(entry)[:1500]
    assert "tampered with the grading harness" in entry["flag_reason"]
    assert "tampered with the grading harness" in feedback(entry)
    return entry["flag_reason"]


FORGE_A_RESULT = attack(FIND_LINK, SEQUENTIAL, '''
    async def fetch_all(urls, fetch):
        results = await fetch_sequentially(urls, fetch)   # the right values, one call at a time
        link = find_link()
        # A perfect-looking answer to the world's call, before the driver's own.
        link.send("returned", id=1, value=results)
        return results
''')


def test_a_forged_result_gains_nothing_and_is_flagged(kit, tmp_path):
    """The forged answer carries the right tokens (from real calls), but the world timed
    the calls itself: one at a time. The driver's answer that follows is a second result."""
    report = _grade(kit, tmp_path, FORGE_A_RESULT)
    entry = exercise(report, BAD)
    honest = _grade(kit, tmp_path / "honest", attack(SEQUENTIAL, "fetch_all = fetch_sequentially\n"))
    assert entry["score"] <= exercise(honest, BAD)["score"] < 10
    assert "second result" in _flagged(report)


@pytest.mark.parametrize("raw", [
    pytest.param(b"\x00\x00\x00\x05hello", id="not-json"),
    pytest.param(b"\xff\xff\xff\xff", id="oversized"),
    pytest.param({"v": 2, "op": "idle"}, id="other-version"),
    pytest.param({"v": 1, "op": "grant_points", "points": 10}, id="unknown-op"),
    pytest.param({"v": 1, "op": "returned", "id": 999, "value": []}, id="result-for-a-call-never-made"),
    pytest.param({"v": 1, "op": "idle", "until": None, "external": -5, "seen": 0}, id="negative-threads"),
    pytest.param({"v": 1, "op": "idle", "until": None, "external": 0, "seen": 10 ** 6}, id="seen-the-future"),
    pytest.param({"v": 1, "op": "sleep", "seconds": -1}, id="time-going-backwards"),
    pytest.param({"v": 1, "op": "fake", "id": 1, "target": 99, "args": [], "blocking": False},
                 id="call-of-a-fake-never-given"),
    pytest.param({"v": 1, "op": "report", "hygiene": {}}, id="second-final-report"),
])
def test_messages_the_driver_never_sends_are_flagged(kit, tmp_path, raw):
    data = raw if isinstance(raw, bytes) else None
    source = attack(FIND_LINK, '''
        import asyncio, json, struct

        async def fetch_all(urls, fetch):
            link = find_link()
            if RAW is not None:
                data = RAW
            else:
                body = json.dumps(MESSAGE).encode()
                data = struct.pack(">I", len(body)) + body
            if MESSAGE and MESSAGE.get("op") == "report":
                link.send("report", hygiene={})  # the first one, then the forged second
            link.sock.sendall(data)
            return list(await asyncio.gather(*(fetch(u) for u in urls)))
    ''', RAW=data, MESSAGE=None if data is not None else raw)
    report = _grade(kit, tmp_path, source)
    _flagged(report)
    assert exercise(report, BAD)["score"] < 10


def test_file_descriptors_sent_over_the_link_are_flagged(kit, tmp_path):
    """Only the driver's first message, before the student's code runs, may carry fds (the
    sockets and folder a scenario asked for); any later one is closed unread, and flagged."""
    source = attack(FIND_LINK, '''
        import asyncio, json, os, socket, struct

        async def fetch_all(urls, fetch):
            link = find_link()
            body = json.dumps({"v": 1, "op": "write", "text": "hi"}).encode()
            socket.send_fds(link.sock, [struct.pack(">I", len(body)) + body], [os.open("/", os.O_RDONLY)])
            return list(await asyncio.gather(*(fetch(u) for u in urls)))
    ''')
    report = _grade(kit, tmp_path, source)
    assert "file descriptors sent over the link" in _flagged(report)
    assert exercise(report, BAD)["score"] < 10




@pytest.mark.parametrize("isolation", [True, False], ids=["namespaces", "process"])
def test_writing_to_inherited_fds_is_flagged(kit, tmp_path, isolation):
    report = _grade(kit, tmp_path, WRITE_EVERY_FD, isolation=isolation)
    _flagged(report)
    assert exercise(report, BAD)["score"] == 0


PATCH_EVERYTHING = attack(SEQUENTIAL, '''
    import asyncio, time

    async def _instant(delay=0, result=None):
        return result

    async def _gather(*aws, return_exceptions=False):
        return [await a for a in aws]

    asyncio.sleep = _instant                      # no waiting anywhere
    asyncio.gather = _gather                      # "concurrency"
    time.monotonic = time.perf_counter = lambda: 0.0
    asyncio.get_event_loop_policy  # noqa: B018 (the loop's clock is the driver's: patch its time too)
    asyncio.BaseEventLoop.time = lambda self: 0.0

    async def fetch_all(urls, fetch):
        # Patch the proxy class of the fakes: report every call as already done.
        cls = type(fetch)
        original = cls.__call__

        def call(self, *args):
            return original(self, *args)

        cls.__call__ = call
        return await fetch_sequentially(urls, fetch)
''')


def test_patching_asyncio_time_and_the_proxies_changes_nothing(kit, tmp_path):
    report = _grade(kit, tmp_path, PATCH_EVERYTHING)
    honest = _grade(kit, tmp_path / "honest", attack(SEQUENTIAL, "fetch_all = fetch_sequentially\n"))
    assert exercise(report, BAD)["score"] <= exercise(honest, BAD)["score"] < 10
    lost = {t["id"] for t in exercise(report, BAD)["tests"] if t["status"] != "passed"}
    assert {"test_all_fetches_in_flight", "test_elapsed_is_the_slowest_fetch"} <= lost


FAKE_THE_FAKES = attack('''
    async def fetch_all(urls, fetch):
        # Answer for the fakes without asking the world: the values a fake would return.
        return [f"<{u}>" for u in urls] if len(urls) < 4 else [u.upper() for u in urls]
''')


def test_hard_coded_results_score_nothing(kit, tmp_path):
    report = _grade(kit, tmp_path, FAKE_THE_FAKES)
    entry = exercise(report, BAD)
    assert entry["score"] == 0, feedback(entry)
    assert not report["flagged"]


BLOCK_BEHIND_A_THREAD = '''
    import asyncio, threading, time

    def block_the_loop(seconds):
        started = time.process_time()
        while time.process_time() - started < seconds:
            pass

    async def fetch_all(urls, fetch):
        stop = threading.Event()
        if COVER:
            link = find_link()

            def say_idle():  # "the loop is idle", from a thread, while the loop's thread spins
                while not stop.is_set():
                    try:
                        link.send("idle", until=None, external=0, seen=link.seen)
                    except Exception:
                        pass
                    stop.wait(0.002)

            threading.Thread(target=say_idle, daemon=True).start()
        block_the_loop(0.4)
        stop.set()
        return list(await asyncio.gather(*(fetch(u) for u in urls)))
'''


def test_a_thread_speaking_for_a_blocked_loop_hides_nothing(kit, tmp_path):
    """The world reads which system call the loop's thread is in before it believes "idle"."""
    covered = _grade(kit, tmp_path, attack(FIND_LINK, BLOCK_BEHIND_A_THREAD, COVER=True))
    plain = _grade(kit, tmp_path / "plain", attack(FIND_LINK, BLOCK_BEHIND_A_THREAD, COVER=False))
    for report in (covered, plain):
        entry = exercise(report, BAD)
        lost = {t["id"] for t in entry["tests"] if t["status"] != "passed"}
        assert "test_elapsed_is_the_slowest_fetch" in lost, feedback(entry)
        assert "blocked the event loop" in feedback(entry)
    assert exercise(covered, BAD)["score"] == exercise(plain, BAD)["score"]


SEARCH_MEMORY = attack('''
    import gc

    async def fetch_all(urls, fetch):
        """Look for the hidden scenarios in this process: their source, their checks."""
        needles = ["async def " + "fetch" + "_urls", "def test_once" + "_per_occurrence"]
        found = []
        for obj in gc.get_objects():
            try:
                texts = [v for v in (obj.values() if isinstance(obj, dict) else obj if isinstance(obj, (list, tuple)) else ())
                         if isinstance(v, str)]
            except Exception:
                continue
            found += [t[:200] for t in texts if t not in needles and any(n in t for n in needles)]
        return found or ["nothing found"]
''')


def test_the_student_process_never_holds_a_hidden_scenario(kit, tmp_path):
    report = _grade(kit, tmp_path, SEARCH_MEMORY)
    text = json.dumps(report)
    assert "fetch_urls" not in text and "def test_once_per_occurrence" not in text
    assert "nothing found" in text  # the search ran and its result reached the report
