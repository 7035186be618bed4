"""Scenarios for the hidden checks of ex09 (run by the grader, on the real clock: aiosqlite works in a thread).

``tops_of_stored``, ``_fresh`` and ``_read_rows`` come from the public scenarios
(exercises/ex09_async_db/checks/scenarios.py): each database is a fresh file in the
sandbox's folder the grader holds, read back by the grader from outside.
"""

import asyncio

from gradekit.world import public_scenarios
from gradekit.world import scenario

_public = public_scenarios(__file__)
tops_of_stored = _public.tops_of_stored
_fresh = _public._fresh
_read_rows = _public._read_rows


@scenario(clock="real", folder=True)
async def top_of_stored(h, visits: list, ns: list):
    """top_pages(n) for each n, on a database that holds ``visits``."""
    return await tops_of_stored(h, visits, ns)


@scenario(clock="real", folder=True)
async def record_and_read_back(h, batches: list, concurrent: bool = False):
    """record_visits once per batch (one after the other, or all at once with gather) on a
    fresh database; report what each call did and the rows the table holds afterwards."""
    name = _fresh(h)
    path = h.folder.path(name)
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
    return {"raised": outcomes, "rows": await _read_rows(h, name)}


@scenario(clock="real", folder=True)
async def batches_apart(h, batches: list):
    """record_visits once per batch, each on a fresh database of its own; report, per batch,
    what the call did and the rows its table holds afterwards."""
    results = []
    for batch in batches:
        name = _fresh(h)
        path = h.folder.path(name)
        try:
            await h.student.record_visits(path, [tuple(v) for v in batch])
            raised = None
        except NotImplementedError:
            raise  # the stub: reported as "not written yet"
        except Exception as exc:
            raised = h.describe(exc)
        results.append({"raised": raised, "rows": await _read_rows(h, name)})
    return results
