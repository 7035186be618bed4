"""Public checks of ex05: students can read and run these."""

from gradekit.grading import check, expect, expect_happened

EXERCISE = "ex05_timeouts"


def _outcome(value: dict) -> str:
    if value["error"]:
        error = value["error"]
        return f"it raised {error['type']}" + (f": {error['message']}" if error["message"] else "")
    return f"it returned {value['result']!r}"


@check("a fast fetch returns its value", points=1)
def test_fast_fetch_returns_its_value(run):
    value = run("fetch_once", latency=0.2, timeout=1.0).value()
    page = value["page"]  # a per-run value: only calling fetch gives it
    expect(value["error"] is None and value["result"] == page,
           "a fetch that finishes in time returns its value", expected=f"it returns {page!r}", observed=_outcome(value),
           hint="when fetch(url) finishes before the timeout, return what it returned.")


@check("a slow fetch gives None", points=1.5)
def test_slow_fetch_returns_none(run):
    value = run("fetch_once", latency=5.0, timeout=1.0).value()
    prop = "a fetch slower than the timeout gives None"
    calls = value["calls"]
    made = "fetch(url) was never called" if not calls else "the fetch ran to its end before the function returned"
    expect_happened(bool(calls) and calls[0]["outcome"] != "returned", prop,
                    needs="the function starts fetch(url) and gives up on it when time is up",
                    observed=f"{made}; {_outcome(value)}",
                    hint="await fetch(url) under asyncio.timeout(timeout) (or asyncio.wait_for): the slow fetch "
                         "starts, and is cancelled when the time is up.")
    expect(value["error"] is None and value["result"] is None, prop, expected="it returns None", observed=_outcome(value),
           hint="asyncio.timeout() and asyncio.wait_for() raise TimeoutError when time is up: "
                "catch TimeoutError (not CancelledError) and return None (not '' or False).")
