"""Building a check's timeline from what the world recorded, and a correct run's shape.

A check about concurrency or time shows the student *when* their calls ran. It asks
for the ``timeline`` fixture and hands it a timeline built here; the timeline is
shown under the check when it fails (text report, HTML, JSON)::

    from gradekit.grading import calls_timeline, check, concurrent_shape, expect_elapsed

    @check("elapsed ≈ the slowest fetch", points=3)
    def test_elapsed(run, timeline):
        observation = run("fetch_with_latencies", latencies=LATENCIES)
        value = observation.value()
        timeline(calls_timeline(value["calls"], "fetch(url) calls", label=str,
                                expected=concurrent_shape(LATENCIES)))
        expect_elapsed(value["elapsed"], 0.3, "elapsed ≈ the slowest fetch", hint=...)

``calls`` is a recorder's ``summary()["calls"]`` (key, started, ended, outcome). Attach
the timeline *before* the ``expect`` calls: a failed ``expect`` ends the check.

Hidden checks must not reveal hidden inputs: keep the default labels (``call 1``,
``call 2``… in the order the calls started) or map keys to neutral names
(``label={key: f"job {i + 1}"}``), and build the expected shape from what the check
may show (the durations the student's own calls took are theirs to see:
:func:`concurrent_shape` of :func:`durations`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["bar", "calls_timeline", "concurrent_shape", "durations", "limited_shape", "sequential_shape",
           "stopped_shape"]

#: The world's word for how a call ended (gradekit.world.fakes.Call) → a timeline's outcome.
OUTCOME = {"returned": "ok", "raised": "error", "cancelled": "cancelled", "running": "running"}

Label = Callable[[Any], str] | Mapping[Any, str] | None


def _outcome(word: Any) -> str:
    """A timeline's outcome for a recorded one: "raised ValueError" (a scenario's own record) is an error too."""
    if isinstance(word, str) and word.startswith("raised"):
        return "error"
    return OUTCOME.get(word, "running")
Durations = Mapping[str, float] | Iterable[tuple[str, float]]


def bar(label: str, start: float, end: float | None, outcome: str = "ok") -> dict:
    """One call of a timeline: ``label`` from ``start`` to ``end`` (None while running)."""
    return {"label": label, "start": start, "end": end, "outcome": outcome}


def _labeller(label: Label) -> Callable[[Any, int], str]:
    if label is None:
        return lambda key, index: f"call {index + 1}"
    if isinstance(label, Mapping):
        return lambda key, index: label.get(key, f"call {index + 1}") if _hashable(key) else f"call {index + 1}"
    return lambda key, index: label(key)


def _hashable(key: Any) -> bool:
    """Keys are what the student's code passed to a fake: anything, a list included."""
    try:
        hash(key)
    except TypeError:
        return False
    return True


def calls_timeline(calls: list[dict], title: str, *, label: Label = None,
                   expected: list[dict] | None = None, function: dict | None = None) -> dict:
    """The recorded ``calls`` as a timeline titled ``title``, beside ``expected`` (or alone).

    ``label`` names each call from its key: a function (``str`` for a url), a dict
    (keys it lacks keep the neutral name), or None for ``call 1``, ``call 2``… in the
    order the calls started. Rows keep the order of ``calls``. ``function`` (a
    :func:`bar`) is drawn first: the student's own function, from its call to its
    answer, when the time it returns is the point (``bar("fetch_with_timeout()", 0, elapsed)``).
    """
    name = _labeller(label)
    observed = [bar(name(c.get("key"), i), c["started"], c.get("ended"), _outcome(c.get("outcome")))
                for i, c in enumerate(calls)]
    for row in observed:  # a call the world saw end without an outcome word is drawn as it ended
        if row["end"] is not None and row["outcome"] == "running":
            row["outcome"] = "ok"
    data = {"title": title, "unit": "s", "observed": ([function] if function else []) + observed}
    if expected is not None:
        data["expected"] = expected
    return data


def _pairs(items: Durations) -> list[tuple[str, float]]:
    return list(items.items()) if isinstance(items, Mapping) else list(items)


def durations(calls: list[dict], label: Label = None) -> list[tuple[str, float]]:
    """(label, how long it took) of each ended call, named as :func:`calls_timeline` names them."""
    name = _labeller(label)
    return [(name(c.get("key"), i), c["ended"] - c["started"]) for i, c in enumerate(calls) if c.get("ended") is not None]


def concurrent_shape(items: Durations) -> list[dict]:
    """Every call started at once: each runs from 0 for its duration."""
    return [bar(label, 0.0, round(d, 6)) for label, d in _pairs(items)]


def sequential_shape(items: Durations) -> list[dict]:
    """One call after the other, in order (what a correct run looks like when order is the point)."""
    shape, now = [], 0.0
    for label, d in _pairs(items):
        shape.append(bar(label, round(now, 6), round(now + d, 6)))
        now += d
    return shape


def limited_shape(items: Durations, limit: int) -> list[dict]:
    """At most ``limit`` at once, in order, each starting as soon as a slot is free (a semaphore's schedule)."""
    if limit < 1:
        raise ValueError(f"a limited shape needs a limit of at least 1, not {limit}")
    free = [0.0] * limit
    shape = []
    for label, d in _pairs(items):
        slot = min(range(limit), key=lambda s: free[s])
        start = free[slot]
        free[slot] = start + d
        shape.append(bar(label, round(start, 6), round(start + d, 6)))
    return shape


def stopped_shape(shape: list[dict], at: float, *, failed: str | None = None) -> list[dict]:
    """``shape`` stopped at ``at``: calls not started before then never start, calls still running are
    cancelled then, and the call labelled ``failed`` (whose error stops the rest) ends as an error."""
    stopped = []
    for row in shape:
        if row["label"] == failed:
            stopped.append({**row, "outcome": "error"})
        elif row["start"] >= at - 1e-9:
            continue
        elif row["end"] is None or row["end"] > at + 1e-9:
            stopped.append({**row, "end": at, "outcome": "cancelled"})
        else:
            stopped.append(row)
    return stopped
