from gradekit.grading import check, expect, expect_happened

EXERCISE = "ex16_ticker"
EPS = 1e-6  # the virtual clock is exact: tick times are compared to the microsecond


def seconds(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.3f}" for v in values) + "]"


def off_schedule(ticks: list[list], interval: float) -> list[tuple[int, float, float]]:
    """Ticks not yielded at max(t0 + k × interval, when the consumer asked): (k, observed, expected)."""
    if not ticks:
        return []
    t0 = ticks[0][1]
    wrong = []
    for k, at, asked in ticks:
        due = max(t0 + k * interval, asked)
        if abs(at - due) > EPS:
            wrong.append((k, at, due))
    return wrong


@check("no drift over 100 ticks with a busy consumer", points=2)
def test_no_drift(run):
    interval, count, work = 0.01, 100, 0.003
    value = run("collect", interval=interval, count=count, work=work).value()
    ticks = value["ticks"]
    wrong = off_schedule(ticks, interval)
    shown = ticks[:3] + ticks[-2:] if len(ticks) > 5 else ticks
    last = ticks[-1] if ticks else None
    expect(len(ticks) >= count and not wrong,
           f"ticker({interval:g}, {count}) keeps tick k at t0 + k × {interval:g} s while the consumer "
           f"works {work:g} s after each tick",
           expected=f"tick 99 at t0 + 0.990 s; ticks {[k for k, _, _ in shown]} at "
                    f"{seconds([ticks[0][1] + k * interval for k, _, _ in shown]) if ticks else '[]'} s",
           observed=(f"tick {wrong[0][0]} at {wrong[0][1]:.3f} s instead of {wrong[0][2]:.3f} s, "
                     f"tick {last[0]} at {last[1]:.3f} s (t0 + {last[1] - ticks[0][1]:.3f} s, "
                     f"drift {last[1] - ticks[0][1] - last[0] * interval:+.3f} s)"
                     if wrong else f"{len(ticks)} ticks")
                    + f"; ticks {[k for k, _, _ in shown]} at {seconds([t for _, t, _ in shown])} s",
           hint="sleep until an absolute due time (start + k * interval - now), not `interval` after the "
                "consumer comes back: the consumer's own time must not add up.")


@check("a late tick is yielded at once and later ticks stay on schedule", points=2.5)
def test_late_tick_at_once(run):
    interval, count = 0.1, 6
    value = run("collect", interval=interval, count=count, slow_after=1, slow_for=0.15).value()
    ticks = value["ticks"]
    values = [k for k, _, _ in ticks]
    wrong = off_schedule(ticks, interval)
    t0 = ticks[0][1] if ticks else 0.0
    expected = [t0 + k * interval for k in range(count)]
    if len(ticks) > 1:
        expected[2] = max(expected[2], ticks[1][1] + 0.15)
    expect(values[:count] == list(range(count)) and not wrong,
           f"ticker({interval:g}, {count}) with a consumer busy 0.15 s after tick 1: tick 2 is late, "
           "it comes at once and ticks 3, 4, 5 keep their times",
           expected=f"ticks {list(range(count))} at {seconds(expected)} s",
           observed=f"ticks {values} at {seconds([t for _, t, _ in ticks])} s"
                    + (f" (tick {wrong[0][0]} at {wrong[0][1]:.3f} s instead of {wrong[0][2]:.3f} s)" if wrong else "")
                    + ("" if values[:count] == list(range(count)) else
                       f" (missing: {sorted(set(range(count)) - set(values))})"),
           hint="when a tick's due time has already passed, yield it immediately (do not skip it, do not sleep a "
                "whole interval); the next ones stay at start + k * interval.")


@check("breaking out of `async for` runs the generator's cleanup (aclose)", points=2)
def test_break_runs_cleanup(run):
    value = run("break_early", interval=0.1, count=10, stop_after=3).value()
    prop = "breaking out of `async for` after 3 of 10 ticks closes the ticker and leaves nothing running"
    expect(value["kind"] == "async_generator", prop,
           expected="ticker(...) returns an async generator (async def with yield)",
           observed=f"a {value['kind']} object without aclose()/__anext__",
           hint="write ticker as an async generator: `async def` whose body uses `yield`.")
    expect_happened(len(value["got"]) == 3 and len(value["got_dropped"]) == 3, prop,
                    needs="ticker(0.1, 10) yields 3 ticks before `async for` breaks out of it",
                    observed=f"it yielded {value['got']} (and {value['got_dropped']} the second time) and then stopped",
                    hint="yield k for each of the count ticks, sleeping until each one's due time.")
    problems = []
    if value["closed_in"] > EPS:
        problems.append(f"aclose() took {value['closed_in']:.3f} s")
    if value["left_after_aclose"]:
        problems.append(f"after aclose() still running: {value['left_after_aclose']}")
    if not value["exhausted"]:
        problems.append(f"after aclose() the generator still yielded {value['extra']}")
    if value["left_after_drop"]:
        problems.append(f"after break without aclose() (the loop closes the dropped generator) still running: "
                        f"{value['left_after_drop']}")
    expect(not problems, prop,
           expected="aclose() returns at once, the generator is finished, no task of it left",
           observed="; ".join(problems),
           hint="anything the generator starts must be stopped in a `try: … finally:` around the yields "
                "(cancel background tasks there): aclose() raises GeneratorExit at the paused yield.")
