from gradekit.grading import bar, calls_timeline, check, expect, expect_elapsed, expect_happened
from gradekit.grading.feedback import approx

EXERCISE = "ex05_timeouts"
SLOW, TIMEOUT, FAST = 5.0, 1.0, 0.2
TITLE = "fetch_with_timeout() and its fetch(url) on the check's clock"


def _timeline(value: dict, expected: list[dict]) -> dict:
    """The student's function from its call to its answer, and the fetch it made (as it stood at the answer)."""
    function = bar("fetch_with_timeout()", 0.0, value["elapsed"], "error" if value["error"] else "ok")
    return calls_timeline(value["calls"], TITLE, label=lambda key: "fetch(url)", function=function, expected=expected)


SLOW_SHAPE = [bar("fetch_with_timeout()", 0.0, TIMEOUT), bar("fetch(url)", 0.0, TIMEOUT, "cancelled")]


@check("gives up after ≈ timeout when the fetch is slow", points=2)
def test_gives_up_at_timeout(run, timeline):
    observation = run("fetch_once", latency=SLOW, timeout=TIMEOUT)
    value = observation.value()
    timeline(_timeline(value, SLOW_SHAPE))
    prop = f"with a {SLOW:g} s fetch and timeout={TIMEOUT:g}, the function gives back control after ≈ timeout"
    calls = value["calls"]
    expect_happened(bool(calls) and calls[0]["outcome"] != "returned", prop,
                    needs="the function starts fetch(url) and gives up on it",
                    observed="fetch(url) was never called" if not calls else "the fetch ran to its end",
                    hint="await fetch(url) under asyncio.timeout(timeout) (or asyncio.wait_for).")
    expect_elapsed(value["elapsed"], TIMEOUT, prop,
                   stalls=observation.stalls,
                   hint="bound the wait with asyncio.timeout(timeout) or asyncio.wait_for(..., timeout) "
                        "instead of awaiting the fetch to the end.")


@check("the slow fetch is cancelled before it returns", points=2.5)
def test_slow_fetch_is_cancelled(run, timeline):
    value = run("fetch_once", latency=SLOW, timeout=TIMEOUT).value()
    timeline(_timeline(value, SLOW_SHAPE))
    calls = value["calls"]
    call = calls[0] if calls else None
    if call is None:
        observed = "fetch was never called"
    elif call["outcome"] == "running":
        observed = f"it was still running when your function returned at {value['elapsed']:.3f} s"
    else:
        observed = f"it ended as '{call['outcome']}' at {call['ended']:.3f} s"
    ok = call is not None and call["outcome"] == "cancelled" and approx(call["ended"], TIMEOUT)
    expect(ok, "the slow fetch has been cancelled (not left running) by the time the function returns",
           expected=f"cancelled, ended at ≈ {TIMEOUT:.3f} s", observed=observed,
           hint="asyncio.timeout and asyncio.wait_for cancel the work and wait for it to stop. With asyncio.wait, "
                "cancel the pending task and await it; asyncio.shield would keep it running on purpose.")


@check("errors other than the timeout propagate unchanged", points=2)
def test_other_errors_propagate(run):
    value = run("fetch_once", latency=0.1, timeout=TIMEOUT, error="malformed url: 'htp:/example'").value()
    message = value["error_message"]  # carries a per-run value: only fetch raises it
    error = value["error"]
    if error is None:
        observed = f"it returned {value['result']!r}"
    else:
        observed = f"it raised {error['type']}" + (f": {error['message']}" if error["message"] else "")
    ok = error is not None and error["type"] == "ValueError" and error["message"] == message
    expect(ok, "an error raised by fetch (not a timeout) propagates unchanged",
           expected=f"it raises ValueError: {message}", observed=observed,
           hint="catch only TimeoutError; any other exception from fetch must reach the caller as it is.")


@check("a fast fetch returns without waiting for the timeout", points=1)
def test_fast_fetch_does_not_wait(run, timeline):
    observation = run("fetch_once", latency=FAST, timeout=TIMEOUT)
    value = observation.value()
    timeline(_timeline(value, [bar("fetch_with_timeout()", 0.0, FAST), bar("fetch(url)", 0.0, FAST)]))
    prop = f"a {FAST:g} s fetch with timeout={TIMEOUT:g} returns after ≈ the fetch's latency"
    calls = value["calls"]
    expect_happened(bool(calls) and calls[0]["outcome"] == "returned", prop,
                    needs="the function calls fetch(url) and lets it finish",
                    observed="fetch(url) was never called" if not calls else f"the fetch ended as '{calls[0]['outcome']}'",
                    hint="await fetch(url): it finishes well within the timeout here.")
    expect_elapsed(value["elapsed"], FAST, prop,
                   stalls=observation.stalls,
                   hint="return as soon as the fetch finishes: the timeout is an upper bound, not a delay "
                        "(do not sleep for `timeout` and then look).")
