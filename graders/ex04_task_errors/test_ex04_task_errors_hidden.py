from gradekit.grading import (bar, calls_timeline, check, expect, expect_cancellation_propagates, expect_happened,
                              stopped_shape)

EXERCISE = "ex04_task_errors"

# [latency, error message or None]
FAILING = [[0.1, "job 0 failed"], [0.2, None], [0.3, "job 2 failed"], [0.3, "job 3 failed"]]
# every job is still running at the cancel; two of them would fail later
CANCELLED = [[1.0, None], [0.8, "job 1 failed"], [1.0, None], [1.2, "job 3 failed"], [1.0, None]]
CANCEL_AT = 0.5
# A correct run: every job starts at once, and all of them (with run_jobs) are cancelled at CANCEL_AT.
CANCEL_SHAPE = [bar("run_jobs()", 0.0, CANCEL_AT, "cancelled")] + stopped_shape(
    [bar(f"job {i}", 0.0, None, "running") for i in range(len(CANCELLED))], CANCEL_AT)
ENDED = {"cancelled": "cancelled", "still running": "running", "raised": "error", "returned": "ok"}


def _cancel_timeline(value: dict) -> dict:
    """run_jobs and its jobs on the check's clock, the jobs read once any left running had time to end."""
    kind = value["outcome"]["kind"]
    end = None if kind == "still running" else value["finished_at"]
    return calls_timeline(value["calls"], f"run_jobs() cancelled at {CANCEL_AT:g} s, and its jobs",
                          label=lambda key: f"job {key}", function=bar("run_jobs()", 0.0, end, ENDED[kind]),
                          expected=CANCEL_SHAPE)


def _expect_running_at_cancel(value: dict, prop: str) -> None:
    """The situation both cancel checks judge: run_jobs was still running its jobs when it was cancelled."""
    if value["finished_early"]:
        observed = f"run_jobs had already finished, having called {len(value['calls'])} job(s)"
    else:
        observed = f"{len(value['calls'])} job(s) called, {value['running_at_cancel']} running at the cancel"
    expect_happened(not value["finished_early"] and value["running_at_cancel"] > 0, prop,
                    needs=f"run_jobs still running its jobs at {CANCEL_AT} s", observed=observed,
                    hint="start every job and wait for them (they take about 1 s here) before run_jobs returns.")


@check("no \"Task exception was never retrieved\"", points=1)
def test_no_exception_never_retrieved(run):
    observation = run("failures_then_linger", specs=FAILING, linger=1.0)
    value = observation.value()
    expect_happened(len(value["calls"]) == len(FAILING), "every job's exception is retrieved",
                    needs=f"run_jobs runs all {len(FAILING)} jobs", observed=f"{len(value['calls'])} job(s) called",
                    hint="call every job and collect what it returned or raised.")
    # Self-reported by the student's process (its loop's exception handler and asyncio's log):
    # the world cannot see a task's exception that nobody retrieved.
    lost = observation.hygiene.get("never_retrieved", [])
    expect(not lost, "every job's exception is retrieved", expected="no \"Task exception was never retrieved\"",
           observed=f"{len(lost)} lost exception(s), e.g. {lost[0] if lost else ''!r}",
           hint="every task you create must be awaited (or its .exception() read) before run_jobs returns; "
                "gather(..., return_exceptions=True) collects them all.")


@check("cancelling run_jobs cancels every running job", points=2)
def test_cancel_cancels_every_job(run, timeline):
    value = run("cancel_run_jobs", specs=CANCELLED, cancel_at=CANCEL_AT).value()
    timeline(_cancel_timeline(value))
    eps = 1e-6
    _expect_running_at_cancel(value, f"cancelling run_jobs at {CANCEL_AT} s cancels every job still running")
    late = [c["key"] for c in value["calls"] if c["started"] > CANCEL_AT + eps]
    survived = [c["key"] for c in value["calls"]
                if c["started"] <= CANCEL_AT + eps and c["outcome"] != "cancelled"
                and (c["ended"] is None or c["ended"] > CANCEL_AT + eps)]
    slow = [c["key"] for c in value["calls"]
            if c["outcome"] == "cancelled" and c["ended"] is not None and c["ended"] > CANCEL_AT + 0.05]
    prop = f"cancelling run_jobs at {CANCEL_AT} s cancels every job still running"
    hint = ("when run_jobs is cancelled its jobs must be cancelled too: asyncio.gather and TaskGroup do it for you; "
            "with create_task/asyncio.wait, cancel the tasks yourself in an except/finally block and re-raise.")
    expect(not survived, prop, expected="every job still running at the cancel to end as cancelled",
           observed=f"job(s) {survived} kept running and finished after run_jobs was cancelled", hint=hint)
    expect(not late, prop, expected="no job started after the cancel",
           observed=f"job(s) {late} started after run_jobs was cancelled", hint=hint)
    expect(not slow, prop, expected=f"jobs cancelled at ≈ {CANCEL_AT} s",
           observed=f"job(s) {slow} were cancelled only later", hint=hint)


@check("cancelling run_jobs propagates CancelledError", points=2)
def test_cancel_propagates(run, timeline):
    value = run("cancel_run_jobs", specs=CANCELLED, cancel_at=CANCEL_AT).value()
    timeline(_cancel_timeline(value))
    prop = f"cancelling run_jobs at {CANCEL_AT} s makes it raise CancelledError"
    _expect_running_at_cancel(value, prop)
    outcome = value["outcome"]
    error = outcome.get("error", {})
    detail = {"raised": f"{error.get('type')}: {error.get('message')}", "returned": f"it returned {outcome.get('value')}",
              "still running": "5 s later", "cancelled": ""}[outcome["kind"]]
    ended = "running" if outcome["kind"] == "still running" else outcome["kind"]
    expect_cancellation_propagates(ended, prop,
                                   cancelled_at=CANCEL_AT, detail=detail,
                                   hint="catch Exception (not BaseException) for a job's failure, and if you catch "
                                        "CancelledError to clean up, re-raise it; it must not end up in the returned "
                                        "list.")
