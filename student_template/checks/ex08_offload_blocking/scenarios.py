"""Scenarios for the public checks of ex08 (run in the sandbox, in real time)."""

import hashlib
from threading import Lock

from gradekit.harness import realtime, scenario

HEARTBEAT = 0.005  # seconds between the heartbeat's wake-ups


def digest(path: str) -> str:
    return "sha256:" + hashlib.sha256(path.encode()).hexdigest()[:16]


class BlockingHash:
    """A blocking function that really waits (like reading a big file) and records its calls."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lock = Lock()
        self.current = 0
        self.peak = 0
        self.on_loop_thread = 0
        self.hashed = []  # the paths it was called with

    def __call__(self, path: str) -> str:
        with self.lock:
            self.hashed.append(str(path)[:200])
            self.current += 1
            self.peak = max(self.peak, self.current)
            self.on_loop_thread += realtime.get_ident() == realtime.MAIN_THREAD_ID
        try:
            realtime.sleep(self.seconds)  # the real sleep: it cannot be faked by patching time.sleep
            return digest(path)
        finally:
            with self.lock:
                self.current -= 1


async def heartbeat(h, state: dict) -> None:
    """Wakes every few ms and records the longest gap: how long the loop was unavailable."""
    last = realtime.perf_counter()
    while not state["stop"]:
        await h.sleep(HEARTBEAT)
        now = realtime.perf_counter()
        state["max_gap"] = max(state["max_gap"], now - last)
        last = now


@scenario(clock="real", limit=5.0)
async def hash_paths(h, paths: list[str], seconds: float):
    blocking_hash = BlockingHash(seconds)
    state = {"stop": False, "max_gap": 0.0}
    beat = realtime.get_running_loop().create_task(heartbeat(h, state))
    await h.sleep(0.02)
    started = realtime.perf_counter()
    result = await h.student.checksum_files(paths, blocking_hash)
    elapsed = realtime.perf_counter() - started
    state["stop"] = True
    await beat
    return {
        "result": result if isinstance(result, dict) else repr(result)[:300],
        "result_type": type(result).__name__,
        "expected": {p: digest(p) for p in paths},
        "elapsed": round(elapsed, 4),
        "max_gap": round(state["max_gap"], 4),
        "stall": round(max(0.0, state["max_gap"] - HEARTBEAT), 4),
        "peak_threads": blocking_hash.peak,
        "on_loop_thread": blocking_hash.on_loop_thread,
        "hashed": sorted(blocking_hash.hashed[:100]),
    }
