"""Scenarios for the hidden checks of ex09 (real clock: aiosqlite works in a thread).

``_connect`` (sqlite3.connect, captured before the student's module is imported),
``_fresh_db`` and ``tops_after_record`` come from the public scenarios
(exercises/ex09_async_db/checks/scenarios.py).
"""

import asyncio
import os

from gradekit.harness import public_scenarios, scenario

_public = public_scenarios(__file__)
_connect = _public._connect
_fresh_db = _public._fresh_db
tops_after_record = _public.tops_after_record


def _read_back(path: str):
    """The rows of table visits, read with the grader's own sqlite3 (None if there is no such table)."""
    if not os.path.exists(path):
        return None
    con = _connect(path)
    try:
        found = con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'visits'").fetchone()
        if found is None:
            return None
        return [list(row) for row in con.execute("SELECT user, page FROM visits ORDER BY rowid")]
    finally:
        con.close()


@scenario(clock="real")
async def record_then_top(h, visits: list, ns: list):
    """record_visits once on a fresh database, then top_pages(n) for each n."""
    return await tops_after_record(h, visits, ns)


@scenario(clock="real")
async def record_and_read_back(h, batches: list, concurrent: bool = False):
    """record_visits once per batch (one after the other, or all at once with gather) on a
    fresh database; report what each call did and the rows the table holds afterwards."""
    path = _fresh_db(h)
    calls = [[tuple(v) for v in batch] for batch in batches]
    outcomes = []
    if concurrent:
        results = await asyncio.gather(*(h.student.record_visits(path, c) for c in calls), return_exceptions=True)
        for r in results:
            if isinstance(r, NotImplementedError):
                raise r  # the stub: reported as "not written yet"
        outcomes = [h.describe(r) if isinstance(r, BaseException) else None for r in results]
    else:
        for c in calls:
            try:
                await h.student.record_visits(path, c)
                outcomes.append(None)
            except NotImplementedError:
                raise  # the stub: reported as "not written yet"
            except Exception as exc:
                outcomes.append(h.describe(exc))
    return {"raised": outcomes, "rows": _read_back(path)}


@scenario(clock="real")
async def batches_apart(h, batches: list):
    """record_visits once per batch, each on a fresh database of its own; report, per batch,
    what the call did and the rows its table holds afterwards."""
    results = []
    for batch in batches:
        path = _fresh_db(h)
        try:
            await h.student.record_visits(path, [tuple(v) for v in batch])
            raised = None
        except NotImplementedError:
            raise  # the stub: reported as "not written yet"
        except Exception as exc:
            raised = h.describe(exc)
        results.append({"raised": raised, "rows": _read_back(path)})
    return results
