"""Ignores the delay parameter and always waits 1 second."""

import asyncio

EXPECTED_TO_FAIL = ["test_waits_delay_between_lines"]


async def hello_world(delay: float = 1.0) -> None:
    print("Hello")
    await asyncio.sleep(1)
    print("World")


def main() -> None:
    asyncio.run(hello_world())
