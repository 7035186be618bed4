"""Scenarios for the hidden checks of ex08 (real time, threads)."""

import hashlib
from threading import Lock

from gradekit.harness import realtime, scenario


def digest(path: str) -> str:
    return "sha256:" + hashlib.sha256(path.encode()).hexdigest()[:16]


class BlockingHash:
    """Really waits ``seconds`` per call (``fail_after`` for ``failing``, then raises)."""

    def __init__(self, seconds: float, failing: str | None = None, fail_after: float = 0.05) -> None:
        self.seconds = seconds
        self.failing = failing
        self.fail_after = fail_after
        self.lock = Lock()
        self.current = 0
        self.peak = 0
        self.calls = 0
        self.hashed = []  # the paths it was called with

    def __call__(self, path: str) -> str:
        with self.lock:
            self.calls += 1
            self.hashed.append(str(path)[:200])
            self.current += 1
            self.peak = max(self.peak, self.current)
        try:
            if path == self.failing:
                realtime.sleep(self.fail_after)
                raise FileNotFoundError(2, "No such file or directory", path)
            realtime.sleep(self.seconds)
            return digest(path)
        finally:
            with self.lock:
                self.current -= 1


@scenario(clock="real", limit=5.0)
async def hash_paths(h, paths: list[str], seconds: float, failing: str | None = None):
    blocking_hash = BlockingHash(seconds, failing)
    started = realtime.perf_counter()
    try:
        result = await h.student.checksum_files(paths, blocking_hash)
    except NotImplementedError:
        raise  # the stub: let the harness say "not written yet"
    except Exception as exc:  # noqa: BLE001 - reported to the check as data (only expected when failing is set)
        if failing is None:
            raise
        outcome = {"outcome": "raised", "error": h.describe(exc)}
    else:
        outcome = {"outcome": "returned", "result": repr(result)[:300]}
    elapsed = realtime.perf_counter() - started
    return {**outcome, "elapsed": round(elapsed, 4), "peak_threads": blocking_hash.peak, "calls": blocking_hash.calls,
            "hashed": sorted(blocking_hash.hashed[:100])}
