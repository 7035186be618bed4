"""Feedback that teaches: every failure names the property, expected versus observed, and a hint;
the five common asyncio mistakes each have their own wording."""

from __future__ import annotations

import re

import pytest

from gradekit.grading import (BLOCKED_LOOP, LEAKED_TASK, NEVER_AWAITED, SWALLOWED_CANCELLATION, TIMEOUT, CheckFailure,
                              expect, expect_all_awaited, expect_cancellation_propagates, expect_elapsed,
                              expect_happened, expect_no_leaked_tasks, expect_responsive, never_awaited_note)
from gradekit.grading.feedback import blocking_note
from gradekit.grading.observation import Observation
from gradekit.world.run import WorldResult

MISTAKES = [BLOCKED_LOOP, NEVER_AWAITED, LEAKED_TASK, SWALLOWED_CANCELLATION, TIMEOUT]
STALLS = [{"kind": "time.sleep", "seconds": 0.2, "where": "ex03_fetch_all.py:11 in polite"},
          {"kind": "busy", "seconds": 0.4, "where": ""}]


def failure(call, *args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as raised:
        call(*args, **kwargs)
    return str(raised.value)


def shaped(message: str, prop: str) -> bool:
    """'<prop>: expected …, observed …. … Hint: …' — the shape every check's failure has."""
    return re.fullmatch(rf"{re.escape(prop)}: expected .+, observed .+\. .*Hint: .+", message, re.DOTALL) is not None


def test_each_mistake_has_its_own_wording():
    assert len({m.name for m in MISTAKES}) == len({m.why for m in MISTAKES}) == len({m.hint for m in MISTAKES}) == 5
    for mistake in MISTAKES:
        assert mistake.sentence().startswith(f"This is {mistake.name}: ") and mistake.sentence().endswith(".")
    assert TIMEOUT.sentence("while blocking the event loop").startswith("This is a timeout (while blocking")


def test_expect_says_property_expected_observed_and_hint():
    message = failure(expect, False, "results keep the order of urls", expected=["a", "b"], observed=["b", "a"],
                      hint="asyncio.gather keeps the order of its arguments.")
    assert shaped(message, "results keep the order of urls")
    assert "['a', 'b']" in message and "['b', 'a']" in message
    expect(True, "p", expected=1, observed=2, hint="h")  # no failure when the property holds


def test_expect_happened_says_what_had_to_happen_first():
    message = failure(expect_happened, False, "no task left", needs="process_all handles all 6 items",
                      observed="2 item(s) handled", hint="start the workers.")
    assert shaped(message, "no task left")
    assert "process_all handles all 6 items, so that there is something to judge" in message
    assert "can only be judged once that has happened" in message


# -- a blocked event loop -----------------------------------------------------------------------

def test_a_blocked_loop_is_said_with_how_long_how_often_and_where():
    note = blocking_note(STALLS)
    assert note.startswith("Your code blocked the event loop for 0.600 s in total (2 times; first: time.sleep() "
                           "of 0.200 s at ex03_fetch_all.py:11 in polite).")
    assert BLOCKED_LOOP.sentence() in note
    assert blocking_note([]) == ""


def test_expect_elapsed_adds_the_blocked_loop_to_a_late_result():
    message = failure(expect_elapsed, 0.8, 0.3, "elapsed ≈ the slowest fetch", stalls=STALLS[:1],
                      hint="start every fetch before awaiting any of them.")
    assert shaped(message, "elapsed ≈ the slowest fetch")
    assert "expected ≈ 0.300 s (± 0.050 s), observed 0.800 s" in message
    assert "1 time;" in message and BLOCKED_LOOP.sentence() in message
    assert "blocked" not in failure(expect_elapsed, 0.8, 0.3, "p", hint="h")


def test_expect_responsive_names_the_blocked_loop():
    message = failure(expect_responsive, STALLS)
    assert shaped(message, "the event loop stays responsive")
    assert "expected the event loop never blocked" in message and "your code blocked it for 0.600 s" in message
    assert message.endswith(f"Hint: {BLOCKED_LOOP.hint}")
    expect_responsive([])


# -- a coroutine never awaited ------------------------------------------------------------------

def test_a_never_awaited_coroutine_names_the_coroutines_not_the_traceback():
    warnings = ["coroutine 'sleep' was never awaited Coroutine created at (most recent call last) File \"x.py\"…"] * 3
    warnings.append("coroutine 'send' was never awaited")
    message = failure(expect_all_awaited, warnings, "notify_all awaits every send")
    assert shaped(message, "notify_all awaits every send")
    assert "4 warning(s): coroutine 'sleep' was never awaited (×3); coroutine 'send' was never awaited." in message
    assert "Coroutine created at" not in message and NEVER_AWAITED.sentence() in message
    assert message.endswith(f"Hint: {NEVER_AWAITED.hint}")
    expect_all_awaited([], "p")


def test_never_awaited_note_for_a_check_about_something_else():
    note = never_awaited_note(["coroutine 'close' was never awaited"], "a call of conn.close() without await?")
    assert note.startswith("Python warned that a coroutine was never awaited (a call of conn.close() without await?).")
    assert NEVER_AWAITED.sentence() in note
    assert never_awaited_note([]) == ""


# -- a task left running ------------------------------------------------------------------------

def test_a_leaked_task_names_the_tasks_and_when():
    message = failure(expect_no_leaked_tasks, ["worker", "worker", "worker", "heartbeat"],
                      "no worker task left when it returns", when="when process_all returns")
    assert shaped(message, "no worker task left when it returns")
    assert "expected no task still pending when process_all returns" in message
    assert "observed 4 task(s) still pending: heartbeat(), worker() ×3." in message
    assert LEAKED_TASK.sentence() in message and message.endswith(f"Hint: {LEAKED_TASK.hint}")
    custom = failure(expect_no_leaked_tasks, ["worker"], "p", hint="end each worker with a sentinel.")
    assert custom.endswith("Hint: end each worker with a sentinel.")
    expect_no_leaked_tasks([], "p")


# -- a swallowed cancellation -------------------------------------------------------------------

@pytest.mark.parametrize(("ended", "observed", "swallowed"), [
    ("returned", "observed it returned normally after cancel() at 1.600 s (it returned [])", True),
    ("running", "observed it was still running long after cancel() at 1.600 s", True),
    ("raised", "observed it raised another exception after cancel() at 1.600 s (RuntimeError: stop)", False),
])
def test_a_swallowed_cancellation_says_how_the_call_ended(ended, observed, swallowed):
    detail = {"returned": "it returned []", "raised": "RuntimeError: stop", "running": ""}[ended]
    message = failure(expect_cancellation_propagates, ended, "a cancelled stream ends by raising CancelledError",
                      cancelled_at=1.6, detail=detail)
    assert shaped(message, "a cancelled stream ends by raising CancelledError")
    assert "expected it ends by raising CancelledError" in message and observed in message
    assert (SWALLOWED_CANCELLATION.sentence() in message) is swallowed
    assert message.endswith(f"Hint: {SWALLOWED_CANCELLATION.hint}")


def test_a_propagated_cancellation_passes_and_a_wrong_ending_is_a_grader_error():
    expect_cancellation_propagates("cancelled", "p", cancelled_at=1.0)
    with pytest.raises(ValueError, match="ended must be one of"):
        expect_cancellation_propagates("finished", "p", cancelled_at=1.0)


# -- a timeout, and the other ways a scenario gives no data -------------------------------------

def observe(final: dict) -> Observation:
    return Observation.from_world("scenario", WorldResult(final=final, outcome=None))


def test_a_timeout_says_what_the_world_saw_then_the_concept():
    observation = observe({"status": "timeout", "gave_up": {"clock": 30, "calls_unanswered": 1,
                                                            "student_idle": True, "fake_calls": 3,
                                                            "fake_calls_running": 0}})
    message = failure(observation.value)
    assert message.startswith("your code did not finish within 30 s on the check's clock: 1 call(s) of your "
                              "functions had not returned and its process was waiting (idle)")
    assert TIMEOUT.sentence() in message and message.endswith(f"Hint: {TIMEOUT.hint}")
    # A check that knows its exercise gives its own hint instead of the general one.
    assert failure(observation.value, hint="call task_done() once per get().").endswith(
        f"{TIMEOUT.sentence()} Hint: call task_done() once per get().")


def test_an_endless_loop_is_a_timeout_while_blocking():
    message = failure(observe({"event": "stalled", "timeout": True, "where": "ex12_worker_pool.py:9 in worker"}).value)
    assert "still running, without awaiting, when the time limit struck (at ex12_worker_pool.py:9 in worker)" in message
    assert TIMEOUT.sentence("while blocking the event loop") in message
    assert "Hint: every loop inside a coroutine must end, or await something on each turn" in message


def test_one_long_block_is_a_blocked_loop():
    message = failure(observe({"event": "stalled", "seconds": 5, "where": "ex08.py:4 in f"}).value)
    assert "blocked the event loop for over 5 s in a single step (at ex08.py:4 in f)" in message
    assert BLOCKED_LOOP.sentence() in message and message.endswith(f"Hint: {BLOCKED_LOOP.hint}")


def test_failures_without_a_general_hint_keep_their_reason():
    observation = observe({"status": "raised", "error": {"type": "ValueError", "message": "bad", "where": "m.py:3"}})
    assert observation.hint == "" and failure(observation.value) == "your code raised ValueError: bad at m.py:3."
    assert observation.message() == observation.reason
