"""The standard sqlite3 module, run in a worker thread with asyncio.to_thread."""

import asyncio
import sqlite3

CREATE_TABLE = "CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)"


def _record(db_path, visits):
    con = sqlite3.connect(db_path)
    try:
        with con:  # commits on success, rolls back if anything raises
            con.execute(CREATE_TABLE)
            con.executemany("INSERT INTO visits (user, page) VALUES (?, ?)", visits)
    finally:
        con.close()


def _top(db_path, n):
    con = sqlite3.connect(db_path)
    try:
        con.execute(CREATE_TABLE)
        return con.execute(
            "SELECT page, COUNT(*) FROM visits GROUP BY page ORDER BY COUNT(*) DESC, page LIMIT ?", (n,)
        ).fetchall()
    finally:
        con.close()


async def record_visits(db_path, visits):
    await asyncio.to_thread(_record, db_path, list(visits))


async def top_pages(db_path, n):
    return await asyncio.to_thread(_top, db_path, n)
