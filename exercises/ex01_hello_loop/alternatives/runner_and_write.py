"""Same behaviour with asyncio.Runner (3.11+) and sys.stdout.write instead of print."""

import asyncio
import sys


async def hello_world(delay: float = 1.0) -> None:
    sys.stdout.write("Hello\n")
    sys.stdout.flush()
    await asyncio.sleep(delay)
    sys.stdout.write("World\n")


def main() -> None:
    with asyncio.Runner() as runner:
        runner.run(hello_world())
