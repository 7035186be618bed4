"""aiosqlite in autocommit mode with an explicit BEGIN / COMMIT / ROLLBACK."""

import aiosqlite


async def record_visits(db_path, visits):
    db = await aiosqlite.connect(db_path, isolation_level=None)
    try:
        await db.execute("CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)")
        await db.execute("BEGIN IMMEDIATE")
        try:
            await db.executemany("INSERT INTO visits VALUES (:user, :page)",
                                 ({"user": user, "page": page} for user, page in visits))
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        await db.execute("COMMIT")
    finally:
        await db.close()


async def top_pages(db_path, n):
    async with aiosqlite.connect(db_path) as db:
        cursor = await db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'visits'")
        if await cursor.fetchone() is None:
            return []
        rows = await db.execute_fetchall(
            "SELECT page, COUNT(*) AS c FROM visits GROUP BY page ORDER BY c DESC, page ASC")
    return [tuple(row) for row in rows][:n]
