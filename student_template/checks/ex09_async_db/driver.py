"""Code the checks of ex09 run inside your process, beside your module (students can read it).

The database file lives where your code runs (the sandbox's own /tmp), out of the
grader's reach, so the scenarios (scenarios.py, run by the grader) ask this code to
make a fresh file, to hold a lock on it as another writer would, and to read back what
your code stored. The grader calls these functions with ``await h.driver.name(...)``;
``student`` is your module. Each function that touches the file does it in a thread of
its own, so it never holds up your event loop.
"""

import asyncio
import os
import sqlite3
import tempfile
import threading

_connect = sqlite3.connect  # taken before your module is imported
student = None  # your module, set by the harness before the first call


def fresh_db() -> str:
    """The path of a new, not yet existing, database file in a folder of its own."""
    return os.path.join(tempfile.mkdtemp(prefix="ex09-", dir=os.getcwd()), "visits.db")


async def read_rows(path: str):
    """The rows of table visits as [user, page] lists, in insertion order (None: no database or no table)."""
    return await _in_thread(_read_rows, path)


async def db_state(path: str) -> dict:
    """What the database holds now: the table and its committed rows, and whether a write is under way."""
    return await _in_thread(_db_state, path)


async def hold_lock(path: str, seconds: float) -> bool:
    """Return once another connection holds an exclusive lock on ``path``; it lets go ``seconds`` later.

    Until then every statement on the database, reads included, waits for the lock (5 s
    at most by default) in the thread that runs it: aiosqlite's thread, a worker thread,
    or, with sqlite3 called in a coroutine, the event loop's thread. False when the lock
    could not be taken within 1 s (a connection of yours still holds the database).
    """
    loop = asyncio.get_running_loop()
    held = loop.create_future()

    def writer() -> None:
        try:
            con = _connect(path, isolation_level=None, timeout=1.0)
        except BaseException as exc:
            loop.call_soon_threadsafe(_settle, held, None, exc)
            return
        try:
            try:
                con.execute("BEGIN EXCLUSIVE")
            except sqlite3.OperationalError:  # "database is locked"
                loop.call_soon_threadsafe(_settle, held, False, None)
                return
            loop.call_soon_threadsafe(_settle, held, True, None)
            threading.Event().wait(seconds)
            con.execute("COMMIT")
        except BaseException as exc:
            loop.call_soon_threadsafe(_settle, held, None, exc)
        finally:
            con.close()

    threading.Thread(target=writer, name="ex09-other-writer", daemon=True).start()
    return await held


def visits_batch(rows: int) -> list:
    """The batch of the responsiveness check: ``rows`` visits of 97 users to 40 pages."""
    return [(f"user{i % 97}", f"/page/{i % 40:02d}") for i in range(rows)]


async def record_batch(path: str, rows: int) -> None:
    """``record_visits(path, visits_batch(rows))``: a batch this large does not travel as one message."""
    await student.record_visits(path, visits_batch(rows))


# -- reading the file -----------------------------------------------------------------------
def _has_table(con) -> bool:
    return con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'visits'").fetchone() is not None


def _read_rows(path: str):
    if not os.path.exists(path):
        return None
    con = _connect(path)
    try:
        if not _has_table(con):
            return None
        return [list(row) for row in con.execute("SELECT user, page FROM visits ORDER BY rowid")]
    finally:
        con.close()


def _db_state(path: str) -> dict:
    state = {"table": False, "rows": None,
             "writing": os.path.exists(path + "-journal") or os.path.exists(path + "-wal")}
    if os.path.exists(path):
        con = _connect(path, timeout=0.2)
        try:
            state["table"] = _has_table(con)
            if state["table"]:
                state["rows"] = con.execute("SELECT COUNT(*) FROM visits").fetchone()[0]
        except sqlite3.OperationalError:  # locked by a writer: a write is under way
            state["writing"] = True
        finally:
            con.close()
    return state


def _settle(future, value, error) -> None:
    if not future.done():
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)


async def _in_thread(fn, *args):
    """``fn(*args)`` in a thread of its own; its value, or raise what it raised."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def work() -> None:
        try:
            value, error = fn(*args), None
        except BaseException as exc:
            value, error = None, exc
        loop.call_soon_threadsafe(_settle, done, value, error)

    threading.Thread(target=work, name="ex09-reader", daemon=True).start()
    return await done
