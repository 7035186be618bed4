"""Public checks of ex16: students can read and run these."""

from gradekit.grading import check, expect

EXERCISE = "ex16_ticker"
EPS = 1e-6  # the virtual clock is exact: tick times are compared to the microsecond


def seconds(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.3f}" for v in values) + "]"


@check("yields 0 … count-1", points=1)
def test_yields_count_ticks(run):
    value = run("collect", interval=0.1, count=5).value()
    values = [k for k, _, _ in value["ticks"]]
    kind = value.get("kind", "async_generator")
    note = "" if kind == "async_generator" else f"ticker(0.1, 5) gave a {kind} object, not an async generator."
    expect(values == list(range(5)), "ticker(0.1, 5) yields 0, 1, 2, 3, 4", expected=list(range(5)),
           observed=values, note=note,
           hint="yield k for k in range(count): exactly count ticks, the first one is 0.")


@check("tick k at start + k × interval", points=2.5)
def test_tick_times(run):
    interval = 0.25
    value = run("collect", interval=interval, count=5).value()
    ticks = value["ticks"]
    late = [(k, t) for k, t, _ in ticks if abs(t - k * interval) > EPS]
    expect(ticks and not late, f"tick k is yielded at k × {interval:g} s after iteration starts (ticker({interval:g}, 5))",
           expected=f"ticks at {seconds([k * interval for k in range(5)])} s",
           observed=f"ticks {[k for k, _, _ in ticks]} at {seconds([t for _, t, _ in ticks])} s",
           hint="tick 0 comes at once; read the loop's time once at the start and sleep until "
                "start + k * interval before yielding k.")
