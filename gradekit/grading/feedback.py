"""Failing a check with feedback that names the property, the numbers and a hint.

Every failure reads the same way: *the property: expected …, observed …. (a note)
Hint: one step toward the concept, not the answer.* :func:`expect` writes it.

Five mistakes are so common in asyncio that each has its own wording, written once
here as a :class:`Mistake` (what went wrong, why it matters, the concept that avoids
it) and used by the checks that see them:

- a blocked event loop — :data:`BLOCKED_LOOP`, :func:`blocking_note`, :func:`expect_responsive`;
- a coroutine never awaited — :data:`NEVER_AWAITED`, :func:`expect_all_awaited`;
- a task left running — :data:`LEAKED_TASK`, :func:`expect_no_leaked_tasks`;
- a swallowed cancellation — :data:`SWALLOWED_CANCELLATION`, :func:`expect_cancellation_propagates`;
- a timeout (the code never finished) — :data:`TIMEOUT`, used by
  :class:`gradekit.grading.observation.Observation` and the plugin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class CheckFailure(AssertionError):
    """A check failed; the message is shown to the student as is."""


@dataclass(frozen=True)
class Mistake:
    """A common asyncio mistake: its ``name``, ``why`` it matters, and a ``hint`` toward the concept."""

    name: str
    why: str
    hint: str

    def sentence(self, detail: str = "") -> str:
        """'This is <name> (<detail>): <why>.'"""
        return f"This is {self.name}{f' ({detail})' if detail else ''}: {self.why}."


BLOCKED_LOOP = Mistake(
    "a blocked event loop",
    "while one coroutine runs without awaiting, no other task runs and every timer is late",
    "inside a coroutine, await asyncio.sleep (never time.sleep), and run blocking or CPU-heavy calls in a thread "
    "with asyncio.to_thread")
NEVER_AWAITED = Mistake(
    "a coroutine never awaited",
    "calling an async function only creates a coroutine object; its body runs only once it is awaited",
    "put await before the call, or hand the coroutine to asyncio.create_task or asyncio.gather and await those")
LEAKED_TASK = Mistake(
    "a task left running",
    "a task you start keeps running on its own after your function has returned, and its errors are lost",
    "before returning, await every task you created (asyncio.gather, asyncio.TaskGroup), or cancel it and await it")
SWALLOWED_CANCELLATION = Mistake(
    "a swallowed cancellation",
    "the CancelledError was caught and not raised again, so whoever cancelled the task is told the work went on",
    "clean up in a finally: block (or catch asyncio.CancelledError, clean up, then `raise`) and let the "
    "CancelledError propagate")
TIMEOUT = Mistake(
    "a timeout",
    "your code was still waiting (or still running) when the check's time limit struck",
    "look for an await that can never complete (a future never set, a queue never filled, a task never started, "
    "a lock never released) or a loop that never awaits")


def fmt_seconds(value: float | None) -> str:
    return "nothing" if value is None else f"{value:.3f} s"


def approx(observed: float | None, target: float, rel: float = 0.10, floor: float = 0.05) -> bool:
    """The catalog's tolerance: within ``target`` ± 10 % and at least ± 0.05 s."""
    return observed is not None and abs(observed - target) <= max(abs(target) * rel, floor)


def failure_message(prop: str, expected: Any, observed: Any, hint: str, note: str = "") -> str:
    message = f"{prop}: expected {expected}, observed {observed}."
    if note:
        message += f" {note}"
    return f"{message} Hint: {hint}"


def expect(condition: bool, prop: str, *, expected: Any, observed: Any, hint: str, note: str = "") -> None:
    if not condition:
        raise CheckFailure(failure_message(prop, expected, observed, hint, note))


def expect_happened(happened: bool, prop: str, *, needs: str, observed: Any, hint: str) -> None:
    """Fail unless the situation a check judges occurred: no points for doing nothing.

    A property such as "every One precedes every Two", "no task left" or "returns None
    when slow" also holds when the student's code did nothing at all (an empty log, no
    task ever made, no call made). Call this first with what must have happened::

        expect_happened(bool(log), "every One precedes every Two", needs="count_all logs every name",
                        observed="an empty log", hint="append to the shared log in count().")

    The student reads the property, what had to happen first, and what did.
    """
    expect(happened, prop, expected=f"{needs}, so that there is something to judge", observed=observed, hint=hint,
           note="The property can only be judged once that has happened.")


STALL_KINDS = {"time.sleep": "time.sleep()", "busy": "CPU-bound work", "blocking": "a blocking call"}


def _stalls_observed(stalls: list[dict]) -> str:
    """'0.600 s in total (3 times; first: time.sleep() of 0.200 s at ex03_fetch_all.py:11 in polite)'."""
    total = sum(s["seconds"] for s in stalls)
    first = stalls[0]
    where = f" at {first['where']}" if first.get("where") else ""
    times = "1 time" if len(stalls) == 1 else f"{len(stalls)} times"
    return (f"{total:.3f} s in total ({times}; first: {STALL_KINDS.get(first['kind'], first['kind'])} "
            f"of {first['seconds']:.3f} s{where})")


def blocking_note(stalls: list[dict]) -> str:
    """Two sentences about the loop being blocked (what, then why it matters), or ''."""
    if not stalls:
        return ""
    return f"Your code blocked the event loop for {_stalls_observed(stalls)}. {BLOCKED_LOOP.sentence()}"


def expect_elapsed(observed: float | None, target: float, prop: str, *, hint: str, stalls: list[dict] | None = None,
                   rel: float = 0.10, floor: float = 0.05, note: str = "") -> None:
    expect(
        approx(observed, target, rel, floor),
        prop,
        expected=f"≈ {target:.3f} s (± {max(target * rel, floor):.3f} s)",
        observed=fmt_seconds(observed),
        hint=hint,
        note=" ".join(n for n in (note, blocking_note(stalls or [])) if n),
    )


def expect_responsive(stalls: list[dict], prop: str = "the event loop stays responsive", *,
                      hint: str = BLOCKED_LOOP.hint) -> None:
    """Fail when the student's code blocked the event loop (``observation.stalls``)."""
    if stalls:
        raise CheckFailure(failure_message(prop, "the event loop never blocked",
                                           f"your code blocked it for {_stalls_observed(stalls)}", hint,
                                           BLOCKED_LOOP.sentence()))


_NEVER_AWAITED = re.compile(r"coroutine '([^']{1,100})' was never awaited")


def _warned_about(warnings: list[str]) -> str:
    """"coroutine 'sleep' was never awaited (×6)": which coroutines, not the debug-mode traceback that follows."""
    counts: dict[str, int] = {}
    for line in warnings:
        found = _NEVER_AWAITED.search(line)
        text = found.group(0) if found else line[:100]
        counts[text] = counts.get(text, 0) + 1
    return "; ".join(f"{text} (×{n})" if n > 1 else text for text, n in counts.items())


def expect_all_awaited(warnings: list[str], prop: str = "every coroutine is awaited", *,
                       hint: str = NEVER_AWAITED.hint) -> None:
    """Fail when Python warned that a coroutine was never awaited (``observation.hygiene["never_awaited"]``).

    The warnings are what the student's process reports about itself: keep the points of
    such a check small (``docs/security.md``)."""
    if warnings:
        raise CheckFailure(failure_message(prop, "no 'coroutine … was never awaited' warning",
                                           f"{len(warnings)} warning(s): {_warned_about(warnings)}", hint,
                                           NEVER_AWAITED.sentence()))


def never_awaited_note(warnings: list[str], suspect: str = "") -> str:
    """A note for a check about something else: Python warned that a coroutine was never awaited, or ''."""
    if not warnings:
        return ""
    return f"Python warned that a coroutine was never awaited{f' ({suspect})' if suspect else ''}. " \
           f"{NEVER_AWAITED.sentence()}"


def expect_no_leaked_tasks(pending: list[str], prop: str, *, when: str = "when your function returns",
                           hint: str = LEAKED_TASK.hint) -> None:
    """Fail when tasks were still pending ``when`` (``observation.hygiene["pending_tasks"]``: coroutine names)."""
    if pending:
        counts = {name: pending.count(name) for name in sorted(set(pending))}
        names = ", ".join(f"{name}() ×{n}" if n > 1 else f"{name}()" for name, n in counts.items())
        raise CheckFailure(failure_message(prop, f"no task still pending {when}",
                                           f"{len(pending)} task(s) still pending: {names}", hint,
                                           LEAKED_TASK.sentence()))


CANCEL_ENDINGS = ("cancelled", "returned", "raised", "running")


def expect_cancellation_propagates(ended: str, prop: str, *, cancelled_at: float | None, detail: str = "",
                                   hint: str = SWALLOWED_CANCELLATION.hint) -> None:
    """Fail unless the cancelled call ended cancelled (its CancelledError reached the caller).

    ``ended`` is how it ended after ``cancel()`` at ``cancelled_at``: ``cancelled``,
    ``returned`` (the cancellation was swallowed), ``raised`` (another exception
    replaced it; say which in ``detail``) or ``running`` (it went on working)."""
    if ended not in CANCEL_ENDINGS:
        raise ValueError(f"ended must be one of {', '.join(CANCEL_ENDINGS)}, not {ended!r}")
    if ended == "cancelled":
        return
    at = f" at {cancelled_at:.3f} s" if cancelled_at is not None else ""
    observed = {
        "returned": f"it returned normally after cancel(){at}",
        "raised": f"it raised another exception after cancel(){at}",
        "running": f"it was still running long after cancel(){at}",
    }[ended] + (f" ({detail})" if detail else "")
    note = SWALLOWED_CANCELLATION.sentence() if ended in ("returned", "running") else \
        "Raising another exception in place of the CancelledError hides the cancellation just the same."
    raise CheckFailure(failure_message(prop, "it ends by raising CancelledError", observed, hint, note))
