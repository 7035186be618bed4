from collections import Counter

from gradekit.grading import calls_timeline, check, concurrent_shape, durations, expect

EXERCISE = "ex03_fetch_all"


@check("each url fetched once per occurrence", points=2)
def test_once_per_occurrence(run):
    urls = ["a", "b", "a", "c", "a"]
    value = run("fetch_urls", urls=urls, latency=0.1).value()
    fetched = Counter(c["key"] for c in value["calls"])
    expect(fetched == Counter(urls), "each url fetched once per occurrence", expected=dict(Counter(urls)),
           observed=dict(fetched), hint="call fetch exactly once for each item of urls, duplicates included.")


@check("all fetches in flight at once", points=2)
def test_all_fetches_in_flight(run, timeline):
    urls = [f"u{i}" for i in range(12)]
    value = run("fetch_urls", urls=urls, latency=0.5).value()
    # Neutral labels; a correct run's shape is the student's own calls, started together.
    timeline(calls_timeline(value["calls"], "fetch(url) calls on the check's clock",
                            expected=concurrent_shape(durations(value["calls"]))))
    expect(value["peak"] == len(urls), f"all {len(urls)} fetches in flight at once", expected=len(urls),
           observed=value["peak"], hint="create every fetch's task first, then await them together.")
