from collections import Counter

from gradekit.grading import check, expect, expect_happened

EXERCISE = "ex09_async_db"

NASTY = [
    ["Robert'); DROP TABLE visits;--", "/home"],
    ["o'brien", 'a"b\'c'],
    ['say "hi"', "/search?q=1' OR '1'='1"],
    ["mallory", "x'); DELETE FROM visits; --"],
    ["ann", "/home"],
]


def _raised(info) -> str:
    return f"{info['type']}: {info['message']}" + (f" at {info['where']}" if info.get("where") else "")


def _multiset(rows):
    return Counter(tuple(r) for r in rows or [])


@check("equal counts are ordered by page name; n limits the list", points=1)
def test_ties_by_page_and_limit(run):
    pages = ["/zeta", "/beta", "/alpha", "/gamma", "/zeta", "/beta", "/alpha", "/delta", "/mid", "/mid", "/mid", "/omega"]
    value = run("top_of_stored", visits=[[f"u{i}", p] for i, p in enumerate(pages)], ns=[3, 100]).value()
    expected = {"3": [["/mid", 3], ["/alpha", 2], ["/beta", 2]],
                "100": [["/mid", 3], ["/alpha", 2], ["/beta", 2], ["/zeta", 2], ["/delta", 1], ["/gamma", 1], ["/omega", 1]]}
    for n in ("3", "100"):
        expect(value["tops"][n] == expected[n], f"top_pages(db, {n}) with equal counts", expected=expected[n],
               observed=value["tops"][n],
               hint="SQL gives no order among equal counts unless you ask: ORDER BY count DESC, page ASC, then LIMIT n.")


@check("values with quotes and SQL fragments are stored as data", points=2)
def test_values_stored_as_data(run):
    value = run("record_and_read_back", batches=[NASTY]).value()
    hint = ("never build SQL with f-strings or %: pass values as parameters, "
            "db.executemany('INSERT INTO visits VALUES (?, ?)', visits).")
    if value["raised"][0]:
        expect(False, "storing values that contain quotes and SQL", expected="the rows stored",
               observed=f"record_visits raised {_raised(value['raised'][0])}", hint=hint)
    observed = value["rows"]
    expect(observed is not None and _multiset(observed) == _multiset(NASTY),
           "storing values that contain quotes and SQL", expected=[tuple(r) for r in NASTY],
           observed="no table 'visits' left" if observed is None else [tuple(r) for r in observed], hint=hint)


@check("a batch with a bad row raises and writes nothing (one transaction)", points=1.5)
def test_failed_batch_writes_nothing(run):
    good = [["eve", "/home"], ["fay", "/blog"]]
    batch = [["ann", "/home"], ["bob", "/docs"], ["cy", None], ["dee", "/home"]]
    stored, value = run("batches_apart", batches=[good, batch]).value()
    prop = "record_visits with a None page (NOT NULL) in the 3rd of 4 rows"
    hint = ("do all the inserts of one call in one transaction and commit once at the end; "
            "if an insert fails, roll back and let the exception propagate.")
    expect_happened(stored["raised"] is None and _multiset(stored["rows"]) == _multiset(good), prop,
                    needs=f"record_visits stores a batch of {len(good)} good rows (on a database of its own)",
                    observed=f"it raised {_raised(stored['raised'])}" if stored["raised"] else
                             f"{len(stored['rows'] or [])} row(s) stored",
                    hint="store every (user, page) pair in table visits, creating it if missing.")
    rows = value["rows"] or []
    expect(value["raised"] is not None, prop, expected="an exception (NOT NULL constraint failed)",
           observed=f"it returned normally and the table holds {len(rows)} row(s)", hint=hint)
    expect(not rows, prop, expected="it raises and the table holds no row",
           observed=f"it raised, but {len(rows)} row(s) were written: {[tuple(r) for r in rows]}", hint=hint)


@check("a second call adds to the existing table", points=0.5)
def test_second_call_appends(run):
    first, second = [["ann", "/home"], ["bob", "/docs"]], [["cy", "/home"]]
    value = run("record_and_read_back", batches=[first, second]).value()
    hint = "create the table only if it is missing: CREATE TABLE IF NOT EXISTS visits (...)."
    for i, info in enumerate(value["raised"]):
        if info:
            expect(False, "two calls of record_visits, one after the other", expected="both succeed",
                   observed=f"call {i + 1} raised {_raised(info)}", hint=hint)
    expect(_multiset(value["rows"]) == _multiset(first + second), "two calls of record_visits, one after the other",
           expected=f"{len(first + second)} rows", observed=f"{len(value['rows'] or [])} rows", hint=hint)


@check("two concurrent record_visits calls both persist", points=1)
def test_concurrent_calls_persist(run):
    a = [[f"a{i}", f"/a/{i % 5}"] for i in range(40)]
    b = [[f"b{i}", f"/b/{i % 5}"] for i in range(40)]
    value = run("record_and_read_back", batches=[a, b], concurrent=True).value()
    prop = "two record_visits calls run at once with asyncio.gather"
    hint = ("give each call its own connection and transaction (async with aiosqlite.connect(...)); SQLite makes "
            "the second writer wait for the first, and CREATE TABLE must tolerate an existing table.")
    for i, info in enumerate(value["raised"]):
        if info:
            expect(False, prop, expected="both succeed", observed=f"call {i + 1} raised {_raised(info)}", hint=hint)
    rows = _multiset(value["rows"])
    missing = sum((_multiset(a + b) - rows).values())
    expect(missing == 0 and sum(rows.values()) == 80, prop, expected="all 80 rows stored",
           observed=f"{sum(rows.values())} rows stored, {missing} missing", hint=hint)
