"""ex09_async_db — asyncio with a database (aiosqlite).

Write ``record_visits`` and ``top_pages`` on top of ``aiosqlite`` without ever
blocking the event loop. See tasks/ex09_async_db.md for the full statement.
"""


async def record_visits(db_path: str, visits: list[tuple[str, str]]) -> None:
    """Store every ``(user, page)`` pair of ``visits`` in the table
    ``visits(user TEXT NOT NULL, page TEXT NOT NULL)`` of the SQLite database at
    ``db_path``, creating the table if it is missing.

    All the rows of one call are written in one transaction: if any row cannot
    be stored, the call raises and none of its rows is written. Values are data,
    never SQL: use parameters (``?``), never string formatting.
    """
    raise NotImplementedError("ex09: store the visits with aiosqlite, in one transaction, with ? parameters")


async def top_pages(db_path: str, n: int) -> list[tuple[str, int]]:
    """The ``n`` most visited pages as ``(page, count)`` tuples, by count
    descending, then by page ascending when counts are equal."""
    raise NotImplementedError("ex09: count visits per page with GROUP BY, ORDER BY count DESC, page ASC, LIMIT n")
