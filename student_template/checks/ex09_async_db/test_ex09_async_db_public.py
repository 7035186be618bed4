"""Public checks of ex09: students can read and run these."""

from gradekit.grading import check, expect, expect_happened, expect_responsive

EXERCISE = "ex09_async_db"

VISITS = [("ann", "/home"), ("bob", "/docs"), ("ann", "/blog"), ("cy", "/home"), ("bob", "/home"),
          ("dee", "/about"), ("cy", "/docs"), ("ann", "/home"), ("eve", "/blog"), ("dee", "/docs"),
          ("bob", "/home")]


@check("top_pages returns the most visited pages with their counts", points=2)
def test_top_pages_counts(run):
    value = run("record_then_top", visits=VISITS, ns=[3]).value()
    expected = [["/home", 5], ["/docs", 3], ["/blog", 2]]
    observed = value["tops"]["3"]
    expect(observed == expected, "top_pages(db, 3) after recording 11 visits", expected=expected, observed=observed,
           hint="SELECT page, COUNT(*) FROM visits GROUP BY page ORDER BY COUNT(*) DESC ... LIMIT ?, "
                "and return (page, count) tuples.")


@check("the event loop stays responsive during a 10 000-row batch", points=2)
def test_loop_responsive_during_batch(run):
    observation = run("batch_heartbeat", rows=10_000, n=3, cap=2.0)
    value = observation.value()
    prop = "the event loop stays responsive while 10 000 rows are stored"
    if value["raised"]:
        error = value["raised"]
        expect(False, prop, expected="record_visits and top_pages to succeed",
               observed=f"{error['type']}: {error['message']}" + (f" at {error['where']}" if error["where"] else ""),
               hint="store the rows with aiosqlite (await db.executemany(...)); the check needs the call to work.")
    if value["finished"]:  # else a slow (but non-blocking) solution: judged on what was seen while it ran
        stored = value["stored"]
        expect_happened(stored == 10_000, prop, needs="record_visits stores the 10 000 rows in table visits",
                        observed="no table 'visits' in the database" if stored is None else f"{stored} row(s) stored",
                        hint="store every (user, page) pair with aiosqlite: await db.executemany(...), then commit.")
    else:
        expect_happened(value["db_created"], prop, needs="record_visits works on the database",
                        observed="no database file was created in 2 s",
                        hint="open the database at db_path with aiosqlite.connect(db_path) and store the rows.")
    sql = value["sql_on_loop"]
    expect(sql["statements"] == 0 and sql["connects"] == 0, prop,
           expected="no database work on the event loop's thread",
           observed=f"{sql['connects']} connection(s) opened and {sql['statements']} SQL statement(s) run with the "
                    f"blocking sqlite3 module on the event loop's thread (e.g. {sql['sample']!r}); while each runs no "
                    "other task can, and a slow disk or a database locked by another writer freezes them all",
           hint="sqlite3 blocks the thread it runs on: use aiosqlite (it runs sqlite3 in its own thread) "
                "or asyncio.to_thread.")
    # The stalls the child put down to the student's code: CPU time, and waiting net of the time spent
    # waiting for a core, so a busy machine cannot make them up (the heartbeat's longest gap can: it
    # reached 0.30 s for a correct solution with every core busy, so it is not judged). Waits under
    # 0.15 s are aiosqlite's own, starting its thread: under 20 ms measured with every core busy.
    stalls = [s for s in observation.stalls if s["kind"] != "blocking" or s["seconds"] >= 0.15]
    expect_responsive(stalls, prop, hint="every await on the database must let the loop run other tasks: use "
                                         "aiosqlite, never sqlite3 directly, and no time.sleep or long computation.")
