"""ex10_debug_mode — find and fix the bugs (PYTHONASYNCIODEBUG).

``notify_all`` below looks reasonable, but it hides three classic asyncio bugs.
Run this file in asyncio's debug mode and read what asyncio reports:

    PYTHONASYNCIODEBUG=1 python -X dev ex10_debug_mode.py

then fix ``notify_all`` (keep its signature). See tasks/ex10_debug_mode.md for the
full statement.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable


async def notify_all(users: list[str], send: Callable[[str], Awaitable[None]]) -> int:
    """Send a notification to every user, all at the same time, and return how many
    were sent. If a send fails, its exception must reach the caller."""
    sent = 0
    for user in users:
        asyncio.create_task(send(user))  # start sending in the background
        asyncio.sleep(0.01)  # be gentle with the mail server
        sent += 1
    time.sleep(1.0)  # give the sends time to finish
    return sent


async def _demo_send(user: str) -> None:
    """A pretend mail server: 0.5 s per message; it refuses 'mallory'."""
    await asyncio.sleep(0.5)
    if user == "mallory":
        raise ConnectionError(f"{user}: mailbox unreachable")
    print(f"sent to {user}")


if __name__ == "__main__":
    started = time.perf_counter()
    print("notified:", asyncio.run(notify_all(["ann", "bob", "cy"], _demo_send), debug=True))
    print(f"took {time.perf_counter() - started:.2f} s (one send takes 0.5 s)")
    print("with a failing user:", asyncio.run(notify_all(["ann", "mallory"], _demo_send), debug=True))
