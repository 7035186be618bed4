"""Scenarios for the public checks of ex02 (run by the world; the student's count_all is called remotely)."""

from gradekit.world import scenario


def as_log(log):
    """A returned log as a list (what came back is a copy made when count_all returned)."""
    return list(log) if isinstance(log, (list, tuple)) else log


@scenario
async def count_names(h, names: list[str], delay: float, settle: float = 0.0):
    """count_all(names, delay), timed on the world's clock; ``settle`` > 0 also reads the returned log
    again that much later (``settled``: what the counts wrote, even those count_all forgot to wait for)."""
    if not settle:
        log = await h.student.count_all(list(names), delay)
        return {"log": as_log(log), "elapsed": h.elapsed()}
    # The same list read twice must be read in the student's process: the public driver does it.
    returned, settled = await h.driver.count_all_settled(list(names), delay, settle)
    return {"log": as_log(returned), "settled": as_log(settled)}
