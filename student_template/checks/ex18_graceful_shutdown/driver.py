"""Code the world runs beside the student's module for ex18 (``await h.driver.name(...)``).

Whether a task of the service is still pending at the very moment ``stop()`` returns can
only be seen inside the student's process: cancelled tasks that were not awaited end a
moment later, at the same instant of the clock. What these functions report is the
student's process's own account.
"""

import asyncio

_before: set = set()


def note_tasks() -> None:
    """Remember the tasks that exist before the service is made (the driver's own)."""
    _before.clear()
    _before.update(asyncio.all_tasks())


async def stop_and_look(service, timeout: float) -> dict:
    """``await service.stop(timeout)``, then the tasks made since :func:`note_tasks` still pending."""
    count = await service.stop(timeout)
    me = asyncio.current_task()
    left = sorted(getattr(t.get_coro(), "__qualname__", repr(t.get_coro()))
                  for t in asyncio.all_tasks() if t is not me and t not in _before and not t.done())
    return {"count": count, "tasks_left": left}
