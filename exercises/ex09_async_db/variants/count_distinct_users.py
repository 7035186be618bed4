"""Counts distinct visitors (COUNT(DISTINCT user)) instead of visits: a page that one user
visited twice is counted once, so the most visited pages and their counts come out wrong."""

import aiosqlite

EXPECTED_TO_FAIL = ["test_top_pages_counts"]

CREATE_TABLE = "CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)"


async def record_visits(db_path, visits):
    async with aiosqlite.connect(db_path) as db:
        await db.execute(CREATE_TABLE)
        try:
            await db.executemany("INSERT INTO visits (user, page) VALUES (?, ?)", visits)
        except BaseException:
            await db.rollback()
            raise
        await db.commit()


async def top_pages(db_path, n):
    async with aiosqlite.connect(db_path) as db:
        await db.execute(CREATE_TABLE)
        rows = await db.execute_fetchall(
            "SELECT page, COUNT(DISTINCT user) AS hits FROM visits GROUP BY page "
            "ORDER BY hits DESC, page ASC LIMIT ?", (n,))
    return [(page, hits) for page, hits in rows]
