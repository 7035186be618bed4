"""main() uses the old asyncio.get_event_loop().run_until_complete(...) idiom.

It fails when no current event loop is set (after a previous asyncio.run, and
always from Python 3.14), and it never closes the loop it borrows.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_main_runs_hello_world"]


async def hello_world(delay: float = 1.0) -> None:
    print("Hello")
    await asyncio.sleep(delay)
    print("World")


def main() -> None:
    loop = asyncio.get_event_loop()
    loop.run_until_complete(hello_world())
