"""Scenarios for the hidden checks of ex11."""

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome

ERRORS = {"ConnectionError": ConnectionError, "TimeoutError": TimeoutError, "OSError": OSError}


@scenario(limit=30)
async def race_mirrors(h, mirrors: dict[str, dict]):
    """``mirrors[m]`` = {"latency": s, "error": [type name, message] or None}.

    The outcome of the race and the recorder, read at the moment ``fastest``
    returned or raised.
    """
    def behaviour(mirror):
        spec = mirrors[mirror]
        error = ERRORS[spec["error"][0]](spec["error"][1]) if spec.get("error") else None
        return Outcome(latency=spec["latency"], value=f"<{mirror}>", error=error)

    fetch, record = h.fake(behaviour)
    try:
        outcome = {"returned": await h.student.fastest(list(mirrors), fetch)}
    except NotImplementedError:
        raise
    except Exception as exc:
        outcome = {"raised": h.describe(exc), "is_group": isinstance(exc, ExceptionGroup)}
    return {**outcome, "elapsed": h.elapsed(), **record.summary()}
