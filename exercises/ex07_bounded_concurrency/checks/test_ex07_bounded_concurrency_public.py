"""Public checks of ex07: students can read and run these."""

import math

from gradekit.grading import calls_timeline, check, expect, expect_elapsed, limited_shape

EXERCISE = "ex07_bounded_concurrency"


@check("results keep the order of urls", points=2)
def test_results_in_order(run):
    latencies = {"a": 0.5, "b": 0.1, "c": 0.3, "d": 0.2, "e": 0.4}
    value = run("fetch_with_latencies", latencies=latencies, limit=2).value()
    expected = value["expected"]  # per-run tokens: only calling fetch gives them
    expect(value["result"] == expected, "results keep the order of urls (limit 2, unequal latencies)",
           expected=expected, observed=value["result"],
           hint="asyncio.gather returns results in the order of its arguments, whatever order they finish in; "
                "a worker pool can store each result at its url's index.")


@check("elapsed ≈ ceil(n / limit) × latency", points=2)
def test_elapsed_equal_latencies(run, timeline):
    n, limit, latency = 7, 3, 1.0
    latencies = {f"u{i}": latency for i in range(n)}
    observation = run("fetch_with_latencies", latencies=latencies, limit=limit)
    value = observation.value()
    timeline(calls_timeline(value["calls"], f"fetch(url) calls with limit {limit} on the check's clock", label=str,
                            expected=limited_shape(latencies, limit)))
    target = math.ceil(n / limit) * latency
    expect_elapsed(value["elapsed"], target,
                   f"{n} fetches of {latency:g} s with limit {limit} take ceil({n}/{limit}) × {latency:g} s",
                   stalls=observation.stalls,
                   hint=f"your code had up to {value['peak']} fetches in flight at once; "
                        f"keep exactly {limit} running: wrap each fetch in `async with semaphore:` "
                        f"(asyncio.Semaphore({limit})) and start them all with gather; fewer is too slow, "
                        "more breaks the limit.")
