import re

from gradekit.grading import (bar, calls_timeline, check, concurrent_shape, durations, expect, expect_elapsed,
                              expect_happened)
from gradekit.grading.feedback import blocking_note

EXERCISE = "ex10_debug_mode"
USERS = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"]


def _slow_callbacks(observation) -> list[str]:
    """Debug mode's slow-callback warnings, shortened to "Executing <Task …> took N seconds".

    The kit keeps the first 300 characters of each log line, and a debug-mode task repr is
    long, so the "took N seconds" tail may be cut: match on the start of the line only.
    """
    slow = []
    for line in observation.hygiene.get("asyncio_log", []):
        if line.startswith("Executing <"):
            took = re.search(r" took (\d+(?:\.\d+)?) seconds", line)
            slow.append(f"Executing <Task …> took {took.group(1) if took else '…'} seconds")
    return slow


def _contains(error: dict | None, type_name: str) -> bool:
    if not error:
        return False
    return error["type"] == type_name or any(_contains(e, type_name) for e in error.get("exceptions", []))


@check("no slow callback in debug mode (nothing blocks the loop)", points=2)
def test_no_slow_callback(run):
    observation = run("notify", users=USERS, latency=0.5)
    prop = "no slow callback reported by asyncio debug mode (nothing blocks the loop)"
    sent = {c["key"] for c in observation.value()["calls"]}
    expect_happened(sent == set(USERS), prop,
                    needs=f"notify_all sends to all {len(USERS)} users", observed=f"{len(sent)} user(s) sent to",
                    hint="call send(user) for every user, and await each call.")
    # Judged on what the world saw: time.sleep on the loop's thread, or a busy or blocked spell of 0.1 s or
    # more measured from outside (debug mode's slow_callback_duration is 0.1 s too). asyncio's own
    # "Executing … took … seconds" lines are the student's process's report: quoted, not judged.
    slow = _slow_callbacks(observation)
    first = slow[0] if slow else ""
    expect(not observation.stalls, prop, expected="nothing blocks the loop (so no 'Executing … took … seconds' warning)",
           observed=blocking_note(observation.stalls),
           note=(f"asyncio debug mode reported {len(slow)} slow callback(s), first: {first!r}." if slow else ""),
           hint="time.sleep freezes the whole event loop; to wait inside a coroutine use await asyncio.sleep, "
                "and to wait for tasks, await them.")


@check("elapsed ≈ one send (all users notified concurrently)", points=2)
def test_elapsed_is_one_send(run, timeline):
    observation = run("notify", users=USERS, latency=0.5)
    value = observation.value()
    users = {user: f"user {i + 1}" for i, user in enumerate(USERS)}  # neutral names
    took = durations(value["calls"], users)
    timeline(calls_timeline(value["calls"], "notify_all() and its send(user) calls on the check's clock", label=users,
                            function=bar("notify_all()", 0.0, value["elapsed"], "error" if value["raised"] else "ok"),
                            expected=[bar("notify_all()", 0.0, max((t for _, t in took), default=0.0))]
                            + concurrent_shape(took)))
    prop = f"notify_all({len(USERS)} users) with sends of 0.5 s takes ≈ one send"
    sent = {c["key"] for c in value["calls"]}
    expect_happened(sent == set(USERS), prop, needs=f"notify_all sends to all {len(USERS)} users",
                    observed=f"{len(sent)} user(s) sent to", hint="call send(user) for every user, and await each call.")
    expect_elapsed(value["elapsed"], 0.5, prop,
                   stalls=observation.stalls,
                   hint="start every send before waiting for any (asyncio.gather), and wait for exactly "
                        "those sends, not a guessed delay.")


@check("a failing send makes notify_all raise", points=2)
def test_failing_send_raises(run):
    observation = run("notify", users=["ann", "bob", "cy", "dee"], latency=0.3, failing=["cy"])
    value = observation.value()
    prop = "notify_all raises when send fails for one user"
    expect_happened(any(c["key"] == "cy" and c["outcome"] == "raised" for c in value["calls"]), prop,
                    needs="notify_all calls send('cy'), which fails",
                    observed=f"send was called for {sorted({c['key'] for c in value['calls']})}",
                    hint="call send(user) for every user, and await each call.")
    lost = observation.hygiene.get("never_retrieved", [])  # self-reported: only quoted in the feedback
    expect(_contains(value["raised"], "ConnectionError"), prop,
           expected="the ConnectionError from send (alone or in an ExceptionGroup)",
           observed=(f"it raised {value['raised']['type']}: {value['raised']['message']}" if value["raised"]
                     else f"it returned {value['result']!r}"),
           note=("asyncio reported: 'Task exception was never retrieved'." if lost else ""),
           hint="an exception inside a task is only seen by whoever awaits that task: await every send "
                "(gather without return_exceptions) so the failure reaches the caller.")
