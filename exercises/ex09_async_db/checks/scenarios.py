"""Scenarios for the public checks of ex09 (run by the grader, on the real clock: aiosqlite works in a thread).

The database file is in the student's sandbox, out of the grader's reach: driver.py,
run there beside the student's module, makes a fresh file for each scenario
(``h.driver.fresh_db``), holds a lock on it as another writer would
(``h.driver.hold_lock``) and reads back what was stored (``h.driver.read_rows``,
``h.driver.db_state``).
"""

import asyncio

from gradekit.world import scenario


def _pairs(result):
    """top_pages' result as JSON-able data: [[page, count], ...] (anything else as its repr)."""
    if not isinstance(result, list):
        return repr(result)[:200]
    return [list(r) if isinstance(r, (tuple, list)) and len(r) == 2 else repr(r)[:100] for r in result]


async def tops_after_record(h, visits: list, ns: list) -> dict:
    """record_visits once on a fresh database, then top_pages(n) for each n."""
    path = await h.driver.fresh_db()
    await h.student.record_visits(path, [tuple(v) for v in visits])
    tops = {}
    for n in ns:
        tops[str(n)] = _pairs(await h.student.top_pages(path, n))
    return {"tops": tops}


@scenario(clock="real")
async def record_then_top(h, visits: list, ns: list):
    """record_visits once on a fresh database, then top_pages(n) for each n."""
    return await tops_after_record(h, visits, ns)


async def _bounded(h, call, cap: float):
    """(finished, seconds, the call's task) of ``call`` given ``cap`` seconds; an unfinished call is cancelled."""
    started = h.now()
    task = asyncio.get_running_loop().create_task(call)
    done, _ = await asyncio.wait({task}, timeout=cap)
    seconds = round(h.now() - started, 3)
    return bool(done), seconds, task


def _error(task) -> BaseException | None:
    """What a finished call raised (its own CancelledError included), or None."""
    return asyncio.CancelledError("the call was cancelled") if task.cancelled() else task.exception()


async def _cancel(task) -> None:
    task.cancel()
    await asyncio.wait({task}, timeout=1.0)
    if task.done() and not task.cancelled():
        task.exception()  # retrieved: how it ended no longer matters


@scenario(clock="real")
async def batch_with_busy_database(h, rows: int, n: int, cap: float, hold: float):
    """Another writer holds the database for ``hold`` s while record_visits stores ``rows``
    rows, and again while top_pages reads them back. Whatever waits for its lock waits in
    the thread that runs the statement: with sqlite3 called in a coroutine, the event
    loop's, which the world sees as a stall (observation.stalls). A call not finished
    within ``cap`` s is cancelled: a slow (but non-blocking) solution is judged on the
    stalls seen while it ran."""
    path = await h.driver.fresh_db()
    if not await h.driver.hold_lock(path, hold):
        raise RuntimeError("the check could not lock its own new database file")
    finished, seconds, job = await _bounded(h, h.driver.record_batch(path, rows), cap)
    result = {"rows": rows, "hold": hold, "finished": finished, "record_seconds": seconds, "raised": None}
    if not finished:
        result["state"] = await h.driver.db_state(path)  # the work was under way
        await _cancel(job)
        return result
    if _error(job) is not None:
        if isinstance(_error(job), NotImplementedError):
            raise _error(job)  # the stub: reported as "not written yet"
        result["raised"] = h.describe(_error(job))
        return result
    result["state"] = await h.driver.db_state(path)
    result["top_held"] = await h.driver.hold_lock(path, hold)  # False: record_visits left it locked
    finished, seconds, job = await _bounded(h, h.student.top_pages(path, n), cap)
    result.update(top_finished=finished, top_seconds=seconds)
    if not finished:
        await _cancel(job)
    elif isinstance(_error(job), NotImplementedError):
        raise _error(job)
    elif _error(job) is not None:
        result["raised"] = h.describe(_error(job))
    return result
