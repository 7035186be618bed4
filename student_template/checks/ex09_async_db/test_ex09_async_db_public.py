"""Public checks of ex09: students can read and run these."""

from gradekit.grading import check, expect, expect_happened, expect_responsive

EXERCISE = "ex09_async_db"

VISITS = [("ann", "/home"), ("bob", "/docs"), ("ann", "/blog"), ("cy", "/home"), ("bob", "/home"),
          ("dee", "/about"), ("cy", "/docs"), ("ann", "/home"), ("eve", "/blog"), ("dee", "/docs"),
          ("bob", "/home")]


@check("top_pages returns the most visited pages with their counts", points=2)
def test_top_pages_counts(run):
    value = run("top_of_stored", visits=VISITS, ns=[3]).value()
    expected = [["/home", 5], ["/docs", 3], ["/blog", 2]]
    observed = value["tops"]["3"]
    expect(observed == expected, "top_pages(db, 3) on a database holding 11 visits", expected=expected, observed=observed,
           hint="SELECT page, COUNT(*) FROM visits GROUP BY page ORDER BY COUNT(*) DESC ... LIMIT ?, "
                "and return (page, count) tuples.")


HOLD = 0.5  # seconds another writer holds the database before each call may use it
THREAD_START = 0.15  # blocking shorter than this is not judged (see the end of the check)


@check("the event loop stays responsive during a 10 000-row batch", points=2)
def test_loop_responsive_during_batch(run):
    observation = run("batch_with_busy_database", rows=10_000, n=3, cap=2.5, hold=HOLD)
    value = observation.value()
    prop = (f"the event loop stays responsive while 10 000 rows are stored and read back, each time after "
            f"another connection held the database for {HOLD} s")
    if value["raised"]:
        error = value["raised"]
        expect(False, prop, expected="record_visits and top_pages to succeed",
               observed=f"{error['type']}: {error['message']}" + (f" at {error['where']}" if error["where"] else ""),
               hint="store the rows with aiosqlite (await db.executemany(...)); the check needs the calls to work, "
                    "and a statement must wait for a locked database (sqlite3's default timeout, 5 s).")
    state = value["state"]
    if value["finished"]:  # else a slow (but non-blocking) solution: judged on what was seen while it ran
        stored = state["rows"]
        expect_happened(stored == value["rows"], prop, needs="record_visits stores the 10 000 rows in table visits",
                        observed="no table 'visits' in the database" if stored is None else f"{stored} row(s) stored",
                        hint="store every (user, page) pair with aiosqlite: await db.executemany(...), then commit.")
        expect_happened(value["record_seconds"] >= HOLD / 2, prop,
                        needs=f"record_visits waits for the other connection's lock ({HOLD} s) to write the rows",
                        observed=f"it returned after {value['record_seconds']:.3f} s",
                        hint="write the rows to the database at db_path, and commit.")
        expect_happened(value["top_held"], prop, needs="top_pages runs while another connection holds the database",
                        observed="record_visits left the database locked: a transaction never committed, or a "
                                 "connection never closed",
                        hint="commit, and close each connection: async with aiosqlite.connect(db_path) as db: ...")
    else:
        expect_happened(state["table"] or state["writing"], prop, needs="record_visits works on the database",
                        observed="no table 'visits' and no write under way after 2.5 s",
                        hint="open the database at db_path with aiosqlite.connect(db_path) and store the rows.")
    # Stalls are measured by the grader, from outside the student's process: its loop is pinged every
    # 10 ms, and an answer 50 ms late or more is a stall, counting the loop thread's CPU time and the
    # time it was seen blocked in a call of its own, never its (or the grader's) waits for a core.
    # sqlite3 called in a coroutine waits for the other connection's lock on the loop's thread: 0.48-0.54 s
    # per call, measured with every core busy (load 10-16 on 2 cores). Blocking under THREAD_START is
    # aiosqlite's own: connect() starts a thread and waits until it runs, up to 0.061 s with every core
    # busy (the only stalls a correct solution showed, 1 grading in 48).
    stalls = [s for s in observation.stalls if s["kind"] != "blocking" or s["seconds"] >= THREAD_START]
    expect_responsive(stalls, prop,
                      hint="sqlite3 blocks the thread it runs on, also while it waits for a database another "
                           "connection has locked: use aiosqlite (it runs sqlite3 in its own thread) or "
                           "asyncio.to_thread, never sqlite3 directly in a coroutine.")
