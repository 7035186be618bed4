from collections import Counter

from gradekit.grading import bar, calls_timeline, check, expect

EXERCISE = "ex11_first_completed"


def _ok(latency):
    return {"latency": latency, "error": None}


def _fail(latency, kind, message):
    return {"latency": latency, "error": [kind, message]}


def _what_happened(value):
    if "returned" in value:
        return f"returned {value['returned']!r} at {value['elapsed']:.3f} s"
    raised = value["raised"]
    return f"raised {raised['type']}: {raised['message']} at {value['elapsed']:.3f} s"


def _race_timeline(value: dict, mirrors: dict) -> dict:
    """fastest() and the fetches as they stood when it answered, mirrors named by their place (neutral).

    A correct run's shape: the first fetch to return wins, at its end every other is cancelled."""
    names = {m: f"mirror {i + 1}" for i, m in enumerate(mirrors)}
    outcome = "ok" if "returned" in value else "error"
    won = [c for c in value["calls"] if c["outcome"] == "returned" and c["ended"] is not None]
    expected = None
    if won:
        winner = min(won, key=lambda c: c["ended"])
        at = winner["ended"]
        expected = [bar("fastest()", 0.0, at)] + [
            bar(name, 0.0, at, "ok" if m == winner["key"] else "cancelled") for m, name in names.items()]
    return calls_timeline(value["calls"], "fastest() and its fetch(mirror) calls on the check's clock",
                          label=names, function=bar("fastest()", 0.0, value["elapsed"], outcome), expected=expected)


def _leaves(info):
    if "exceptions" not in info:
        return [(info["type"], info["message"])]
    return [leaf for sub in info["exceptions"] for leaf in _leaves(sub)]


@check("every loser cancelled before it returns", points=3)
def test_losers_cancelled(run, timeline):
    mirrors = {"m1": _ok(0.6), "m2": _ok(0.2), "m3": _ok(0.4), "m4": _ok(0.8)}
    value = run("race_mirrors", mirrors=mirrors).value()
    timeline(_race_timeline(value, mirrors))
    expect("returned" in value, "every loser cancelled before it returns", expected="a result",
           observed=_what_happened(value), hint="return the first successful result.")
    outcomes = {m: "never fetched" for m in mirrors}
    outcomes.update({c["key"]: c["outcome"] for c in value["calls"]})
    expected = {m: ("returned" if m == "m2" else "cancelled") for m in mirrors}
    expect(outcomes == expected, "every loser cancelled before it returns",
           expected=f"the winner returned and every other fetch cancelled when fastest() returns: {expected}",
           observed=outcomes,
           hint="cancel the pending tasks and await them (e.g. asyncio.gather(*pending, return_exceptions=True)) "
                "before returning: task.cancel() only requests cancellation.")


@check("a mirror that fails fast is skipped for a slower success", points=2)
def test_failing_mirror_is_skipped(run):
    mirrors = {"broken": _fail(0.1, "ConnectionError", "broken is down"), "ok": _ok(0.3), "slow": _ok(0.7)}
    value = run("race_mirrors", mirrors=mirrors).value()
    expected = value["answers"]["ok"]  # a per-run token: only fetch("ok") gives it
    expect(value.get("returned") == expected, "a mirror that fails fast is skipped for a slower success",
           expected=f"{expected!r} (the first *successful* fetch, at 0.300 s)", observed=_what_happened(value),
           hint="a finished task may hold an exception (task.exception()): skip it and keep waiting for the others.")


@check("all mirrors fail → ExceptionGroup holding every failure", points=2)
def test_all_fail_raise_exception_group(run):
    mirrors = {"a": _fail(0.3, "ConnectionError", "a is down"), "b": _fail(0.1, "TimeoutError", "b timed out"),
               "c": _fail(0.2, "OSError", "c refused")}
    value = run("race_mirrors", mirrors=mirrors).value()
    prop = "all mirrors fail → ExceptionGroup holding every failure"
    expected_leaves = Counter((spec["error"][0], spec["error"][1]) for spec in mirrors.values())
    shown = ", ".join(f"{t}({m!r})" for t, m in sorted(expected_leaves))
    hint = "collect each failure and, when none succeeded, raise ExceptionGroup(message, failures)."
    expect(value.get("is_group", False), prop, expected=f"an ExceptionGroup of {shown}",
           observed=_what_happened(value), hint=hint)
    leaves = Counter(_leaves(value["raised"]))
    expect(leaves == expected_leaves, prop, expected=f"an ExceptionGroup of {shown}",
           observed="an ExceptionGroup of " + ", ".join(f"{t}({m!r})" for t, m in sorted(leaves.elements())),
           hint=hint)
