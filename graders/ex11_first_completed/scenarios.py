"""Scenarios for the hidden checks of ex11 (run by the world)."""

from gradekit.world import Outcome, scenario

ERRORS = {"ConnectionError": ConnectionError, "TimeoutError": TimeoutError, "OSError": OSError}


@scenario(limit=30)
async def race_mirrors(h, mirrors: dict[str, dict]):
    """``mirrors[m]`` = {"latency": s, "error": [type name, message] or None}.

    The outcome of the race and the fetches as they stood when ``fastest`` returned or raised: a loser
    cancelled but not awaited is still running then (its cancellation reaches the world after the answer).
    """
    def behaviour(mirror):
        spec = mirrors[mirror]
        error = ERRORS[spec["error"][0]](spec["error"][1]) if spec.get("error") else None
        return Outcome(latency=spec["latency"], value=h.token(mirror), error=error)

    fetch, record = h.fake(behaviour)
    at_answer = h.at_answer(record)  # the fetches as they stood when fastest ended, in message order
    try:
        outcome = {"returned": await h.student.fastest(list(mirrors), fetch)}
    except NotImplementedError:
        raise
    except Exception as exc:
        outcome = {"raised": h.describe(exc), "is_group": isinstance(exc, ExceptionGroup)}
    return {**outcome, "answers": {m: h.token(m) for m in mirrors}, "elapsed": h.elapsed(), **at_answer}
