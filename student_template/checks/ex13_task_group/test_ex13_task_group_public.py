"""Public checks of ex13: students can read and run these."""

from gradekit.grading import check, expect

EXERCISE = "ex13_task_group"


def _what_happened(value):
    if "returned" in value:
        return f"returned {value['returned']!r} at {value['elapsed']:.3f} s"
    raised = value["raised"]
    return f"raised {raised['type']}: {raised['message']} at {value['elapsed']:.3f} s"


@check("results in order when all succeed", points=3)
def test_results_in_order(run):
    jobs = [{"latency": 0.3, "value": "a"}, {"latency": 0.1, "value": "b"}, {"latency": 0.2, "value": "c"}]
    value = run("run_jobs", jobs=jobs).value()
    expected = value["expected"]  # per-run tokens: only calling the jobs gives them
    expect(value.get("returned") == expected, "results in order when all succeed", expected=expected,
           observed=_what_happened(value),
           hint="keep the tasks in a list in the order of jobs and read task.result() after the TaskGroup exits.")


@check("a failure raises an ExceptionGroup containing the original exception", points=2)
def test_failure_raises_exception_group(run):
    jobs = [{"latency": 0.5, "value": "a"}, {"latency": 0.2, "error": "job 1 failed"},
            {"latency": 0.4, "value": "c"}, {"latency": 0.1, "value": "d"}]
    value = run("run_jobs", jobs=jobs).value()
    expect(value.get("is_group", False) and value.get("original", False),
           "a failure raises an ExceptionGroup containing the original exception",
           expected="an ExceptionGroup holding the job's ValueError('job 1 failed')", observed=_what_happened(value),
           hint="async with asyncio.TaskGroup() raises an ExceptionGroup of the failures: let it propagate.")
