"""Scenarios for the public checks of ex15 (run by the world; the student's retry is called remotely).

``op`` is a function of the world: the student's process gets a proxy, and each call of
it starts, waits and ends on the world's clock, which is where every time a check judges
is read. ``retry_on`` is made of builtin classes by the exercise's driver code
(checks/driver.py), since classes cannot cross the link as data.
"""

import builtins

from gradekit.world import scenario


def make_op(h, plan: list[str], latency: float, on_end=None):
    """A zero-argument op; call n does plan[n] (the last item repeats) after `latency` seconds.

    An item is "ok" (return this run's token for "result-<n>") or the name of a builtin
    exception, raised as a fresh instance on every call so that identity can be checked.
    ``on_end(call)`` is called as each call ends, before it returns or raises.
    """
    calls, errors = [], []

    async def op():
        n = len(calls)
        call = {"n": n, "started": h.elapsed(), "ended": None, "outcome": "running"}
        calls.append(call)
        try:
            await h.sleep(latency)
        except BaseException:
            call["ended"], call["outcome"] = h.elapsed(), "cancelled"
            raise
        call["ended"] = h.elapsed()
        if on_end is not None:
            on_end(call)
        item = plan[min(n, len(plan) - 1)]
        if item == "ok":
            call["outcome"] = "returned"
            return h.token(f"result-{n}")
        error = getattr(builtins, item)(f"failure of attempt {n + 1}")
        errors.append(error)
        call["outcome"] = f"raised {item}"
        raise error

    return op, calls, errors


def raised_info(h, exc: BaseException, errors: list) -> dict:
    info = h.describe(exc)
    info["from_call"] = next((i for i, e in enumerate(errors) if e is exc), None)  # identity, not equality
    info["errors_raised"] = len(errors)
    return info


def plain(value):
    """What retry returned, as data a check can show (a token, or the repr of anything else)."""
    return value if value is None or isinstance(value, (str, int, float)) else repr(value)


async def retry_on_arg(h, retry_on: list[str] | None) -> dict:
    """The keyword arguments that pass `retry_on` (builtin class names) to retry, or none."""
    return {} if retry_on is None else {"retry_on": await h.driver.exception_classes(retry_on)}


async def retry_result(h, plan: list[str], attempts: int, base_delay: float, latency: float,
                       retry_on: list[str] | None = None) -> dict:
    """Await retry(op, attempts, base_delay[, retry_on]) on an op made by make_op: what it did."""
    op, calls, errors = make_op(h, plan, latency)
    kwargs = await retry_on_arg(h, retry_on)
    result, raised = None, None
    try:
        result = await h.student.retry(op, attempts, base_delay, **kwargs)
    except NotImplementedError:
        raise  # the stub: let the grader say "not written yet"
    except Exception as exc:
        raised = raised_info(h, exc, errors)
    first_ok = plan.index("ok") if "ok" in plan else None
    return {"result": plain(result), "raised": raised, "ended": h.elapsed(), "calls": calls,
            "expected": h.token(f"result-{first_ok}") if first_ok is not None else None}


@scenario
async def call_retry(h, plan: list[str], attempts: int, base_delay: float, latency: float,
                     retry_on: list[str] | None = None):
    return await retry_result(h, plan, attempts, base_delay, latency, retry_on)
