"""Public checks of ex03: students can read and run these."""

from gradekit.grading import calls_timeline, check, concurrent_shape, expect, expect_elapsed

EXERCISE = "ex03_fetch_all"
LATENCIES = {"a": 0.3, "b": 0.1, "c": 0.2}


@check("results keep the order of urls", points=3)
def test_results_in_order(run):
    value = run("fetch_with_latencies", latencies=LATENCIES).value()
    expected = value["expected"]  # per-run tokens: only calling fetch gives them
    expect(value["result"] == expected, "results keep the order of urls", expected=expected,
           observed=value["result"],
           hint="asyncio.gather returns results in the order of its arguments, whatever order they finish in.")


@check("elapsed ≈ the slowest fetch", points=3)
def test_elapsed_is_the_slowest_fetch(run, timeline):
    observation = run("fetch_with_latencies", latencies=LATENCIES)
    value = observation.value()
    timeline(calls_timeline(value["calls"], "fetch(url) calls on the check's clock", label=str,
                            expected=concurrent_shape(LATENCIES)))
    expect_elapsed(value["elapsed"], max(LATENCIES.values()), "elapsed ≈ the slowest fetch (0.3 s)",
                   stalls=observation.stalls,
                   hint="start every fetch before awaiting any of them (asyncio.gather or create_task).")
