"""Scenarios for the public checks of ex09 (run in the sandbox, on the real clock).

Each scenario works on a fresh SQLite file in the check's own temporary folder.
"""

import asyncio
import os
import sqlite3
import tempfile
import threading

from gradekit.harness import scenario

_connect = sqlite3.connect  # captured before the student's module is imported
_MAIN_THREAD = threading.main_thread().ident
HEARTBEAT = 0.01


def _fresh_db(h) -> str:
    return os.path.join(tempfile.mkdtemp(prefix="ex09-", dir=h.workspace), "visits.db")


def _pairs(result):
    """top_pages' result as JSON-able data: [[page, count], ...] (anything else as its repr)."""
    if not isinstance(result, list):
        return repr(result)[:200]
    return [list(r) if isinstance(r, (tuple, list)) and len(r) == 2 else repr(r)[:100] for r in result]


class LoopThreadSQL:
    """Counts SQL statements run with the blocking sqlite3 module on the event loop's thread."""

    def __init__(self) -> None:
        self.active = False
        self.connects = 0
        self.statements = 0
        self.sample = ""

    def _trace(self, statement: str) -> None:
        if self.active and threading.get_ident() == _MAIN_THREAD:
            self.statements += 1
            if not self.sample:
                self.sample = " ".join(str(statement).split())[:80]

    def install(self, student) -> None:
        original = sqlite3.connect

        def connect(*args, **kwargs):
            con = original(*args, **kwargs)
            if self.active and threading.get_ident() == _MAIN_THREAD:
                self.connects += 1
                con.set_trace_callback(self._trace)
            return con

        sqlite3.connect = connect
        if vars(student).get("connect") is original:  # from sqlite3 import connect
            student.connect = connect

    def summary(self) -> dict:
        return {"connects": self.connects, "statements": self.statements, "sample": self.sample}


def stored_rows(path: str) -> int | None:
    """How many rows table visits holds, read with the grader's own sqlite3 (None: no database or no table)."""
    if not os.path.exists(path):
        return None
    con = _connect(path)
    try:
        if con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'visits'").fetchone() is None:
            return None
        return con.execute("SELECT COUNT(*) FROM visits").fetchone()[0]
    finally:
        con.close()


async def tops_after_record(h, visits: list, ns: list) -> dict:
    """record_visits once on a fresh database, then top_pages(n) for each n."""
    path = _fresh_db(h)
    await h.student.record_visits(path, [tuple(v) for v in visits])
    tops = {}
    for n in ns:
        tops[str(n)] = _pairs(await h.student.top_pages(path, n))
    return {"tops": tops}


@scenario(clock="real")
async def record_then_top(h, visits: list, ns: list):
    """record_visits once on a fresh database, then top_pages(n) for each n."""
    return await tops_after_record(h, visits, ns)


@scenario(clock="real")
async def batch_heartbeat(h, rows: int, n: int, cap: float):
    """A heartbeat task ticks every 10 ms while record_visits stores ``rows`` rows
    and top_pages reads them back; report the longest gap between ticks."""
    path = _fresh_db(h)
    visits = [(f"user{i % 97}", f"/page/{i % 40:02d}") for i in range(rows)]
    watch = LoopThreadSQL()
    watch.install(h.student)
    ticks = {"count": 0, "max_gap": 0.0}

    async def heartbeat():
        last = h.now()
        while True:
            await h.sleep(HEARTBEAT)
            now = h.now()
            ticks["count"] += 1
            ticks["max_gap"] = max(ticks["max_gap"], now - last)
            last = now

    async def work():
        await h.student.record_visits(path, visits)
        return await h.student.top_pages(path, n)

    beat = asyncio.get_running_loop().create_task(heartbeat())
    await h.sleep(2 * HEARTBEAT)
    watch.active = True
    started = h.now()
    job = asyncio.get_running_loop().create_task(work())
    done, _ = await asyncio.wait({job}, timeout=cap)
    watch.active = False
    duration = h.now() - started
    beat.cancel()
    result = {"finished": bool(done), "duration": round(duration, 3), "max_gap": round(ticks["max_gap"], 3),
              "ticks": ticks["count"], "sql_on_loop": watch.summary(), "raised": None, "top": None}
    if not done:
        job.cancel()  # a slow (but non-blocking) solution: responsiveness is judged on what was seen
        result["db_created"] = os.path.exists(path)  # the work was under way
    elif isinstance(job.exception(), NotImplementedError):
        raise job.exception()  # the stub: reported as "not written yet"
    elif job.exception() is not None:
        result["raised"] = h.describe(job.exception())
    else:
        result["top"] = _pairs(job.result())
        result["stored"] = stored_rows(path)
    return result
