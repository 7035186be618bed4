from gradekit.grading import check, expect, expect_cancellation_propagates, expect_happened, never_awaited_note

EXERCISE = "ex06_cancellation"
MESSAGES = ["m1", "m2", "m3", "m4", "m5"]


def _never_awaited_note(observation) -> str:
    """Python's "never awaited" warning, as the student's process reported it (a note, never a verdict)."""
    return never_awaited_note(observation.hygiene.get("never_awaited") or [], "a call of conn.close() without await?")


def _closes(value: dict) -> str:
    return f"{value['closed']} finished close() ({len(value['closes'])} started)"


def _expect_streaming_at_cancel(value: dict, prop: str) -> None:
    """The situation the cancel checks judge: the function was streaming (open, sending) when cancelled."""
    cancelled_at = value["cancelled_at"]
    before = [s for s in value["sends"] if cancelled_at is not None and s["at"] <= cancelled_at]
    if cancelled_at is None:
        observed = f"it had already ended ({len(value['sends'])} sends)"
    else:
        observed = f"{len(before)} send(s) before the cancel at {cancelled_at:.3f} s"
    expect_happened(cancelled_at is not None and bool(before), prop,
                    needs="the function still sending (one message per interval) 1.6 s after it started",
                    observed=observed, hint="open the connection, then send one message per interval.")


@check("close() awaited exactly once when send fails", points=2)
def test_close_once_on_send_error(run):
    observation = run("stream_failing", messages=MESSAGES, interval=0.5, fail_on=3)
    value = observation.value()
    prop = ("when the 3rd send raises ConnectionResetError, conn.close() has been awaited exactly once "
            "by the time the function exits")
    failed = [s for s in value["sends"] if s["outcome"] == "failed"]
    expect_happened(bool(failed), prop, needs="the function sends until the 3rd send raises",
                    observed=f"{len(value['sends'])} send(s) made", hint="await conn.send(m) for each message.")
    expect(value["closed"] == 1 and len(value["closes"]) == 1, prop,
           expected="1 finished close()", observed=_closes(value), note=_never_awaited_note(observation),
           hint="an exception skips the rest of the function: put `await conn.close()` in a finally: block "
                "so it runs however the sending ends.")


@check("close() awaited exactly once when cancelled", points=2)
def test_close_once_on_cancel(run):
    observation = run("stream_cancelled", messages=MESSAGES, interval=1.0, cancel_at=1.6)
    value = observation.value()
    _expect_streaming_at_cancel(value, "conn.close() has been awaited exactly once when the task is cancelled")
    after = [c for c in value["closes"] if c["started"] >= value["cancelled_at"]]
    expect(value["closed"] == 1 and len(value["closes"]) == 1 and len(after) == 1,
           f"when the task is cancelled (at {value['cancelled_at']:.3f} s, between two sends), conn.close() "
           "has been awaited exactly once by the time it exits",
           expected="1 finished close(), after the cancellation", observed=_closes(value),
           note=_never_awaited_note(observation),
           hint="cancellation raises asyncio.CancelledError at the current await; it is a BaseException, "
                "so `except Exception` does not see it, but a finally: block does.")


@check("CancelledError propagates when cancelled", points=1.5)
def test_cancellation_propagates(run):
    value = run("stream_cancelled", messages=MESSAGES, interval=1.0, cancel_at=1.6).value()
    _expect_streaming_at_cancel(value, "a cancelled stream_messages ends by raising CancelledError")
    error = value["error"] or {}
    detail = {"returned": f"it returned {value['result']!r}",
              "raised": f"{error.get('type')}" + (f": {error['message']}" if error.get("message") else "")
              }.get(value["outcome"], "")
    expect_cancellation_propagates(value["outcome"],
                                   "a cancelled stream_messages ends by raising CancelledError (it does not return "
                                   "normally)", cancelled_at=value["cancelled_at"], detail=detail)


@check("sends are spaced by ≈ interval", points=1.5)
def test_sends_spaced_by_interval(run):
    interval = 1.0
    messages = MESSAGES[:4]
    value = run("stream", messages=messages, interval=interval).value()
    if not value["opened"]:
        expect(False, "sends are spaced by ≈ interval", expected="open() awaited first", observed="open() never finished",
               hint="await conn.open() before the first send.")
    start = value["opened"][0]
    observed = [round(s["at"] - start, 3) for s in value["sends"]]
    expected = [round(k * interval, 3) for k in range(len(messages))]
    tolerance = max(0.1 * interval, 0.05)  # the catalog's ≈, on each gap
    ok = len(observed) == len(expected) and all(abs(o - e) <= tolerance for o, e in zip(observed, expected))
    expect(ok, f"with interval={interval:g}, the sends happen at these times after open() (± {tolerance:g} s)",
           expected=expected, observed=observed,
           hint="send the first message right after open(), then wait `interval` seconds (await asyncio.sleep) "
                "between one send and the next — not before the first.")
