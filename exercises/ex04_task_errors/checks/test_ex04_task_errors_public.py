"""Public checks of ex04: students can read and run these."""

from gradekit.grading import bar, calls_timeline, check, expect, expect_elapsed, expect_happened

EXERCISE = "ex04_task_errors"

# [latency, error message or None]: job i returns a per-run value or raises ValueError(message)
MIXED = [[0.2, None], [0.1, "job 1 failed"], [0.3, None], [0.25, "job 3 failed"], [0.05, None]]
SLOWEST_FAILS = [[0.1, None], [0.3, "job 1 failed"], [0.2, None]]


@check("each job's value, or the very exception object it raised, in order", points=3)
def test_values_and_original_exceptions(run):
    value = run("run_mixed_jobs", specs=MIXED).value()
    expected = value["expected"]  # per-run values: only calling the jobs gives them
    prop = "each job's value, or the very exception object it raised, in order"
    if value["raised"]:
        error = value["raised"]
        expect(False, prop, expected=expected,
               observed=f"run_jobs raised {error['type']}: {error['message']}",
               hint="a failing job must not make run_jobs raise: asyncio.gather(..., return_exceptions=True) "
                    "puts each exception in its job's slot.")
    expect(value["result"] == expected, prop, expected=expected, observed=value["result"],
           hint="return the exception object itself (not str(exc), not a copy), in the job's own slot: "
                "asyncio.gather(..., return_exceptions=True) does exactly this.")


@check("elapsed ≈ the slowest job", points=2)
def test_elapsed_is_the_slowest_job(run, timeline):
    observation = run("run_mixed_jobs", specs=SLOWEST_FAILS)
    value = observation.value()
    timeline(calls_timeline(value["calls"], "the jobs on the check's clock", label=lambda key: f"job {key}",
                            expected=[bar(f"job {i}", 0.0, latency, "error" if error else "ok")
                                      for i, (latency, error) in enumerate(SLOWEST_FAILS)]))
    slowest = max(latency for latency, _ in SLOWEST_FAILS)
    called = {c["key"] for c in value["calls"]}
    expect_happened(called == set(range(len(SLOWEST_FAILS))), f"elapsed ≈ the slowest job ({slowest} s)",
                    needs=f"run_jobs calls all {len(SLOWEST_FAILS)} jobs", observed=f"{len(called)} job(s) called",
                    hint="call every job (job()) and await what it returns.")
    expect_elapsed(value["elapsed"], slowest, f"elapsed ≈ the slowest job ({slowest} s)", stalls=observation.stalls,
                   hint="start every job before awaiting any of them (asyncio.gather or create_task), "
                        "so their waits overlap.")
