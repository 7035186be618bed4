"""Scenarios for the hidden checks of ex08 (run by the world, on its virtual clock).

``blocking_hash`` is the world's blocking fake: the student's thread that calls it waits
for the world's answer; the world records every call, its times and how many were in
flight at once. ``returned`` comes from the public scenarios
(exercises/ex08_offload_blocking/checks/scenarios.py).
"""

from gradekit.world import public_scenarios
from gradekit.world import Outcome, scenario

_public = public_scenarios(__file__)
returned = _public.returned

FAIL_AFTER = 0.05  # the failing path raises this long after its call


@scenario
async def hash_paths(h, paths: list[str], seconds: float, failing: str | None = None):
    """checksum_files(paths, blocking_hash), each hash taking ``seconds``; ``failing`` raises FileNotFoundError."""
    def behaviour(path):
        if path == failing:
            return Outcome(latency=FAIL_AFTER, error=FileNotFoundError(2, "No such file or directory", path))
        return Outcome(latency=seconds, value=h.token(path))

    blocking_hash, record = h.blocking_fake(behaviour)
    try:
        result = await h.student.checksum_files(list(paths), blocking_hash)
    except NotImplementedError:
        raise  # the stub: let the harness say "not written yet"
    except Exception as exc:  # noqa: BLE001 - reported to the check as data (only expected when failing is set)
        if failing is None:
            raise
        outcome = {"outcome": "raised", "error": h.describe(exc)}
    else:
        outcome = {"outcome": "returned", **returned(result)}
    elapsed = h.elapsed()
    summary = record.summary()
    return {**outcome, "elapsed": elapsed, "peak_threads": summary["peak"],
            "on_loop_thread": blocking_hash.on_loop_thread,
            "hashed": sorted(str(c["key"])[:200] for c in summary["calls"][:100])}
