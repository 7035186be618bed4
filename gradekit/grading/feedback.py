"""Failing a check with feedback that names the property, the numbers and a hint."""

from __future__ import annotations

from typing import Any


class CheckFailure(AssertionError):
    """A check failed; the message is shown to the student as is."""


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


def blocking_note(stalls: list[dict]) -> str:
    """One sentence about the loop being blocked, or ''."""
    if not stalls:
        return ""
    total = sum(s["seconds"] for s in stalls)
    first = stalls[0]
    kinds = {"time.sleep": "time.sleep()", "busy": "CPU-bound work", "blocking": "a blocking call"}
    where = f" at {first['where']}" if first.get("where") else ""
    return (
        f"Your code blocked the event loop for {total:.3f} s in total "
        f"({len(stalls)} time(s); first: {kinds.get(first['kind'], first['kind'])} of {first['seconds']:.3f} s{where})."
    )


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
                      hint: str = "never call time.sleep or do long blocking work inside a coroutine; "
                                  "await asyncio.sleep, or move blocking work to a thread with asyncio.to_thread") -> None:
    if stalls:
        raise CheckFailure(f"{prop}: expected no blocking, observed: {blocking_note(stalls)} Hint: {hint}")
