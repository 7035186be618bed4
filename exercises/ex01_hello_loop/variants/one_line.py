"""Prints Hello and World on one line (print(..., end=" ")): the output is "Hello World\\n"."""

import asyncio

EXPECTED_TO_FAIL = ["test_output_is_hello_world"]


async def hello_world(delay: float = 1.0) -> None:
    print("Hello", end=" ")
    await asyncio.sleep(delay)
    print("World")


def main() -> None:
    asyncio.run(hello_world())
