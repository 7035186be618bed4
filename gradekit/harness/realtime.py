"""The real clocks, captured before any student code is imported.

Student modules may monkeypatch ``time`` or ``asyncio``; the harness and the
grader-owned fakes only ever use the references captured here.
"""

import asyncio
import threading
import time

monotonic = time.monotonic
perf_counter = time.perf_counter
wall_time = time.time
thread_time = time.thread_time
sleep = time.sleep
async_sleep = asyncio.sleep
get_running_loop = asyncio.get_running_loop
current_task = asyncio.current_task
get_ident = threading.get_ident
MAIN_THREAD_ID = threading.main_thread().ident
