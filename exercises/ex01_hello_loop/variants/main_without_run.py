"""main() calls hello_world() directly: it only creates a coroutine that never runs."""

import asyncio

EXPECTED_TO_FAIL = ["test_main_runs_hello_world"]


async def hello_world(delay: float = 1.0) -> None:
    print("Hello")
    await asyncio.sleep(delay)
    print("World")


def main() -> None:
    hello_world()
