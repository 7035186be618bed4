"""Uses the blocking sqlite3 module directly inside the coroutines: correct data, but the
event loop is frozen while the database works, and for as long as a statement waits for a
lock another connection holds (up to sqlite3's 5 s timeout)."""

import sqlite3

EXPECTED_TO_FAIL = ["test_loop_responsive_during_batch"]


async def record_visits(db_path, visits):
    con = sqlite3.connect(db_path)
    try:
        with con:
            con.execute("CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)")
            con.executemany("INSERT INTO visits (user, page) VALUES (?, ?)", visits)
    finally:
        con.close()


async def top_pages(db_path, n):
    con = sqlite3.connect(db_path)
    try:
        con.execute("CREATE TABLE IF NOT EXISTS visits (user TEXT NOT NULL, page TEXT NOT NULL)")
        return con.execute(
            "SELECT page, COUNT(*) AS c FROM visits GROUP BY page ORDER BY c DESC, page ASC LIMIT ?", (n,)).fetchall()
    finally:
        con.close()
