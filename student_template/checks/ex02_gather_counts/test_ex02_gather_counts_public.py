"""Public checks of ex02: students can read and run these."""

from gradekit.grading import approx, check, expect, expect_happened, fmt_seconds
from gradekit.grading.feedback import blocking_note

EXERCISE = "ex02_gather_counts"


def _log_of(value: dict) -> list[str]:
    log = value["log"]
    expect(isinstance(log, list), "count_all returns the shared log (a list of strings)",
           expected="a list", observed=repr(log)[:120],
           hint="create one list, pass it to every count(name, log, delay), and return it.")
    return log


@check("every One precedes every Two", points=3)
def test_ones_before_twos(run):
    names = ["a", "b", "c"]
    value = run("count_names", names=names, delay=0.2, settle=1.0).value()
    _log_of(value)
    # Judged on the log once every count has had time to finish (count_all's waiting is judged elsewhere).
    log = value["settled"] if isinstance(value["settled"], list) else []
    prop = f"with names {names}, every 'One' line comes before every 'Two' line"
    lines = {str(line) for line in log}
    missing = [f"{n}: {word}" for n in names for word in ("One", "Two") if f"{n}: {word}" not in lines]
    expect_happened(not missing, prop, needs="a 'One' and a 'Two' line for every name in the returned log",
                    observed=f"the log {log!r} lacks {missing}",
                    hint="count appends f'{name}: One' and f'{name}: Two' to the log it is given; count_all "
                         "passes one shared list to every count and returns that list.")
    ones = [i for i, line in enumerate(log) if str(line).endswith(": One")]
    twos = [i for i, line in enumerate(log) if str(line).endswith(": Two")]
    expect(max(ones) < min(twos), prop,
           expected=[f"{n}: One" for n in names] + [f"{n}: Two" for n in names], observed=log,
           hint="start every count before any of them finishes its wait: asyncio.gather(*(count(n, log, delay) for n in names)).")


@check("elapsed ≈ delay for any number of names", points=3)
def test_elapsed_is_one_delay(run):
    names = [f"n{i}" for i in range(10)]
    delay = 0.5
    observation = run("count_names", names=names, delay=delay)
    value = observation.value()
    pending = observation.hygiene.get("pending_tasks", [])
    notes = [blocking_note(observation.stalls)]
    if pending:
        notes.append(f"{len(pending)} task(s) were still running when count_all returned.")
    expect(approx(value["elapsed"], delay), f"count_all of {len(names)} names with delay {delay} s takes ≈ one delay",
           expected=f"≈ {delay:.3f} s (± {max(delay * 0.1, 0.05):.3f} s)", observed=fmt_seconds(value["elapsed"]),
           note=" ".join(n for n in notes if n),
           hint="the counts wait at the same time when run concurrently (asyncio.gather), "
                "so n names take one delay, not n × delay; count_all must also wait for them to finish.")
