"""Scenarios for the hidden checks of ex02 (run by the world)."""

from gradekit.world import public_scenarios
from gradekit.world import scenario

_public = public_scenarios(__file__)
as_log = _public.as_log
count_names = _public.count_names  # count_all(names, delay): its log and how long it took


def _as_data(log):
    """A returned log as a list, anything else as a sentence."""
    return list(log) if isinstance(log, (list, tuple)) else f"returned {repr(log)[:120]}"


@scenario
async def count_nobody(h, solo: str = "solo", settle: float = 1.0):
    """count_all([]); then count_all([solo], 0.1) and its log ``settle`` s later (``solo_log``):
    what it does with one name shows that [] for no names is a choice, not what it always returns."""
    try:
        log = await h.student.count_all([], 1.0)
    except NotImplementedError:
        raise  # the stub: let the kit say "not written yet"
    except Exception as exc:
        value = {"error": h.describe(exc), "elapsed": h.elapsed()}
    else:
        value = {"log": as_log(log), "error": None, "elapsed": h.elapsed()}
    try:
        # Read again later in the student's process (the public driver): a count_all that forgets to
        # wait for its counts still shows that it logs something when given a name.
        _, solo_log = await h.driver.count_all_settled([solo], 0.1, settle)
        value["solo_log"] = _as_data(solo_log)
    except NotImplementedError:
        raise
    except Exception as exc:
        value["solo_log"] = f"raised {type(exc).__name__}: {str(exc)[:100]}"
    return value
