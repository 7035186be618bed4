"""Public checks of ex10: students can read and run these (asyncio debug mode is on).

send is the world's fake: its calls are recorded by the world. A coroutine that is never awaited
never reaches the world, so "never awaited" is what the student's process reports about itself
(asyncio's RuntimeWarning, collected there).
"""

from collections import Counter

from gradekit.grading import bar, calls_timeline, check, concurrent_shape, expect, expect_all_awaited, expect_happened

EXERCISE = "ex10_debug_mode"
USERS = ["ann", "bob", "cy", "dee", "eve", "fay"]


def expect_every_send_made(value: dict, users: list[str], prop: str) -> None:
    """A hygiene property means something only once the work was done: every user sent to."""
    sent = {c["key"] for c in value["calls"]}
    expect_happened(sent == set(users), prop, needs=f"notify_all sends to all {len(users)} users",
                    observed=f"{len(sent)} user(s) sent to", hint="call send(user) for every user, and await each call.")


@check("no coroutine is left never awaited", points=2)
def test_no_never_awaited(run):
    observation = run("notify", users=USERS, latency=0.5)
    expect_every_send_made(observation.value(), USERS, "no 'coroutine ... was never awaited' warning")
    warnings = observation.hygiene.get("never_awaited", [])  # self-reported by the student's process
    expect_all_awaited(warnings, "no 'coroutine ... was never awaited' warning",
                       hint="await each call of an async function (or hand it to create_task/gather); debug mode's "
                            "warning shows where the coroutine was created.")


@check("every user is notified before notify_all returns", points=2)
def test_every_user_notified(run, timeline):
    value = run("notify", users=USERS, latency=0.5).value()
    # The sends as they stood when notify_all returned: a task never awaited may not have started yet.
    ended = "error" if value["raised"] else "ok"
    timeline(calls_timeline(value["at_return"].get("calls", []), "notify_all() and its send(user) calls, "
                            "as they stood when it returned", label=str,
                            function=bar("notify_all()", 0.0, value["elapsed"], ended),
                            expected=[bar("notify_all()", 0.0, 0.5)] + concurrent_shape({u: 0.5 for u in USERS})))
    prop = f"notify_all({len(USERS)} users) sends to each user once and returns the count"
    hint = ("a task you create but never await may not even have started when your function returns: "
            "await the sends (asyncio.gather) before returning.")
    if value["raised"]:
        error = value["raised"]
        expect(False, prop, expected=f"it returns {len(USERS)}", observed=f"it raised {error['type']}: {error['message']}",
               hint=hint)
    calls = value["at_return"].get("calls", [])  # recorded by the world when notify_all's answer came
    sent = Counter(c["key"] for c in calls if c["outcome"] == "returned")
    expect(sent == Counter(USERS), prop, expected=f"each of the {len(USERS)} users sent exactly once",
           observed=f"{sum(sent.values())} send(s) completed when it returned "
                    f"({sum(1 for c in calls if c['outcome'] == 'running')} still running)", hint=hint)
    expect(value["result"] == len(USERS), prop, expected=f"it returns {len(USERS)}", observed=f"it returned {value['result']}",
           hint="return how many users were notified.")
