"""Public checks of ex06: students can read and run these."""

from gradekit.grading import check, expect, expect_happened, never_awaited_note

EXERCISE = "ex06_cancellation"
MESSAGES = ["hello", "how are you?", "bye"]


def _outcome(value: dict) -> str:
    if value["error"]:
        error = value["error"]
        return f"it raised {error['type']}" + (f": {error['message']}" if error["message"] else "")
    return f"it returned {value['result']!r}"


@check("sends every message in order and returns the count", points=1.5)
def test_sends_all_and_returns_count(run):
    value = run("stream", messages=MESSAGES, interval=0.5).value()
    sent = [s["message"] for s in value["sends"] if s["outcome"] == "sent"]
    ok = value["error"] is None and sent == MESSAGES and value["result"] == len(MESSAGES)
    expect(ok, "every message is sent once, in order, and the count is returned",
           expected=f"sends {MESSAGES}, returns {len(MESSAGES)}",
           observed=f"sends {sent}, {_outcome(value)}",
           hint="await conn.open(), then await conn.send(m) for each message, count them, and return the count.")


@check("close() awaited exactly once on success", points=1.5)
def test_close_once_on_success(run):
    observation = run("stream", messages=MESSAGES, interval=0.5)
    value = observation.value()
    prop = "after a successful run, conn.close() has been awaited exactly once when the function returns"
    sent = [s["message"] for s in value["sends"] if s["outcome"] == "sent"]
    expect_happened(value["error"] is None and sent == MESSAGES, prop,
                    needs="a successful run: every message sent, the function returning",
                    observed=f"sends {sent}, {_outcome(value)}",
                    hint="await conn.open(), then await conn.send(m) for each message.")
    note = never_awaited_note(observation.hygiene.get("never_awaited") or [], "a call of conn.close() without await?")
    # The note quotes Python's warning as the student's process reported it; the verdict rests on
    # the close() calls the world saw.
    expect(value["closed"] == 1 and len(value["closes"]) == 1, prop,
           expected="1 finished close()", observed=f"{value['closed']} finished close() ({len(value['closes'])} started)",
           note=note,
           hint="close the connection once, in a finally: block, with `await conn.close()` "
                "(calling it without await does nothing).")
