from gradekit.grading import check, expect, expect_happened

EXERCISE = "ex14_rate_limiter"
EPS = 1e-6


def expect_someone_waited(entries: list[list], arrivals: list[float], rate: int, prop: str) -> None:
    """Waiting and entry order mean something only once the limiter held a task back."""
    expect_happened(any(at > arrivals[i] + EPS for i, at in entries), prop,
                    needs=f"the limiter holds back some of {len(arrivals)} tasks (rate {rate})",
                    observed=f"each of the {len(entries)} entered the moment it arrived",
                    hint="__aenter__ must wait (await asyncio.sleep or a future) while `rate` entries already started "
                         "in the last period.")


def schedule(times: list[float]) -> str:
    return "[" + ", ".join(f"{t:.3f}" for t in times) + "]"


def earliest_schedule(arrivals: list[float], rate: int, period: float) -> list[float]:
    """The earliest entry times the window rule allows for these arrivals."""
    entries: list[float] = []
    for at in sorted(arrivals):
        entries.append(at if len(entries) < rate else max(at, entries[-rate] + period))
    return entries


@check("no needless waiting (total ≈ the minimum the rule allows)", points=2)
def test_no_needless_waiting(run):
    rate, period = 2, 1.0
    arrivals = [0.0] * 4 + [1.9] * 4  # a burst, a quiet spell, another burst
    value = run("arrivals", rate=rate, period=period, times=arrivals, hold=0.05).value()
    prop = (f"the last entry is not later than the rule requires (rate {rate} per {period:g} s, "
            f"4 tasks at 0 s and 4 at 1.9 s)")
    expect_someone_waited(value["entries"], arrivals, rate, prop)
    times = sorted(t for _, t in value["entries"])
    best = earliest_schedule(arrivals, rate, period)
    allowed = best[-1] + max(0.1 * best[-1], 0.05)
    expect(times[-1] <= allowed, prop,
           expected=f"≈ {best[-1]:.3f} s (entry times {schedule(best)})",
           observed=f"{times[-1]:.3f} s (entry times {schedule(times)})",
           hint="a waiter only has to wait until the oldest of the last `rate` entries is one period old "
                "(sleep until oldest + period), not a whole period from now nor period/rate between entries.")


@check("waiters enter in arrival order (FIFO)", points=1.5)
def test_fifo_order(run):
    arrivals = [round(0.01 * i, 2) for i in range(10)]
    value = run("arrivals", rate=2, period=1.0, times=arrivals, hold=0.055).value()
    prop = "waiters enter in the order they arrived (10 tasks arriving 0.01 s apart, rate 2 per 1 s)"
    expect_someone_waited(value["entries"], arrivals, 2, prop)
    order = [i for i, _ in sorted(value["entries"], key=lambda e: e[1])]
    expect(order == list(range(len(arrivals))), prop,
           expected=list(range(len(arrivals))),
           observed=f"{order}; entry times (s): {schedule(sorted(t for _, t in value['entries']))}",
           hint="queue the waiters and wake the oldest first: an asyncio.Lock around the wait is FIFO, "
                "a deque.popleft() of futures too; waiters that all sleep until the same instant race.")


@check("a waiter cancelled while waiting does not take a slot", points=2)
def test_cancelled_waiter_frees_slot(run):
    value = run("cancel_waiter", cancel_at=0.05).value()
    events = value["events"]
    entered = {name: at for name, what, at in events if what == "entered"}
    log = "; ".join(f"{name} {what} at {at:.3f} s" for name, what, at in events) or "nothing"
    prop = ("a waiter cancelled while waiting does not take a slot (rate 1 per 1 s: A, B, C arrive at 0 s, "
            "A enters, B is cancelled at 0.05 s while it waits)")
    expect(value["b_cancelled"] and "B" not in entered, prop,
           expected="B never enters and its task ends cancelled (CancelledError propagates)",
           observed=f"B {'was' if value['b_cancelled'] else 'was not'} cancelled; events: {log}",
           hint="let CancelledError propagate out of __aenter__; a cancelled waiter must not enter.")
    expect(not value["pending"] and "C" in entered and entered["C"] <= 1.0 + 0.1, prop,
           expected="C enters at ≈ 1.000 s (± 0.100 s), when A's slot frees, not a period later",
           observed=(f"C entered at {entered['C']:.3f} s" if "C" in entered else "C never entered")
                    + f"; events: {log}",
           hint="a waiter cancelled while waiting must give back its place: do not reserve a start time "
                "before the wait completes, or undo the reservation in an except CancelledError.")
