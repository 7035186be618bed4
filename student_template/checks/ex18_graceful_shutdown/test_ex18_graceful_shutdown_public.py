"""Public checks of ex18: students can read and run these."""

from gradekit.grading import check, expect

EXERCISE = "ex18_graceful_shutdown"


def _submit_outcome(result: dict) -> str:
    raised = result["raised"]
    return "accepted (no exception)" if raised is None else f"{raised['type']}: {raised['message']}"


@check("exactly `workers` jobs in flight under load", points=1.5)
def test_exactly_workers_in_flight(run):
    value = run("under_load", workers=3, jobs=10, latency=1.0).value()
    expect(value["peak"] == 3, "with 10 jobs submitted and workers=3, jobs handled at once", expected=3,
           observed=value["peak"],
           hint="start() creates exactly `workers` worker tasks; each one loops: item = await queue.get(), "
                "then await handle(item).")


@check("submit raises RuntimeError once stop() has begun", points=1)
def test_submit_refused_once_stopping(run):
    value = run("refuse_submissions").value()
    for when in ("during", "after"):
        raised = value[when]["raised"]
        expect(raised is not None and raised["type"] == "RuntimeError",
               f"submit() called {when} stop() raises RuntimeError", expected="RuntimeError",
               observed=_submit_outcome(value[when]),
               hint="the first thing stop() does, before any await, is mark the service as closed; "
                    "submit() checks that mark and raises RuntimeError.")
