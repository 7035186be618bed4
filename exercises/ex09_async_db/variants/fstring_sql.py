"""Builds the INSERT with an f-string: quotes in a value break the SQL (or inject it), and a
None page is stored as the text 'None' instead of being refused."""

import aiosqlite

EXPECTED_TO_FAIL = ["test_values_stored_as_data", "test_failed_batch_writes_nothing"]


async def record_visits(db_path, visits):
    async with aiosqlite.connect(db_path) as db:
        await db.execute("CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)")
        for user, page in visits:
            await db.execute(f"INSERT INTO visits (user, page) VALUES ('{user}', '{page}')")
        await db.commit()


async def top_pages(db_path, n):
    async with aiosqlite.connect(db_path) as db:
        await db.execute("CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)")
        rows = await db.execute_fetchall(
            f"SELECT page, COUNT(*) FROM visits GROUP BY page ORDER BY COUNT(*) DESC, page LIMIT {n}")
    return [tuple(r) for r in rows]
