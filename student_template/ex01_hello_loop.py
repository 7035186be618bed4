"""ex01_hello_loop — the event loop and asyncio.run.

Write ``hello_world`` (print Hello, wait without blocking the loop, print World)
and ``main`` (run it with asyncio.run). See tasks/ex01_hello_loop.md for the full
statement.
"""

import asyncio


async def hello_world(delay: float = 1.0) -> None:
    """Print ``Hello``, wait ``delay`` seconds without blocking the event loop, print ``World``."""
    raise NotImplementedError("ex01: print Hello, wait delay seconds without blocking the loop, print World")


def main() -> None:
    """Run ``hello_world()`` with ``asyncio.run``."""
    raise NotImplementedError("ex01: run hello_world() with asyncio.run")


if __name__ == "__main__":
    main()
