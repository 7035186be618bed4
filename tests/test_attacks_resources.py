"""Hostile submissions, resources: memory, CPU, disk, open files, processes, threads, output.

What must hold: the hostile exercise earns nothing and every lost check says why, the
correct module beside it keeps 10/10, grading ends in bounded time with a bounded
report, and nothing the attack made is left on the machine. Every attack is bounded
(see tests/attacks/support.py) so that a weak sandbox cannot hurt the test machine.
"""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

from gradekit.sandbox import Limits
from tests.attacks.support import (
    BAD, GOOD, assert_scores, attack, attack_cleanup, exercise, grade, marked_files, processes_with,  # noqa: F401
    survivors,
)
from tests.conftest import reference_source

pytestmark = pytest.mark.timeout(180)

#: Tight limits so that hogs cost seconds, not the defaults' 15 s per check.
TIGHT = Limits(wall_seconds=3, cpu_seconds=1)

#: (body, needs the namespaces sandbox). Each module defines no solution: it must score 0.
HOGS = {
    # The MemoryError leaves the import with the hoard still referenced: the harness must
    # report while no memory is left.
    "memory-exhausted-at-import-and-held": ('''
        hoard = []
        while True:
            hoard.append(b"x" * (32 << 20))  # touched pages, not just address space
    ''', False),
    "mmap-100-gib-noreserve": ('''
        import mmap
        try:
            hoard = mmap.mmap(-1, 100 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | getattr(mmap, "MAP_NORESERVE", 0))
        except (OSError, OverflowError, ValueError):
            hoard = [bytearray(256 << 20) for _ in range(64)]  # 16 GiB the long way
    ''', False),
    "cpu-spinning-threads-ignoring-sigxcpu": ('''
        import signal, threading

        signal.signal(signal.SIGXCPU, signal.SIG_IGN)

        def spin():
            while True:
                pass

        for _ in range(4):
            threading.Thread(target=spin, daemon=True).start()
        spin()
    ''', False),
    "catastrophic-regex-holding-the-gil": ('''
        import re
        re.match(r"(a|aa)+$", "a" * 200 + "b")  # exponential, in C, never releases the GIL
    ''', False),
    "ten-thousand-threads": ('''
        import threading, time

        started = 0
        for _ in range(10_000):
            try:
                threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
            except (RuntimeError, MemoryError):
                break
            started += 1
    ''', False),
    "open-files-until-emfile-and-keep-them": ('''
        import os

        held = []
        while len(held) < 100_000:
            try:
                held.append(os.open(os.devnull, os.O_RDONLY))
            except OSError:
                break

        async def fetch_all(urls, fetch):
            return [await fetch(u) for u in urls[:1]]  # wrong, and with no file descriptor to spare
    ''', False),
    "print-flood-at-import": ('''
        line = "flood " * 10_000
        while True:
            print(line)
    ''', False),
    "fd-flood-on-stdout-and-stderr-forever": ('''
        import os

        block = b"flood " * 10_000
        while True:
            os.write(1, block)
            os.write(2, block)
    ''', False),
    "disk-filled-in-the-check-folder": ('''
        import os

        block = b"\\0" * (1 << 20)
        for i in range(5):
            try:
                with open(f"{MARKER}-fill-{i}.bin", "wb") as f:
                    for _ in range(16):  # 16 MiB each, up to 80 MiB
                        f.write(block)
            except OSError:
                break
        try:
            with open(f"{MARKER}-too-big.bin", "wb") as f:
                f.write(block * 32)  # over the file-size limit
        except OSError:
            pass
    ''', False),
    "disk-filled-outside-the-check-folder": ('''
        import os

        block = b"\\0" * (1 << 20)
        here = os.getcwd()
        for base, count in [("/tmp", 6), ("/var/tmp", 1), ("/dev/shm", 1), (os.path.dirname(here), 1),
                            (os.path.expanduser("~"), 1)]:
            for i in range(count):
                try:
                    with open(os.path.join(base, f"{MARKER}-{i}.bin"), "wb") as f:
                        for _ in range(8):  # 8 MiB each
                            f.write(block)
                except OSError:
                    break
    ''', True),
}


@pytest.mark.parametrize("case", list(HOGS))
def test_a_resource_hog_costs_only_its_own_points(case, kit, submission, attack_cleanup):
    body, isolation = HOGS[case]
    marker = attack_cleanup.new()
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": attack(body, MARKER=marker)})
    started = time.monotonic()
    report = grade(kit, folder, [GOOD, BAD], isolation=isolation, limits=TIGHT)
    elapsed = time.monotonic() - started
    assert_scores(report, {GOOD: 10, BAD: 0})
    assert elapsed < 60, f"grading took {elapsed:.0f} s"
    assert len(json.dumps(exercise(report, BAD))) < 64 << 10, "the report of a hog must stay small"
    assert marked_files(marker) == [], "files the attack wrote are still on the machine"


def test_a_fork_bomb_is_stopped_by_a_process_limit(kit, submission, attack_cleanup):
    # Bounded on purpose: at most 2**9 processes, each becoming ``sleep MARKER``; a real
    # bomb (``while True: os.fork()``) must never run against a weak sandbox.
    marker = attack_cleanup.new()
    bomb = attack('''
        import os

        root = os.getpid()
        for _ in range(9):
            try:
                os.fork()
            except OSError:
                break
        if os.getpid() != root:
            try:
                os.execvp("sleep", ["sleep", MARKER])
            finally:
                os._exit(0)
        import select

        def alive():
            count = 0
            for entry in os.listdir("/proc"):
                try:
                    with open(f"/proc/{entry}/cmdline", "rb") as f:
                        count += MARKER.encode() in f.read().split(b"\\0")
                except OSError:
                    pass
            return count

        counts = [-1]
        for _ in range(50):  # until all 511 are up, or the count held still for a second
            select.select([], [], [], 0.1)  # real time (time.sleep follows the virtual clock)
            counts.append(alive())
            if counts[-1] >= 511 or (len(counts) > 10 and counts[-1] == counts[-11]):
                break
        raise RuntimeError(f"fork bomb: {counts[-1]} processes alive")
    ''', MARKER=marker)
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": bomb})
    peak, done = [0], threading.Event()

    def count() -> None:  # the host sees every process of the sandbox: count the bomb's from outside
        while not done.wait(0.02):
            peak[0] = max(peak[0], len(processes_with(marker)))

    counter = threading.Thread(target=count, daemon=True)
    counter.start()
    try:
        report = grade(kit, folder, [GOOD, BAD], isolation=True, limits=Limits(wall_seconds=10, cpu_seconds=5))
    finally:
        done.set()
        counter.join()
    assert_scores(report, {GOOD: 10, BAD: 0})
    assert survivors(marker) == []
    # Unlimited, the bomb reaches 511 sleepers; a process limit (the sandbox's is 64) stops it well short.
    assert peak[0] <= 256, f"{peak[0]} of the bomb's processes were alive at once"
    counted = re.search(r"fork bomb: (\d+) processes", exercise(report, BAD).get("feedback", ""))
    if counted:  # what the bomb itself counted, when its message reaches the report
        assert int(counted.group(1)) <= 256, counted.group(0)
