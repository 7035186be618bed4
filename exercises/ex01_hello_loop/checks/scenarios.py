"""Scenarios for the public checks of ex01 (run by the world; the student's hello_world is called remotely)."""

from gradekit.world import scenario


def printed_at(writes: list) -> list[float]:
    """When each write that printed something other than white space came, on the world's clock."""
    return [at for at, text in writes if str(text).strip()]


@scenario
async def hello_timed(h, delay: float):
    """hello_world(delay); what it printed is seen by the world, each write stamped on its clock."""
    await h.student.hello_world(delay)
    printed = printed_at(h.writes)
    return {
        "elapsed": h.elapsed(),
        "first_print_at": printed[0] if printed else None,
        "last_print_at": printed[-1] if printed else None,
    }
