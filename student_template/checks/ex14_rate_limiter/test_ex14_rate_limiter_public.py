"""Public checks of ex14: students can read and run these."""

from gradekit.grading import check, expect, expect_happened

EXERCISE = "ex14_rate_limiter"
RATE, PERIOD, TASKS = 3, 1.0, 20
EPS = 1e-6  # the virtual clock is exact: times are compared to the microsecond


def schedule(times: list[float]) -> str:
    return "[" + ", ".join(f"{t:.3f}" for t in times) + "]"


def busiest_window(times: list[float], period: float) -> tuple[float, int]:
    """The window [t, t + period) starting at an entry that holds the most entries."""
    best = (0.0, 0)
    for t in times:
        inside = sum(1 for u in times if 0 <= u - t < period - EPS)
        if inside > best[1]:
            best = (t, inside)
    return best


@check("at most `rate` entries start in any window of `period` seconds", points=3)
def test_window_rule(run):
    value = run("burst", rate=RATE, period=PERIOD, tasks=TASKS, offset=0.3, hold=0.05).value()
    times = sorted(t for _, t in value["entries"])
    start, count = busiest_window(times, PERIOD)
    expect(count <= RATE, f"at most {RATE} entries in any window of {PERIOD:g} s ({TASKS} tasks at once)",
           expected=f"≤ {RATE} entries in every window",
           observed=f"{count} entries in [{start:.3f}, {start + PERIOD:.3f}) s; entry times (s): {schedule(times)}",
           hint="remember when each of the last `rate` entries started (a sliding log) and let the next one in "
                "only a full period after the oldest; a semaphore released on exit limits concurrency, not rate, "
                "and a token bucket or fixed windows allow bursts across a window.")


@check("the first `rate` enter at once", points=1.5)
def test_first_rate_enter_at_once(run):
    value = run("burst", rate=RATE, period=PERIOD, tasks=TASKS, offset=0.3, hold=0.05).value()
    times = sorted(t for _, t in value["entries"])
    prop = f"the first {RATE} entries start at once (at 0 s)"
    # A limiter that lets everyone in at once (or does nothing) would pass unexamined.
    expect_happened(any(t > EPS for t in times), prop,
                    needs=f"the limiter holds back some of {TASKS} tasks that arrive at once (rate {RATE})",
                    observed=f"all {len(times)} entered at 0 s",
                    hint="__aenter__ must wait (await asyncio.sleep or a future) while `rate` entries already started "
                         "in the last period.")
    first = times[:RATE]
    expect(len(first) == RATE and all(t <= EPS for t in first), prop,
           expected=schedule([0.0] * RATE), observed=f"{schedule(first)}; all entry times (s): {schedule(times)}",
           hint="a fresh limiter has `rate` free slots: enter immediately while fewer than `rate` entries "
                "started in the last period; do not space entries period/rate apart.")
