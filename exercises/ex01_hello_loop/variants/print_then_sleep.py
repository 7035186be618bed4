"""Prints both lines first and waits afterwards: the pause is not between Hello and World."""

import asyncio

EXPECTED_TO_FAIL = ["test_waits_delay_between_lines"]


async def hello_world(delay: float = 1.0) -> None:
    print("Hello")
    print("World")
    await asyncio.sleep(delay)


def main() -> None:
    asyncio.run(hello_world())
