"""Code the checks of ex16 run in your process, beside your module (``student``).

The world (the grader, outside your process) consumes your ticker itself and stamps each
tick on its own clock; only what it cannot see from outside is looked at here: which
tasks are still running, and a generator dropped without a reference (which only this
process's event loop can close).
"""

import asyncio

student = None  # your module, set by the harness before the first call
# taken before your module is imported:
_all_tasks, _current_task, _sleep = asyncio.all_tasks, asyncio.current_task, asyncio.sleep

_marked: set = set()


def _running_since(before: set) -> list[str]:
    """Names of the tasks not in ``before`` that are still running (the calling task excepted)."""
    me = _current_task()
    names = []
    for task in _all_tasks():
        if task in before or task is me or task.done():
            continue
        coro = task.get_coro()
        name = getattr(coro, "__qualname__", None)
        if name is None:  # e.g. the aclose() of a dropped generator, still running
            name = "the generator's aclose()" if "athrow" in type(coro).__name__ else type(coro).__name__
        names.append(name)
    return names


async def mark_tasks() -> None:
    """Remember the tasks that exist now."""
    _marked.clear()
    _marked.update(_all_tasks())


async def tasks_since_mark() -> list[str]:
    """The tasks started since mark_tasks() that are still running."""
    return _running_since(_marked)


async def break_dropped(interval: float, count: int, stop_after: int):
    """Break out of `async for` over ticker(interval, count) after ``stop_after`` ticks, keeping no
    reference to the generator (the loop closes a dropped generator with aclose() in a new task).
    The ticks it yielded, and the tasks started meanwhile still running 0.001 s after the break."""
    before = set(_all_tasks())
    got = []
    async for k in student.ticker(interval, count):
        got.append(k)
        if len(got) >= stop_after:
            break
    await _sleep(0.001)
    return got, _running_since(before)
