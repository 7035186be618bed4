from gradekit.grading import check, expect
from gradekit.grading.feedback import blocking_note

EXERCISE = "ex15_retry_backoff"
EPS = 1e-6  # the virtual clock is exact


def calls_text(calls: list[dict]) -> str:
    return "; ".join(f"call {c['n'] + 1} at {c['started']:.3f} s: {c['outcome']}" for c in calls) or "no call"


def raised_text(raised: dict | None, result) -> str:
    if raised is None:
        return f"returned {result!r}"
    return f"raised {raised['type']}: {raised['message']}"


@check("calls op at most `attempts` times", points=1.5)
def test_at_most_attempts(run):
    value = run("call_retry", plan=["ConnectionError"], attempts=3, base_delay=0.01, latency=0.01).value()
    n = len(value["calls"])
    expect(n == 3, "op is called exactly `attempts` times when every attempt fails (attempts=3)",
           expected="3 calls", observed=f"{n} calls ({calls_text(value['calls'])})",
           hint="attempts counts every call of op, the first one included: 3 attempts = 1 try + 2 retries.")


@check("re-raises the last exception (the same object)", points=1.5)
def test_reraises_last(run):
    value = run("call_retry", plan=["ConnectionError"], attempts=3, base_delay=0.01, latency=0.01).value()
    raised = value["raised"]
    last = raised["errors_raised"] - 1 if raised else None
    expect(raised is not None and raised["from_call"] is not None and raised["from_call"] == last,
           "when every attempt fails, the exception op raised last propagates (the same object)",
           expected=f"the ConnectionError raised by the last call ('failure of attempt {len(value['calls'])}')",
           observed=(raised_text(raised, value["result"])
                     + ("" if raised is None or raised["from_call"] is None
                        else f" (the exception of call {raised['from_call'] + 1})")
                     + ("" if raised is None or raised["from_call"] is not None
                        else " — a new exception, not one op raised")),
           hint="on the last attempt re-raise what op raised (a bare `raise` in the except block, or `raise exc`); "
                "wrapping it in a new exception hides its type from the caller's `except`.")


@check("an exception outside retry_on is raised at once", points=1.5)
def test_non_retryable_at_once(run):
    value = run("call_retry", plan=["ConnectionError", "KeyError", "ok"], attempts=5, base_delay=0.1,
                latency=0.05, retry_on=["ConnectionError", "TimeoutError"]).value()
    raised, calls = value["raised"], value["calls"]
    # "At once" is judged against the failing call itself, whatever the wait before it was.
    failed_at = calls[1]["ended"] if len(calls) > 1 and calls[1]["ended"] is not None else None
    ok = (raised is not None and raised["type"] == "KeyError" and raised["from_call"] == 1
          and len(calls) == 2 and failed_at is not None and abs(value["ended"] - failed_at) <= EPS)
    expect(ok, "an exception outside retry_on propagates at once, unretried "
               "(retry_on=(ConnectionError, TimeoutError); op raises ConnectionError, then KeyError)",
           expected="KeyError from call 2, raised when call 2 ends"
                    + (f" ({failed_at:.3f} s)" if failed_at is not None else "") + ", op called 2 times",
           observed=f"{raised_text(raised, value['result'])} at {value['ended']:.3f} s; {calls_text(value['calls'])}",
           hint="catch only retry_on (`except retry_on:`); anything else is a bug, not a transient failure.")


@check("CancelledError is never retried", points=1)
def test_cancel_not_retried(run):
    value = run("cancel_retry", plan=["ok"], attempts=3, base_delay=0.1, latency=0.5, cancel_at=0.2).value()
    ok = value["outcome"] == "cancelled" and len(value["calls"]) == 1 and value["finished"] is not None \
        and abs(value["finished"] - 0.2) <= EPS
    detail = value["detail"]
    detail = f" ({detail['type']}: {detail['message']})" if isinstance(detail, dict) else (f" ({detail})" if detail else "")
    expect(ok, "cancelling retry while op runs cancels it: CancelledError propagates, no retry (cancelled at 0.2 s)",
           expected="the task ends cancelled at 0.200 s after 1 call",
           observed=f"the task {value['outcome']}{detail}"
                    + (f" at {value['finished']:.3f} s" if value["finished"] is not None else "")
                    + f"; {calls_text(value['calls'])}",
           hint="CancelledError is a BaseException: never catch it with `except:` or `except BaseException:` "
                "(or re-raise it first with `except asyncio.CancelledError: raise`).")


@check("cancelling during a backoff wait propagates at once", points=1)
def test_cancel_during_backoff(run):
    observation = run("cancel_in_backoff", attempts=3, base_delay=0.4, latency=0.05)
    value = observation.value()
    prop = "cancelling retry while it waits between attempts ends it at once (op always fails after 0.05 s)"
    expect(value["cancelled_at"] is not None, prop,
           expected="retry waiting (no call of op in flight) after a failed attempt, so that it can be cancelled there",
           observed=f"no such moment: {calls_text(value['calls'])}",
           note=blocking_note(observation.stalls),
           hint="between attempts wait with `await asyncio.sleep(...)`: time.sleep blocks the loop, "
                "so nothing can cancel the wait.")
    at = value["cancelled_at"]
    ok = value["outcome"] == "cancelled" and value["finished"] is not None and abs(value["finished"] - at) <= EPS \
        and len(value["calls"]) == value["calls_before"]
    expect(ok, prop, expected=f"the task ends cancelled at {at:.3f} s, when it was cancelled, and op is not called again",
           observed=f"the task {value['outcome']}"
                    + (f" at {value['finished']:.3f} s" if value["finished"] is not None else "")
                    + f"; {calls_text(value['calls'])}",
           note=blocking_note(observation.stalls),
           hint="wait with `await asyncio.sleep(...)` (never time.sleep) and let its CancelledError propagate.")
