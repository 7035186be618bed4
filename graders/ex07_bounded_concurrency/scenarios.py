"""Scenarios for the hidden checks of ex07 (run by the world)."""

from asyncio import wait_for

from gradekit.world import Outcome, scenario

#: How long (seconds on the world's virtual clock) a call with a bad limit may take before it counts as hung.
HANG_AFTER = 10.0


@scenario
async def fetch_urls(h, latencies: list[float], limit: int):
    urls = [f"u{i}" for i in range(len(latencies))]
    table = dict(zip(urls, latencies))
    fetch, record = h.fake(lambda url: Outcome(latency=table[url], value=h.token(url)))
    result = await h.student.fetch_limited(urls, fetch, limit)
    return {"result": result, "expected": [h.token(u) for u in urls], "elapsed": h.elapsed(), **record.summary()}


@scenario(limit=3 * HANG_AFTER)
async def bad_limits(h, limits: list[int]):
    outcomes = []
    for limit in limits:
        fetch, record = h.fake(Outcome(latency=0.1, value=h.token("x")))
        try:
            # On timeout the world cancels the student's call (and waits until it has ended).
            value = await wait_for(h.student.fetch_limited(["a", "b", "c"], fetch, limit), HANG_AFTER)
        except TimeoutError:
            outcomes.append({"limit": limit, "outcome": "hung", "waited": HANG_AFTER})
        except NotImplementedError:
            raise  # the stub: let the harness say "not written yet"
        except ValueError:
            outcomes.append({"limit": limit, "outcome": "ValueError"})
        except Exception as exc:  # noqa: BLE001 - reported to the check as data
            outcomes.append({"limit": limit, "outcome": "raised", "error": h.describe(exc)})
        else:
            outcomes.append({"limit": limit, "outcome": "returned", "value": repr(value)[:200],
                             "fetches": len(record.calls)})
    return outcomes
