import aiosqlite

CREATE_TABLE = "CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)"


async def record_visits(db_path: str, visits: list[tuple[str, str]]) -> None:
    async with aiosqlite.connect(db_path) as db:
        await db.execute(CREATE_TABLE)
        try:
            await db.executemany("INSERT INTO visits (user, page) VALUES (?, ?)", visits)
        except BaseException:
            await db.rollback()
            raise
        await db.commit()


async def top_pages(db_path: str, n: int) -> list[tuple[str, int]]:
    async with aiosqlite.connect(db_path) as db:
        await db.execute(CREATE_TABLE)
        cursor = await db.execute(
            "SELECT page, COUNT(*) AS hits FROM visits GROUP BY page ORDER BY hits DESC, page ASC LIMIT ?",
            (n,),
        )
        rows = await cursor.fetchall()
        await cursor.close()
    return [(page, hits) for page, hits in rows]
