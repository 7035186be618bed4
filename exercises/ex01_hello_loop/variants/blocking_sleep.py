"""Waits with time.sleep: right output and timing, but the whole loop freezes meanwhile."""

import asyncio
import time

EXPECTED_TO_FAIL = ["test_other_task_keeps_running"]


async def hello_world(delay: float = 1.0) -> None:
    print("Hello")
    time.sleep(delay)
    print("World")


def main() -> None:
    asyncio.run(hello_world())
