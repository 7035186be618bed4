"""Scenarios for the hidden checks of ex01 (run by the world).

The ticker and the "no current event loop" set-up live in the public
``exercises/ex01_hello_loop/checks/driver.py`` (they must run in the student's process);
every tick and every write is stamped here, on the world's clock.
"""

from gradekit.world import public_scenarios
from gradekit.world import Outcome, scenario
from gradekit.world.remote import RemoteHandle

_public = public_scenarios(__file__)
printed_at = _public.printed_at


@scenario
async def hello_beside_ticker(h, delay: float, tick: float):
    """hello_world(delay) while another task on the student's loop calls a fake every ``tick`` s."""
    ticked, record = h.fake(Outcome())
    await h.driver.hello_beside_ticker(delay, tick, ticked)
    end = h.elapsed()
    ticks = [c["started"] for c in record.summary()["calls"]]
    with_ticks = [0.0] + [t for t in ticks if t <= end + 1e-6] + [end]
    gaps = [b - a for a, b in zip(with_ticks, with_ticks[1:])]
    return {"elapsed": end, "ticks": len(with_ticks) - 2, "longest_pause": round(max(gaps), 6)}


@scenario(outside_loop=True)
async def main_without_loop(h):
    """main() in a plain program (no loop running, none set); what it printed, seen by the world."""
    error = None
    returned = None
    try:
        result = await h.driver.main_without_loop()
    except NotImplementedError:
        raise  # the stub: let the kit say "not written yet"
    except Exception as exc:
        error = h.describe(exc)
    else:
        if result is not None:
            returned = result.type_name if isinstance(result, RemoteHandle) else type(result).__name__
    return {"error": error, "returned": returned, "words": h.stdout.split(), "printed_at": printed_at(h.writes),
            "elapsed": h.elapsed()}
