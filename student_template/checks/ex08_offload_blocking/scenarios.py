"""Scenarios for the public checks of ex08 (run by the world; the student's checksum_files is called remotely).

``blocking_hash`` is a blocking fake of the world: the student's thread that calls it waits
for the world's answer, ``seconds`` later on the world's (virtual) clock. The world counts
the calls made from the thread of the student's event loop (each one blocked the loop for
``seconds``) and how many hashes were in flight at once.
"""

from gradekit.world import Outcome, scenario


def returned(value) -> dict:
    """What checksum_files returned, as data for the checks."""
    kind = getattr(value, "type_name", None) or type(value).__name__  # a handle: an object of the student's process
    return {"result": value if isinstance(value, (dict, list)) else repr(value)[:300], "result_type": kind}


@scenario
async def hash_paths(h, paths: list[str], seconds: float):
    """checksum_files(paths, blocking_hash), each hash taking ``seconds``; its value is a per-run token."""
    blocking_hash, record = h.blocking_fake(lambda path: Outcome(latency=seconds, value=h.token(path)))
    result = await h.student.checksum_files(list(paths), blocking_hash)
    summary = record.summary()
    return {
        **returned(result),
        "expected": {p: h.token(p) for p in paths},
        "elapsed": h.elapsed(),
        "peak_threads": summary["peak"],
        "on_loop_thread": blocking_hash.on_loop_thread,
        "from_threads": blocking_hash.from_threads,
        "hashed": sorted(str(c["key"])[:200] for c in summary["calls"][:100]),
    }
