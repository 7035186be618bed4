"""Scenarios for the public checks of ex04 (run by the world; the student's run_jobs is called remotely).

The jobs are the world's fakes. A failing job raises an exception object of the world;
when the student's code hands that object back (in its list, or by raising it), it
reaches the world as the very same object, so ``item is outcome.error`` tells the
original from a copy.
"""

from gradekit.world import Outcome, scenario


def _jobs(h, specs, error=ValueError):
    """specs: [latency, error message or None]; job i returns a per-run token or raises ``error(message)``."""
    outcomes = [Outcome(latency=latency, value=h.token(f"v{i}"), error=error(message) if message else None)
                for i, (latency, message) in enumerate(specs)]
    jobs, record = h.jobs(outcomes)
    return jobs, record, outcomes


def _label(item, outcomes):
    """How one slot of the returned list looks, in words a student can compare."""
    for i, outcome in enumerate(outcomes):
        if outcome.error is not None and item is outcome.error:
            return f"the {type(item).__name__} raised by job {i}"
    if isinstance(item, BaseException):
        return f"a different {type(item).__name__}({str(item)[:80]!r}) object"
    return repr(item)[:80]


def _expected(outcomes):
    return [f"the {type(o.error).__name__} raised by job {i}" if o.error is not None else repr(o.value)
            for i, o in enumerate(outcomes)]


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
        return {"raised": h.describe(exc), "expected": _expected(outcomes), "elapsed": h.elapsed(),
                **record.summary()}
    return {"result": _summarize(result, outcomes), "expected": _expected(outcomes), "raised": None,
            "elapsed": h.elapsed(), **record.summary()}
