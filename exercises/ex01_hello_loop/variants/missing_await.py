"""Calls asyncio.sleep(delay) without await: the sleep coroutine is never run, nothing waits."""

import asyncio

EXPECTED_TO_FAIL = ["test_waits_delay_between_lines"]


async def hello_world(delay: float = 1.0) -> None:
    print("Hello")
    asyncio.sleep(delay)
    print("World")


def main() -> None:
    asyncio.run(hello_world())
