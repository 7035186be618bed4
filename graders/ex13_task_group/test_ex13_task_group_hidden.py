from gradekit.grading import (approx, bar, calls_timeline, check, concurrent_shape, expect, expect_happened,
                              stopped_shape)

EXERCISE = "ex13_task_group"

# Job 1 fails at 0.2 s while jobs 0 and 2 are still running; job 3 finished at 0.1 s.
JOBS = [{"latency": 0.5, "value": "a"}, {"latency": 0.2, "error": "job 1 failed"},
        {"latency": 0.4, "value": "c"}, {"latency": 0.1, "value": "d"}]
FAILED_AT = 0.2
STILL_RUNNING = [0, 2]
TITLE = "the jobs on the check's clock"
# A correct run: all start at once; when job 1 fails, the jobs still running are cancelled.
SHAPE = stopped_shape(concurrent_shape([(f"job {i}", j["latency"]) for i, j in enumerate(JOBS)]), FAILED_AT,
                      failed="job 1")


def _job(key) -> str:
    return f"job {key}"


def _describe(call):
    ended = "" if call["ended"] is None else f" at {call['ended']:.3f} s"
    return f"job {call['key']}: {call['outcome']}{ended}"


@check("still-running jobs cancelled at the time of the first failure", points=3)
def test_running_jobs_cancelled_at_failure(run, timeline):
    value = run("fail_midway", jobs=JOBS).value()
    timeline(calls_timeline(value["settled"]["calls"], f"{TITLE} (1 s after all_or_nothing ended)", label=_job,
                            expected=SHAPE))
    calls = {c["key"]: c for c in value["settled"]["calls"]}
    wrong = [calls[k] for k in STILL_RUNNING
             if k not in calls or calls[k]["outcome"] != "cancelled" or not approx(calls[k]["ended"], FAILED_AT)]
    expect(not wrong, "still-running jobs cancelled at the time of the first failure",
           expected=f"jobs {STILL_RUNNING} cancelled at {FAILED_AT:.3f} s, when job 1 failed",
           observed="; ".join(_describe(calls[k]) if k in calls else f"job {k}: never started" for k in STILL_RUNNING),
           hint="the first failure must cancel the jobs still running right away, which asyncio.TaskGroup does "
                "(gather, even with return_exceptions=True, cancels nothing).")


@check("nothing left running when it returns or raises", points=2)
def test_nothing_left_running(run, timeline):
    value = run("fail_midway", jobs=JOBS).value()
    at_end = value["at_end"]
    ended = "error" if "raised" in value else "ok"
    timeline(calls_timeline(at_end["calls"], f"all_or_nothing() and {TITLE} (when it ended)", label=_job,
                            function=bar("all_or_nothing()", 0.0, at_end["elapsed"], ended),
                            expected=[bar("all_or_nothing()", 0.0, FAILED_AT, "error")] + SHAPE))
    started = {c["key"] for c in at_end["calls"]}
    expect_happened(started >= set(range(len(JOBS))), "nothing left running when it returns or raises",
                    needs=f"all_or_nothing starts all {len(JOBS)} jobs",
                    observed=f"{len(started)} job(s) started",
                    hint="call every job and run them concurrently: tg.create_task(job()) in an asyncio.TaskGroup.")
    running = [c for c in at_end["calls"] if c["outcome"] == "running"]
    expect(not running, "nothing left running when it returns or raises",
           expected=f"every job finished or cancelled when all_or_nothing ends (at {at_end['elapsed']:.3f} s)",
           observed=f"{len(running)} job(s) still running ({', '.join(str(c['key']) for c in running)})",
           hint="cancel() only requests cancellation: await the cancelled tasks before raising; "
                "async with asyncio.TaskGroup() waits for all of its tasks.")
