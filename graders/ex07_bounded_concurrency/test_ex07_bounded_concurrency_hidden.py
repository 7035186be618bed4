from gradekit.grading import calls_timeline, check, durations, expect, expect_happened, limited_shape

EXERCISE = "ex07_bounded_concurrency"
EPS = 1e-6


def limited_timeline(value: dict, count: int, limit: int) -> dict:
    """The fetches, named by the url's place in the list (neutral), beside `limit` at a time in that order.

    The correct run's shape is built from how long the student's own fetches took (nothing hidden)."""
    names = {f"u{i}": f"url {i + 1}" for i in range(count)}
    took = dict(durations(value["calls"], names))
    in_order = [(name, took[name]) for name in names.values() if name in took]
    shape = limited_shape(in_order, limit) if len(in_order) == count else None
    return calls_timeline(value["calls"], f"fetch(url) calls with limit {limit} on the check's clock", label=names,
                          expected=shape)


def expect_every_url_fetched(value: dict, count: int, prop: str) -> None:
    """How many fetches ran at once means something only once every url was fetched."""
    fetched = {c["key"] for c in value["calls"]}
    expect_happened(fetched >= {f"u{i}" for i in range(count)}, prop,
                    needs=f"fetch_limited fetches all {count} urls", observed=f"{len(fetched)} url(s) fetched",
                    hint="call fetch(url) for every url (and await it), at most `limit` at a time.")


@check("never more than limit fetches in flight", points=3)
def test_never_more_than_limit(run, timeline):
    limit = 3
    latencies = [0.4, 0.1, 0.3, 0.2, 0.5, 0.1, 0.2, 0.3, 0.1, 0.4]
    value = run("fetch_urls", latencies=latencies, limit=limit).value()
    timeline(limited_timeline(value, len(latencies), limit))
    prop = f"never more than limit={limit} fetches in flight ({len(latencies)} urls)"
    expect_every_url_fetched(value, len(latencies), prop)
    expect(value["peak"] <= limit, prop,
           expected=f"at most {limit} at once", observed=f"{value['peak']} at once",
           hint="the semaphore must be held for the whole fetch: `async with semaphore: return await fetch(url)` "
                "inside the coroutine that does the fetch, not around creating the task.")


@check("exactly limit fetches in flight when there is enough work", points=1)
def test_limit_reached(run, timeline):
    limit = 4
    value = run("fetch_urls", latencies=[0.5] * 10, limit=limit).value()
    timeline(limited_timeline(value, 10, limit))
    expect(value["peak"] >= limit, f"the limit is used: {limit} fetches in flight at once (10 urls, limit {limit})",
           expected=f"{limit} at once", observed=f"at most {value['peak']} at once",
           hint=f"start every fetch concurrently and let asyncio.Semaphore({limit}) (or {limit} workers) "
                "hold them back; awaiting one fetch after the other uses a single slot.")


@check("a freed slot is reused at once", points=1)
def test_freed_slot_reused(run, timeline):
    limit = 3
    latencies = [0.5, 0.1, 0.2, 0.4, 0.1, 0.3, 0.2, 0.1]
    value = run("fetch_urls", latencies=latencies, limit=limit).value()
    timeline(limited_timeline(value, len(latencies), limit))
    expect_every_url_fetched(value, len(latencies), "when a fetch finishes, the next url starts at once")
    calls, peak = value["calls"], value["peak"]
    for finished in sorted(c["ended"] for c in calls if c["ended"] is not None):
        waiting = sum(1 for c in calls if c["started"] > finished + EPS)
        if not waiting:
            break
        inflight = sum(1 for c in calls
                       if c["started"] <= finished + EPS and (c["ended"] is None or c["ended"] > finished + EPS))
        expect(inflight >= peak, "when a fetch finishes, the next url starts at once (unequal latencies)",
               expected=f"{peak} fetches in flight again right after {finished:.3f} s",
               observed=f"only {inflight} in flight while {waiting} urls still waited",
               hint="don't wait for a whole batch to finish: with a Semaphore (or a pool of workers that each "
                    "take the next url when done), a new fetch starts as soon as any fetch ends.")


@check("limit < 1 raises ValueError", points=1)
def test_limit_below_one_raises(run):
    outcomes = run("bad_limits", limits=[0, -2]).value()
    for outcome in outcomes:
        limit = outcome["limit"]
        if outcome["outcome"] == "ValueError":
            continue
        if outcome["outcome"] == "hung":
            observed = f"the call never returned (gave up after {outcome['waited']:g} s)"
        elif outcome["outcome"] == "returned":
            observed = f"it returned {outcome['value']}"
        else:
            error = outcome["error"]
            observed = f"it raised {error['type']}: {error['message']}"
        expect(False, f"fetch_limited(urls, fetch, limit={limit}) raises ValueError", expected="ValueError",
               observed=observed,
               hint="check the argument first: `if limit < 1: raise ValueError(...)`; "
                    "asyncio.Semaphore(0) never lets anyone in, so the fetches would wait forever.")
