"""Orders by count only: pages with equal counts come back in whatever order SQLite likes."""

import aiosqlite

EXPECTED_TO_FAIL = ["test_ties_by_page_and_limit"]


async def record_visits(db_path, visits):
    async with aiosqlite.connect(db_path) as db:
        await db.execute("CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)")
        await db.executemany("INSERT INTO visits (user, page) VALUES (?, ?)", visits)
        await db.commit()


async def top_pages(db_path, n):
    async with aiosqlite.connect(db_path) as db:
        await db.execute("CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)")
        rows = await db.execute_fetchall(
            "SELECT page, COUNT(*) AS c FROM visits GROUP BY page ORDER BY c DESC LIMIT ?", (n,))
    return [tuple(r) for r in rows]
