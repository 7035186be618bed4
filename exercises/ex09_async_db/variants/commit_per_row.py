"""Commits after every row: a failing row leaves the earlier rows of the batch written."""

import aiosqlite

EXPECTED_TO_FAIL = ["test_failed_batch_writes_nothing"]


async def record_visits(db_path, visits):
    async with aiosqlite.connect(db_path) as db:
        await db.execute("CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)")
        for user, page in visits:
            await db.execute("INSERT INTO visits (user, page) VALUES (?, ?)", (user, page))
            await db.commit()


async def top_pages(db_path, n):
    async with aiosqlite.connect(db_path) as db:
        await db.execute("CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)")
        rows = await db.execute_fetchall(
            "SELECT page, COUNT(*) AS c FROM visits GROUP BY page ORDER BY c DESC, page ASC LIMIT ?", (n,))
    return [tuple(r) for r in rows]
