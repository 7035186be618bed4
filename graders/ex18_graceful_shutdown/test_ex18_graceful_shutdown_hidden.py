from gradekit.grading import check, expect, expect_elapsed

EXERCISE = "ex18_graceful_shutdown"

# Two workers, five jobs of 1 s submitted at 0, stop(10) at 0.5: the work ends at 3.0.
DRAINS = {"workers": 2, "latencies": [1.0] * 5, "stop_at": 0.5, "timeout": 10.0}
# Two workers; jobs 2 and 3 take 100 s; stop(1.2) at 0.5: at 1.7 jobs 0 and 1 are done,
# 2 and 3 are running (cancelled), 4 and 5 are still queued (dropped).
TIMES_OUT = {"workers": 2, "latencies": [1.0, 1.0, 100.0, 100.0, 1.0, 1.0], "stop_at": 0.5, "timeout": 1.2}


def _stop_result(run, params: dict) -> tuple[dict, dict]:
    observation = run("stop_while_busy", **params)
    value = observation.value()
    stop = value["stop"]
    expect(stop["finished"], f"stop({params['timeout']:g}) returns, at the latest ≈ {params['timeout']:g} s after "
           "it was called", expected=f"a return within ≈ {params['timeout']:g} s",
           observed=f"still waiting after {stop['elapsed']:.1f} s (the check gave up)",
           hint="bound the wait: asyncio.wait_for(queue.join(), timeout) (or asyncio.timeout), "
                "then cancel the workers whatever happened.")
    if stop.get("error"):
        err = stop["error"]
        where = f" at {err['where']}" if err.get("where") else ""
        expect(False, f"stop({params['timeout']:g}) returns a count", expected="an int",
               observed=f"it raised {err['type']}: {err['message']}{where}",
               hint="a timeout while draining is expected: catch TimeoutError, then cancel and count.")
    return value, observation.stalls


@check("a job that raises does not stop the service", points=1.5)
def test_failing_job_does_not_stop_service(run):
    value = run("failing_jobs").value()
    outcomes = {c["key"]: c["outcome"] for c in value["calls"]}
    expected = {0: "raised", 1: "raised", 2: "returned", 3: "returned", 4: "returned", 5: "returned"}
    observed = {job: outcomes.get(job, "never started") for job in expected}
    expect(observed == expected, "after jobs 0 and 1 raise, the 2 workers still handle jobs 2-5",
           expected=expected, observed=observed,
           hint="in the worker, wrap await handle(item) in try/except Exception so one failed job does "
                "not end the worker task.")
    stop = value["stop"]
    expect(stop.get("count") == 0, "stop() counts a job that raised as completed", expected=0,
           observed=stop.get("count", "no count"),
           hint="complete = returned or raised: only cancelled and dropped jobs are counted.")


@check("stop() returns as soon as the work is done", points=1.5)
def test_stop_returns_when_work_done(run):
    value, stalls = _stop_result(run, DRAINS)
    expect_elapsed(value["stop"]["elapsed"], 2.5,
                   "stop(10) called at 0.5 s while the last job ends at 3.0 s returns when the work is done",
                   stalls=stalls,
                   hint="wait for the queue to drain (await queue.join()) with the timeout as an upper bound, "
                        "not for the whole timeout and not zero time.")


@check("stop() returns at ≈ timeout when the work takes longer", points=1.5)
def test_stop_returns_at_timeout(run):
    value, stalls = _stop_result(run, TIMES_OUT)
    expect_elapsed(value["stop"]["elapsed"], 1.2, "stop(1.2) with 200 s of work left returns after ≈ timeout",
                   stalls=stalls,
                   hint="asyncio.wait_for(queue.join(), timeout): keep working for up to timeout seconds, "
                        "then cancel the workers.")
    outcomes = {c["key"]: c["outcome"] for c in value["calls"]}
    observed = {job: outcomes.get(job, "never started") for job in range(6)}
    expected = {0: "returned", 1: "returned", 2: "cancelled", 3: "cancelled", 4: "never started",
                5: "never started"}
    expect(observed == expected, "at the timeout, running jobs are cancelled and queued ones dropped",
           expected=expected, observed=observed,
           hint="cancel every worker task (this cancels the job it is awaiting); jobs still in the queue "
                "are never handled.")


@check("stop() returns how many submitted jobs did not complete", points=1.5)
def test_count_of_unfinished_jobs(run):
    drained, _ = _stop_result(run, DRAINS)
    expect(drained["stop"]["count"] == 0, "count returned when every job completed before the timeout",
           expected=0, observed=drained["stop"]["count"],
           hint="count the jobs that neither returned nor raised: here, none.")
    timed_out, _ = _stop_result(run, TIMES_OUT)
    expect(timed_out["stop"]["count"] == 4,
           "count returned when 2 running jobs were cancelled and 2 queued ones dropped",
           expected=4, observed=timed_out["stop"]["count"],
           hint="submitted minus completed (returned or raised): cancelled running jobs count as well as "
                "dropped queued ones.")


@check("no task is left running after stop()", points=1.5)
def test_no_task_left_after_stop(run):
    observation = run("left_after_stop", **DRAINS)
    value = observation.value()
    workers = DRAINS["workers"]
    expect(value["jobs_started"] >= workers, "the service was working before stop() (jobs started by the workers)",
           expected=f"at least {workers}", observed=value["jobs_started"],
           hint="start() must start the worker tasks and submit() must queue each job for them.")
    # Jobs still running are the world's record. Tasks still pending are the student's process's
    # own account (the exercise's driver looks right after stop() returns; the hygiene probe at the
    # end): a cancelled worker that was not awaited ends a moment later at the same instant, which
    # the world cannot tell from outside.
    left = value["tasks_left"] + observation.hygiene.get("pending_tasks", [])
    expect(not left and value["jobs_running"] == 0, "when stop() returns, no worker or job is still running",
           expected="no task left", observed=f"{len(left)} task(s) still pending: {', '.join(left[:5])}"
           + (f"; {value['jobs_running']} job(s) still running" if value["jobs_running"] else ""),
           hint="task.cancel() only requests cancellation: await the cancelled tasks "
                "(asyncio.gather(*tasks, return_exceptions=True)) before stop() returns.")
    # What the world sees itself: jobs cancelled at the timeout have ended before stop() answers
    # (judged when stop() returned at all: one that never returns loses the timeout checks).
    timed_out = run("stop_while_busy", **TIMES_OUT).value()
    at_stop = timed_out.get("at_stop")
    if at_stop is not None:
        still = sorted(c["key"] for c in at_stop.get("calls", []) if c["outcome"] == "running")
        expect(not still, "when stop(1.2) returns after its timeout, the jobs it cancelled have ended",
               expected="no job still running when stop() returns",
               observed=f"job(s) {still} still running when stop() returned; they were cancelled only afterwards",
               hint="task.cancel() only requests cancellation: await the cancelled tasks "
                    "(asyncio.gather(*tasks, return_exceptions=True)) before stop() returns.")
