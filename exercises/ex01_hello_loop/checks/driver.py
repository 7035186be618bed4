"""Code the checks of ex01 run in your process, beside your module (``student``).

The world (the grader, outside your process) calls these functions and records, on its
own clock, every call of the functions it passes in (``ticked``) and everything printed.
"""

import asyncio

student = None  # your module, set by the harness before the first call
_sleep = asyncio.sleep  # taken before your module is imported


async def hello_beside_ticker(delay: float, tick: float, ticked) -> None:
    """Run hello_world(delay) while another task on the same loop calls ``ticked(n)`` every ``tick`` s."""

    async def ticker() -> None:
        n = 0
        while True:
            await _sleep(tick)
            n += 1
            await ticked(n)

    other = asyncio.get_running_loop().create_task(ticker())
    try:
        await student.hello_world(delay)
    finally:
        other.cancel()


def main_without_loop():
    """Call main() in a plain program with no current event loop set (as Python 3.14 has)."""
    asyncio.set_event_loop(None)
    return student.main()
