"""Scenarios for the hidden checks of ex01."""

import asyncio
import inspect

from gradekit.harness import scenario


@scenario
async def hello_beside_ticker(h, delay: float, tick: float):
    """Run hello_world(delay) while another task on the same loop ticks every ``tick`` s."""
    ticks = []

    async def ticker():
        while True:
            await h.sleep(tick)
            ticks.append(h.elapsed())

    other = asyncio.get_running_loop().create_task(ticker())
    await h.student.hello_world(delay)
    end = h.elapsed()
    other.cancel()
    await asyncio.wait({other})
    with_ticks = [0.0] + [t for t in ticks if t <= end + 1e-6] + [end]
    gaps = [b - a for a, b in zip(with_ticks, with_ticks[1:])]
    return {"elapsed": end, "ticks": len(with_ticks) - 2, "longest_pause": round(max(gaps), 6)}


@scenario
def main_without_loop(h):
    """Call main() in a plain program with no current event loop set (as Python 3.14 has)."""
    asyncio.set_event_loop(None)
    state = {"started": 0, "finished": 0}
    original = h.student.hello_world

    async def hello_world(*args, **kwargs):
        state["started"] += 1
        result = await original(*args, **kwargs)
        state["finished"] += 1
        return result

    h.student.hello_world = hello_world
    error = None
    returned_coroutine = False
    try:
        result = h.student.main()
        if inspect.iscoroutine(result):
            returned_coroutine = True
            result.close()
    except NotImplementedError:
        raise  # the stub: let the kit say "not written yet"
    except Exception as exc:
        error = h.describe(exc)
    finally:
        h.student.hello_world = original
    return {**state, "error": error, "returned_coroutine": returned_coroutine, "elapsed": h.elapsed()}
