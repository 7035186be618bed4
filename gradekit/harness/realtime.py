"""The real clocks, captured before any student code is imported.

Student modules may monkeypatch ``time`` or ``asyncio``; the harness and the
grader-owned fakes only ever use the references captured here.
"""

import _thread
import asyncio
import sys
import threading
import time

monotonic = time.monotonic
perf_counter = time.perf_counter
wall_time = time.time
thread_time = time.thread_time
clock_gettime = time.clock_gettime
#: The CPU clock of a given thread (Unix); None where the platform has none.
pthread_getcpuclockid = getattr(time, "pthread_getcpuclockid", None)
sleep = time.sleep
async_sleep = asyncio.sleep
get_running_loop = asyncio.get_running_loop
current_task = asyncio.current_task
get_ident = threading.get_ident
get_native_id = threading.get_native_id
enumerate_threads = threading.enumerate
start_new_thread = _thread.start_new_thread
allocate_lock = _thread.allocate_lock
current_frames = sys._current_frames
MAIN_THREAD_ID = threading.main_thread().ident
