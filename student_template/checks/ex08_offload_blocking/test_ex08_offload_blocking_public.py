"""Public checks of ex08: students can read and run these.

blocking_hash is the world's blocking fake: the thread that calls it waits for the world's
answer, on the world's clock. The world counts the calls made from the event loop's own thread.
"""

from gradekit.grading import check, expect, expect_happened
from gradekit.grading.feedback import blocking_note

EXERCISE = "ex08_offload_blocking"
PATHS = ["a.iso", "b.iso", "c.iso", "d.iso"]
SECONDS = 0.2  # one hash
MAX_STALL = 0.05  # the catalog: the loop never stalls longer than 50 ms


@check("result maps every path to its hash", points=2)
def test_result_maps_every_path(run):
    value = run("hash_paths", paths=PATHS, seconds=0.05).value()
    expected = value["expected"]  # per-run tokens: only calling blocking_hash gives them
    if value["result_type"] != "dict":
        expect(False, "checksum_files returns a dict path -> hash", expected=f"a dict like {expected}",
               observed=f"a {value['result_type']}: {value['result']}",
               hint="build the dict from the paths and the hashes, e.g. dict(zip(paths, hashes)).")
    expect(value["result"] == expected, "result maps every path to its hash", expected=expected,
           observed=value["result"],
           hint="asyncio.gather returns the hashes in the order of paths: zip them back with the paths.")


@check("the loop never stalls longer than 50 ms while hashing", points=3)
def test_loop_stays_responsive(run):
    observation = run("hash_paths", paths=PATHS, seconds=SECONDS)
    value = observation.value()
    prop = f"the loop never stalls longer than 50 ms while {len(PATHS)} files of {SECONDS:g} s are hashed"
    expect_happened(set(value["hashed"]) >= set(PATHS), prop, needs=f"blocking_hash is called for all {len(PATHS)} paths",
                    observed=f"it was called for {len(set(value['hashed']) & set(PATHS))} of them",
                    hint="call blocking_hash(path) for every path, in a worker thread: asyncio.to_thread(blocking_hash, path).")
    # All of it seen by the world: each call of blocking_hash from the loop's own thread (which then waits
    # SECONDS for the answer, the loop frozen), and the stalls it measured from outside (time.sleep on the
    # loop's thread; busy or blocked spells of 0.1 s or more, net of the time spent waiting for a core).
    long_stalls = [s for s in observation.stalls if s["seconds"] > MAX_STALL]
    slept = sum(s["seconds"] for s in observation.stalls if s["kind"] == "time.sleep")
    on_loop = value["on_loop_thread"]
    if on_loop:
        observed = (f"blocking_hash ran {on_loop} time(s) on the event loop's own thread, "
                    f"freezing the loop {SECONDS:g} s each time")
    elif long_stalls:
        observed = f"the loop was blocked for {max(s['seconds'] for s in long_stalls) * 1000:.0f} ms"
    elif slept > MAX_STALL:
        observed = f"time.sleep on the loop's thread for {slept * 1000:.0f} ms in all"
    else:
        observed = "no stall"
    expect(not on_loop and not long_stalls and slept <= MAX_STALL, prop, expected=f"≤ {MAX_STALL * 1000:.0f} ms", observed=observed,
           note=blocking_note(observation.stalls),
           hint="a blocking function called in a coroutine freezes the loop, `async def` or not: run it in a "
                "worker thread with `await asyncio.to_thread(blocking_hash, path)` or loop.run_in_executor.")
