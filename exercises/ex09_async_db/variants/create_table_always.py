"""CREATE TABLE without IF NOT EXISTS: the first call works, every later call (or a second
call running at the same time) fails with "table visits already exists"."""

import aiosqlite

EXPECTED_TO_FAIL = ["test_second_call_appends", "test_concurrent_calls_persist"]


async def record_visits(db_path, visits):
    async with aiosqlite.connect(db_path) as db:
        await db.execute("CREATE TABLE visits (user TEXT NOT NULL, page TEXT NOT NULL)")
        await db.executemany("INSERT INTO visits (user, page) VALUES (?, ?)", visits)
        await db.commit()


async def top_pages(db_path, n):
    async with aiosqlite.connect(db_path) as db:
        rows = await db.execute_fetchall(
            "SELECT page, COUNT(*) AS c FROM visits GROUP BY page ORDER BY c DESC, page ASC LIMIT ?", (n,))
    return [tuple(r) for r in rows]
