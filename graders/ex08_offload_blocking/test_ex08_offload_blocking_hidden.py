from gradekit.grading import check, expect, expect_happened
from gradekit.grading.feedback import blocking_note

EXERCISE = "ex08_offload_blocking"
PATHS = ["w.img", "x.img", "y.img", "z.img"]
SECONDS = 0.2
BOUND = 0.5  # "well under 0.8 s": one hash takes 0.2 s, all four one after the other 0.8 s
# On the world's clock, which follows the student's threads in real time while they run: with every
# core busy (4 hogs on 2 cores, 40 runs each) the reference took at most 0.202 s and the pool_context
# alternative 0.229 s, and all four hashes were in flight at once in every run, which no load changes.
# Either shows the hashing was concurrent.


@check("paths are hashed concurrently", points=3)
def test_paths_hashed_concurrently(run):
    observation = run("hash_paths", paths=PATHS, seconds=SECONDS)
    value = observation.value()
    prop = f"{len(PATHS)} paths of {SECONDS:g} s each are hashed concurrently (well under {len(PATHS) * SECONDS:g} s)"
    expect_happened(set(value["hashed"]) >= set(PATHS), prop, needs=f"blocking_hash is called for all {len(PATHS)} paths",
                    observed=f"it was called for {len(set(value['hashed']) & set(PATHS))} of them",
                    hint="call blocking_hash(path) for every path, each in a worker thread (asyncio.to_thread).")
    expect(value["elapsed"] < BOUND or value["peak_threads"] == len(PATHS), prop,
           expected=f"< {BOUND:g} s (about {SECONDS:g} s)", observed=f"{value['elapsed']:.3f} s, "
           f"with at most {value['peak_threads']} hash(es) running at once",
           note=blocking_note(observation.stalls),
           hint="start every hash before awaiting any: asyncio.gather over asyncio.to_thread(...) calls, "
                "on an executor with enough threads (not max_workers=1).")


@check("an exception from blocking_hash propagates", points=2)
def test_exception_propagates(run):
    value = run("hash_paths", paths=["ok1.img", "missing.img", "ok2.img"], seconds=SECONDS,
                failing="missing.img").value()
    prop = "when blocking_hash raises FileNotFoundError for one path, checksum_files raises it"
    expect_happened("missing.img" in value["hashed"], prop, needs="blocking_hash is called for the failing path",
                    observed=f"it was called for {len(value['hashed'])} path(s), not the failing one",
                    hint="call blocking_hash(path) for every path, each in a worker thread (asyncio.to_thread).")
    if value["outcome"] == "raised":
        observed = f"{value['error']['type']}: {value['error']['message']}"
    else:
        observed = f"it returned normally: {value['result']}"
    expect(value["outcome"] == "raised" and value["error"]["type"] == "FileNotFoundError", prop,
           expected="FileNotFoundError raised by checksum_files", observed=observed,
           hint="awaiting asyncio.to_thread (or a run_in_executor future) re-raises the thread's exception: "
                "don't catch it, and don't use gather(return_exceptions=True).")
