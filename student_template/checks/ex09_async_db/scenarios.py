"""Scenarios for the public checks of ex09 (run by the grader, on the real clock: aiosqlite works in a thread).

The database file is in a folder of the student's sandbox that the sandbox handed to
the grader before the student's module was imported (``h.folder``). The grader picks
a fresh file name for each database, holds a lock on the file as another writer would,
and reads back what was stored from outside, on a private copy of the file
(:mod:`gradekit.world.sqlite`): what the checks judge is what the file holds, not what
the student's process says it holds.
"""

import asyncio

from gradekit.world import scenario
from gradekit.world.provisions import FileRefused
from gradekit.world.sqlite import Lock, database_of, has_companion, locked_by_others, read_table

LOCK_PATIENCE = 1.0  # seconds the grader tries to lock a database before it gives up
SCHEMA = "CREATE TABLE visits (user TEXT NOT NULL, page TEXT NOT NULL)"


def _fresh(h) -> str:
    """The name of a new, not yet existing, database file in the sandbox's folder."""
    return h.folder.fresh("visits", ".db")


async def _read_rows(h, name: str):
    """The rows of table visits as [user, page] lists, in insertion order (None: no database,
    no table, or a file the grader could not read as one)."""
    snapshot = await asyncio.to_thread(read_table, h.folder, name, "visits", "SELECT user, page FROM visits ORDER BY rowid")
    return None if snapshot.rows is None else [list(row) for row in snapshot.rows]


async def _db_state(h, name: str) -> dict:
    """What the database holds now: the table and its committed rows, and whether a write is under way."""
    writing = has_companion(h.folder, name) or locked_by_others(h.folder, name)
    snapshot = await asyncio.to_thread(read_table, h.folder, name, "visits", "SELECT COUNT(*) FROM visits")
    return {"table": snapshot.rows is not None, "rows": snapshot.rows[0][0] if snapshot.rows else None,
            "writing": writing}


async def _hold_lock(h, name: str) -> Lock | None:
    """An exclusive lock on the database ``name``, as another connection holds it (release it when done),
    or None when it could not be taken within LOCK_PATIENCE s (a connection of the student's holds it)."""
    try:
        lock = Lock(h.folder, name)
    except FileRefused:
        return None
    deadline = h.now() + LOCK_PATIENCE
    while not lock.try_acquire():
        if h.now() >= deadline:
            lock.release()
            return None
        await h.sleep(0.01)
    return lock


def _pairs(result):
    """top_pages' result as JSON-able data: [[page, count], ...] (anything else as its repr)."""
    if not isinstance(result, list):
        return repr(result)[:200]
    return [list(r) if isinstance(r, (tuple, list)) and len(r) == 2 else repr(r)[:100] for r in result]


async def tops_of_stored(h, visits: list, ns: list) -> dict:
    """top_pages(n) for each n, on a database the grader wrote with ``visits`` (so that only
    what top_pages reads from the file can give the right answer)."""
    name = _fresh(h)
    h.folder.write(name, await asyncio.to_thread(database_of, SCHEMA, "INSERT INTO visits VALUES (?, ?)",
                                                 [tuple(v) for v in visits]))
    tops = {}
    for n in ns:
        tops[str(n)] = _pairs(await h.student.top_pages(h.folder.path(name), n))
    return {"tops": tops}


@scenario(clock="real", folder=True)
async def top_of_stored(h, visits: list, ns: list):
    """top_pages(n) for each n, on a database that holds ``visits``."""
    return await tops_of_stored(h, visits, ns)


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


@scenario(clock="real", folder=True)
async def batch_with_busy_database(h, rows: int, n: int, cap: float, hold: float):
    """Another writer holds the database for ``hold`` s while record_visits stores ``rows``
    rows, and again while top_pages reads them back. Whatever waits for its lock waits in
    the thread that runs the statement: with sqlite3 called in a coroutine, the event
    loop's, which the world sees as a stall (observation.stalls). A call not finished
    within ``cap`` s is cancelled: a slow (but non-blocking) solution is judged on the
    stalls seen while it ran."""
    name = _fresh(h)
    path = h.folder.path(name)
    locks = []
    try:
        return await _batch_with_busy_database(h, name, path, rows, n, cap, hold, locks)
    finally:
        for lock in locks:
            lock.release()


async def _held_for(h, name: str, hold: float, locks: list) -> bool:
    """Whether the grader locked ``name``; the lock is let go ``hold`` s later."""
    lock = await _hold_lock(h, name)
    if lock is None:
        return False
    locks.append(lock)
    asyncio.get_running_loop().call_later(hold, lock.release)
    return True


async def _batch_with_busy_database(h, name, path, rows, n, cap, hold, locks):
    if not await _held_for(h, name, hold, locks):
        raise RuntimeError("the check could not lock its own new database file")
    finished, seconds, job = await _bounded(h, h.driver.record_batch(path, rows), cap)
    result = {"rows": rows, "hold": hold, "finished": finished, "record_seconds": seconds, "raised": None}
    if not finished:
        result["state"] = await _db_state(h, name)  # the work was under way
        await _cancel(job)
        return result
    if _error(job) is not None:
        if isinstance(_error(job), NotImplementedError):
            raise _error(job)  # the stub: reported as "not written yet"
        result["raised"] = h.describe(_error(job))
        return result
    result["state"] = await _db_state(h, name)
    result["top_held"] = await _held_for(h, name, hold, locks)  # False: record_visits left it locked
    finished, seconds, job = await _bounded(h, h.student.top_pages(path, n), cap)
    result.update(top_finished=finished, top_seconds=seconds)
    if not finished:
        await _cancel(job)
    elif isinstance(_error(job), NotImplementedError):
        raise _error(job)
    elif _error(job) is not None:
        result["raised"] = h.describe(_error(job))
    return result
