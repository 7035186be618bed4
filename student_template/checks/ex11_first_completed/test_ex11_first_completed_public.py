"""Public checks of ex11: students can read and run these."""

from gradekit.grading import bar, calls_timeline, check, expect, expect_elapsed

EXERCISE = "ex11_first_completed"
LATENCIES = {"slow": 0.5, "quick": 0.1, "medium": 0.3}


@check("returns the fastest mirror's result", points=1)
def test_returns_fastest_result(run):
    value = run("race", latencies=LATENCIES).value()
    expected = value["answers"]["quick"]  # a per-run token: only fetch("quick") gives it
    expect(value["result"] == expected, "returns the fastest mirror's result",
           expected=f"{expected!r} (what fetch('quick') returned)", observed=repr(value["result"]),
           hint="start every fetch as a task, then take the first one to finish (asyncio.wait with FIRST_COMPLETED).")


@check("returns at ≈ the fastest latency", points=2)
def test_returns_at_fastest_latency(run, timeline):
    observation = run("race", latencies=LATENCIES)
    value = observation.value()
    first = min(LATENCIES.values())
    timeline(calls_timeline(
        value["calls"], "fastest() and its fetch(mirror) calls on the check's clock", label=str,
        function=bar("fastest()", 0.0, value["elapsed"]),
        expected=[bar("fastest()", 0.0, first)] + [bar(m, 0.0, first, "ok" if t == first else "cancelled")
                                                  for m, t in LATENCIES.items()]))
    expect_elapsed(value["elapsed"], min(LATENCIES.values()), "returns at ≈ the fastest latency (0.1 s)",
                   stalls=observation.stalls,
                   hint="do not wait for every mirror: return as soon as the first fetch succeeds "
                        "(asyncio.wait(..., return_when=FIRST_COMPLETED) or asyncio.as_completed).")
