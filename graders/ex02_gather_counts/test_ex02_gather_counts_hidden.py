from gradekit.grading import check, expect, expect_happened

EXERCISE = "ex02_gather_counts"


@check("the One lines follow the order of names", points=2)
def test_ones_follow_names(run):
    names = ["carol", "alice", "dave", "bob"]
    log = run("count_names", names=names, delay=0.3).value()["log"]
    expect(isinstance(log, list), "count_all returns the shared log (a list of strings)",
           expected="a list", observed=repr(log)[:120],
           hint="create one list, pass it to every count(name, log, delay), and return it.")
    ones = [line for line in log if str(line).endswith(": One")]
    expected = [f"{n}: One" for n in names]
    note = ("The log was empty when count_all returned: the counts had not run yet. "
            "Await them before returning.") if not log else ""
    expect(ones == expected, "the 'One' lines appear in the order of names", expected=expected, observed=ones,
           note=note,
           hint="start the counts in the order of names (asyncio.gather(*(count(n, log, delay) for n in names)) "
                "starts them in argument order), without reordering or consuming the list.")


@check("[] → []", points=2)
def test_empty_names(run):
    value = run("count_nobody", solo="solo").value()
    solo = value["solo_log"]
    expect_happened(isinstance(solo, list) and {"solo: One", "solo: Two"} <= set(map(str, solo)),
                    "count_all([]) returns []", needs="count_all(['solo']) logs 'solo: One' and 'solo: Two' (with "
                    "names, the log is not empty)", observed=f"count_all(['solo']) {solo}" if isinstance(solo, str) else
                    f"count_all(['solo']) returned the log {solo!r}",
                    hint="count_all runs count(name, log, delay) for every name with one shared log and returns it.")
    error = value["error"]
    if error is not None:
        where = f" at {error['where']}" if error.get("where") else ""
        expect(False, "count_all([]) returns []", expected="[]", observed=f"{error['type']}: {error['message']}{where}",
               hint="asyncio.gather() with no arguments returns [] at once; asyncio.wait() refuses an empty set.")
    expect(value["log"] == [], "count_all([]) returns []", expected="[]", observed=repr(value["log"])[:120],
           hint="with no names there is nothing to count: return the empty log.")
