"""Scenarios for the public checks of ex04 (run in the sandbox)."""

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome


def _jobs(h, specs):
    """specs: [latency, error message or None]; job i returns f"v{i}" or raises ValueError(message)."""
    outcomes = [Outcome(latency=latency, value=f"v{i}", error=ValueError(error) if error else None)
                for i, (latency, error) in enumerate(specs)]
    jobs, record = h.jobs(outcomes)
    return jobs, record, outcomes


def _label(item, outcomes):
    """How one slot of the returned list looks, in words a student can compare."""
    for i, outcome in enumerate(outcomes):
        if outcome.error is not None and item is outcome.error:
            return f"the {type(item).__name__} raised by job {i}"
    if isinstance(item, BaseException):
        return f"a different {type(item).__name__}({str(item)!r}) object"
    return repr(item)[:80]


def _summarize(result, outcomes):
    if isinstance(result, (list, tuple)):
        return [_label(item, outcomes) for item in result]
    return f"a {type(result).__name__}, not a list: {repr(result)[:80]}"


@scenario
async def run_mixed_jobs(h, specs: list):
    jobs, record, outcomes = _jobs(h, specs)
    try:
        result = await h.student.run_jobs(jobs)
    except NotImplementedError:
        raise  # the stub: let the check say so
    except Exception as exc:
        return {"raised": h.describe(exc), "elapsed": h.elapsed(), **record.summary()}
    return {"result": _summarize(result, outcomes), "raised": None, "elapsed": h.elapsed(), **record.summary()}
