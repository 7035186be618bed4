"""Public checks of ex15: students can read and run these."""

from gradekit.grading import bar, calls_timeline, check, expect

EXERCISE = "ex15_retry_backoff"
EPS = 1e-6  # the virtual clock is exact: waits are compared to the microsecond


def seconds(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.3f}" for v in values) + "]"


@check("returns the result of the first successful attempt", points=1)
def test_returns_result(run):
    value = run("call_retry", plan=["ConnectionError", "ConnectionError", "ok"], attempts=5,
                base_delay=0.1, latency=0.05).value()
    raised = value["raised"]
    expected = value["expected"]  # a per-run token: only op's 3rd call returns it
    expect(raised is None and value["result"] == expected,
           "returns what op returns once it succeeds (op fails twice, then succeeds)",
           expected=f"{expected!r} (what the 3rd call returned)",
           observed=f"raised {raised['type']}: {raised['message']}" if raised else repr(value["result"]),
           hint="return await op() inside the try: the first success ends the retries.")


@check("waits base, 2×base, 4×base… between attempts, and not after the last", points=2.5)
def test_backoff_schedule(run, timeline):
    base = 0.1
    value = run("call_retry", plan=["ConnectionError"], attempts=4, base_delay=base, latency=0.05).value()
    calls = value["calls"]
    # A correct run: each attempt fails after 0.05 s, the next starts base * 2**k later; no wait after the last.
    starts_ok = [round(sum(0.05 + base * 2 ** k for k in range(n)), 6) for n in range(4)]
    ended = "error" if value["raised"] else "ok"
    timeline(calls_timeline(
        [{**c, "key": c["n"]} for c in calls], "retry() and its op() attempts on the check's clock",
        label=lambda n: f"attempt {n + 1}", function=bar("retry()", 0.0, value["ended"], ended),
        expected=[bar("retry()", 0.0, round(starts_ok[-1] + 0.05, 6), "error")]
        + [bar(f"attempt {n + 1}", t, round(t + 0.05, 6), "error") for n, t in enumerate(starts_ok)]))
    waits = [round(b["started"] - a["ended"], 6) for a, b in zip(calls, calls[1:])]
    expected_waits = [base * 2 ** i for i in range(max(len(waits), 3))]  # 3 waits between 4 attempts
    final_wait = round(value["ended"] - calls[-1]["ended"], 6) if calls and calls[-1]["ended"] is not None else None
    ok = (len(waits) >= 1 and all(abs(w - e) <= EPS for w, e in zip(waits, expected_waits))
          and final_wait is not None and abs(final_wait) <= EPS)
    starts = seconds([c["started"] for c in calls])
    expect(ok, f"exponential backoff (base {base:g} s, op always fails after 0.05 s, attempts=4)",
           expected=f"waits {seconds(expected_waits)} s between attempts, then the error at once (0.000 s)",
           observed=f"waits {seconds(waits)} s, then "
                    + (f"{final_wait:.3f} s before giving up" if final_wait is not None else "no end")
                    + f"; attempts started at {starts} s",
           hint="after failed attempt k (from 0) sleep base_delay * 2 ** k with asyncio.sleep; "
                "after the last attempt do not sleep, re-raise at once.")
