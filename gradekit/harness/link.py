"""The student's process's end of the link to the world (see :mod:`gradekit.world`).

Nothing here records or judges anything. The world's fakes reach student code as
proxies (:class:`AsyncProxy`, :class:`SyncProxy`, :class:`ObjectProxy`) that ask the world
and wait for its answer; the clock of this process is set by the world's ``time``
messages; whatever the student's functions return or raise is sent back as data.
Replacing any of it can only make the world see less, which fails the checks, or see
messages the driver never sends, which flags the submission.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import traceback
from typing import Any

from gradekit.harness import realtime
from gradekit.world.protocol import BUILTIN_EXCEPTIONS, FrameReader, _safe_repr, decode_value, encode_value, frame



class LinkClosed(Exception):
    """The world ended the check (or went away)."""


class ChildLink:
    """Sends messages to the world and dispatches what it answers; one per check."""

    def __init__(self, fd: int, clock, workspace: str) -> None:
        self.sock = socket.socket(fileno=fd)
        self.sock.setblocking(True)
        self.clock = clock  # a VirtualClock, or None on the real clock
        self.workspace = workspace
        self._lock = realtime.allocate_lock()
        self._reader = FrameReader(limit=64 << 20)
        self._next_id = 0
        self.pending: dict[int, Any] = {}  # fake call id -> asyncio future or _Waiter (threads)
        self.handles: dict[int, Any] = {}  # objects of this process the world refers to
        self._handle_ids: dict[int, int] = {}
        self._world_objects: dict[int, Any] = {}  # proxies and exceptions, so identity survives a round trip
        self.blocked_threads = 0  # threads waiting for the world, not running
        self.finished = False
        self.on_call = None  # set by the driver: handles a "call" message
        self.on_cancel = None
        self.on_finish = None
        self.on_ping = None
        self.woken_at = None  # the last "time" message's instant
        self.seen = 0  # messages read from the world: an "idle" is about the state after them
        # A thread waiting for its answer reads the link itself when the loop's thread does not
        # (blocked in a pool's shutdown, a join): the messages for the loop's thread wait here.
        self._read_lock = realtime.allocate_lock()
        self._deferred: list[dict] = []
        self._main_loop = None  # the loop whose thread reads the link, woken for deferred messages

    # -- sending --------------------------------------------------------------------------
    def send(self, op: str, fds: list[int] = (), **fields: Any) -> None:
        data = frame({"op": op, **fields})
        with self._lock:
            if fds:
                sent = socket.send_fds(self.sock, [data], list(fds))
                data = data[sent:]
            self.sock.sendall(data)

    def new_id(self) -> int:
        with self._lock:
            self._next_id += 1
            return self._next_id

    def encode(self, value: Any) -> Any:
        return encode_value(value, self._refer)

    def _refer(self, value: Any) -> dict | None:
        ref = getattr(value, "_gradekit_world_ref", None)
        if type(ref) is int and self._world_objects.get(ref) is value:
            return {"$w": ref}
        if isinstance(value, BaseException):
            return {"$e": self.describe(value)}
        if isinstance(value, (bytes, bytearray, list, tuple, dict, set, frozenset)):
            return None  # plain data (a set goes as its repr)
        number = self._handle_ids.get(id(value))
        if number is None:
            number = len(self.handles) + 1
            self.handles[number] = value
            self._handle_ids[id(value)] = number
        return {"$h": number, "type": type(value).__name__[:80], "repr": _safe_repr(value)}

    def describe(self, exc: BaseException, depth: int = 0) -> dict:
        where = ""
        for entry in traceback.extract_tb(exc.__traceback__):
            if entry.filename.startswith(self.workspace):
                where = f"{entry.filename[len(self.workspace):].lstrip('/')}:{entry.lineno} in {entry.name}"
        try:
            message = str(exc)[:300]
        except Exception:
            message = ""
        info: dict[str, Any] = {"type": type(exc).__name__[:80], "message": message, "where": where}
        ref = getattr(exc, "_gradekit_world_ref", None)
        if type(ref) is int and self._world_objects.get(ref) is exc:
            info["ref"] = ref
        if isinstance(exc, BaseExceptionGroup) and depth < 5:
            info["exceptions"] = [self.describe(e, depth + 1) for e in exc.exceptions[:100]]
        return info

    # -- receiving ------------------------------------------------------------------------
    def decode(self, data: Any) -> Any:
        return decode_value(data, self._resolve)

    def _resolve(self, tag: str, data: dict) -> Any:
        if tag == "$h":
            return self.handles[data["$h"]]
        if tag == "$e":
            return self._exception(data["$e"])
        number = data["$w"]
        if number not in self._world_objects:
            self._world_objects[number] = _proxy(self, number, data)
        return self._world_objects[number]

    def _exception(self, info: dict) -> BaseException:
        ref = info.get("ref")
        if ref in self._world_objects:
            return self._world_objects[ref]
        name = str(info.get("type", "Exception"))
        cls = asyncio.CancelledError if name == "CancelledError" else BUILTIN_EXCEPTIONS.get(name)
        try:
            exc = cls(info.get("message", "")) if cls is not None else type(name, (Exception,), {})(info.get("message", ""))
        except Exception:
            exc = RuntimeError(info.get("message", ""))
        if ref is not None:
            exc._gradekit_world_ref = ref
            self._world_objects[ref] = exc
        return exc

    def pump(self, block: bool = False) -> None:
        """Read and dispatch what the world sent (waiting for at least one message if ``block``)."""
        with self._read_lock:
            self._main_loop = asyncio._get_running_loop() or self._main_loop
            if self._deferred:  # read by a waiting thread while this one was away
                deferred, self._deferred = self._deferred, []
                for message in deferred:
                    self._dispatch(message)
                block = False
            self._pump(block)

    def _pump(self, block: bool) -> None:
        self.sock.setblocking(block)
        try:
            while True:
                try:
                    data = self.sock.recv(1 << 16)
                except (BlockingIOError, InterruptedError):
                    return
                if not data:
                    self.finished = True
                    raise LinkClosed("the world closed the link")
                for message in self._reader.feed(data):
                    self._dispatch(message)
                if not self._reader.partial:
                    if block:
                        self.sock.setblocking(False)
                        block = False
        finally:
            self.sock.setblocking(True)

    def _dispatch(self, message: dict) -> None:
        self.seen += 1
        op = message["op"]
        if self.clock is not None and "now" in message:  # every message says the world's time
            self.clock.now = max(self.clock.now, float(message["now"]))
        if op == "time":
            if self.clock is not None:
                self.clock.now = max(self.clock.now, float(message["now"]))
            self.woken_at = message["now"]
        elif op == "reply":
            waiter = self.pending.pop(message["id"], None)
            if waiter is not None:
                _settle(waiter, self, message)
        elif op == "call":
            self.on_call(message)
        elif op == "cancel":
            self.on_cancel(message["id"])
        elif op == "ping":
            # Answered from the loop (call_soon): as late as the loop is blocked.
            if self.on_ping is not None:
                self.on_ping(message["id"])
            else:
                self.send("pong", id=message["id"])
        elif op == "finish":
            self.finished = True
            if self.on_finish is not None:
                self.on_finish()

    # -- waiting --------------------------------------------------------------------------
    def wait_for_time(self) -> None:
        """Block the calling (main) thread until the world says the time, dispatching meanwhile."""
        self.woken_at = None
        while self.woken_at is None and not self.finished:
            self.pump(block=True)

    def call_world(self, number: int, method: str | None, args: tuple, kwargs: dict) -> Any:
        """A blocking call of a world object from any thread: its value, or raise its error."""
        call_id = self.new_id()
        waiter = _Waiter()
        self.pending[call_id] = waiter
        on_main = realtime.get_ident() == realtime.MAIN_THREAD_ID
        waiter.thread = not on_main
        if not on_main:
            with self._lock:
                # Counted until the loop's thread hands over the answer (_settle), so that an
                # "idle" sent in between never reports this thread as running.
                self.blocked_threads += 1
        self.send("fake", id=call_id, target=number, method=method, args=self.encode(list(args)),
                  kwargs=self.encode(kwargs), blocking=on_main)
        if on_main:
            while not waiter.done.is_set():
                self.pump(block=True)
        else:
            while not waiter.done.wait(THREAD_READS_AFTER):
                self._read_for_threads()
        return waiter.outcome()

    def _read_for_threads(self) -> None:
        """A thread still waits for its answer: read the link unless the loop's thread does.

        The loop's thread may be blocked on this very thread (``ThreadPoolExecutor.shutdown``,
        a join): answers to threads are settled here, everything else waits for the loop's
        thread, which is woken for it.
        """
        if not self._read_lock.acquire(False):
            return  # the loop's thread is reading: it settles the answer
        deferred = False
        try:
            self.sock.setblocking(False)
            while not self.finished:
                try:
                    data = self.sock.recv(1 << 16)
                except (BlockingIOError, InterruptedError):
                    break
                if not data:
                    self.finished = deferred = True  # the loop's thread finds out when it reads
                    break
                for message in self._reader.feed(data):
                    waiter = self.pending.get(message.get("id")) if message.get("op") == "reply" else None
                    if isinstance(waiter, _Waiter) and waiter.thread:
                        self._dispatch(message)  # before deferred ones: it concerns this thread alone
                    else:
                        self._deferred.append(message)
                        deferred = True
        except OSError:
            pass
        finally:
            self.sock.setblocking(True)
            self._read_lock.release()
        loop = self._main_loop
        if deferred and loop is not None:
            try:
                loop.call_soon_threadsafe(getattr(loop, "_pump", self.pump))
            except RuntimeError:  # the loop is closed
                pass

    async def call_world_async(self, number: int, method: str | None, args: tuple, kwargs: dict) -> Any:
        call_id = self.new_id()
        future = asyncio.get_running_loop().create_future()
        self.pending[call_id] = future
        self.send("fake", id=call_id, target=number, method=method, args=self.encode(list(args)),
                  kwargs=self.encode(kwargs), blocking=False)
        try:
            return await future
        except asyncio.CancelledError:
            if self.pending.pop(call_id, None) is not None:
                self.send("cancel_fake", id=call_id)
            raise


#: Seconds a thread waits for its answer before it reads the link itself.
THREAD_READS_AFTER = 0.02


class _Waiter:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.thread = False  # a thread other than the loop's waits for it
        self.value: Any = None
        self.error: BaseException | None = None

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


def _settle(waiter: Any, link: ChildLink, message: dict) -> None:
    if isinstance(waiter, _Waiter) and waiter.thread:
        with link._lock:
            link.blocked_threads -= 1
    if "error" in message:
        error = link._exception(message["error"])
        if isinstance(waiter, _Waiter):
            waiter.error = error
            waiter.done.set()
        elif not waiter.done():
            waiter.set_exception(error)
        return
    value = link.decode(message.get("value"))
    if isinstance(waiter, _Waiter):
        waiter.value = value
        waiter.done.set()
    elif not waiter.done():
        waiter.set_result(value)


def _proxy(link: ChildLink, number: int, data: dict) -> Any:
    kind = data.get("kind")
    if kind == "object":
        proxy = ObjectProxy(link, number, data.get("methods") or {}, data.get("attrs") or {})
    elif kind == "sync":
        proxy = SyncProxy(link, number)
    else:
        proxy = AsyncProxy(link, number)
    object.__setattr__(proxy, "_gradekit_world_ref", number)
    return proxy


class AsyncProxy:
    """An async callable of the world (a fake ``fetch``, ``job``, ``send``)."""

    def __init__(self, link: ChildLink, number: int, method: str | None = None) -> None:
        self._link, self._number, self._method = link, number, method

    def __call__(self, *args: Any, **kwargs: Any):
        coroutine = self._link.call_world_async(self._number, self._method, args, kwargs)
        # Named after what the student called, so "coroutine ... was never awaited" says so.
        coroutine.__qualname__ = coroutine.__name__ = self._method or "the grader's function"
        return coroutine

    def __repr__(self) -> str:
        return f"<grader's {self._method or 'function'}>"


class SyncProxy(AsyncProxy):
    """A blocking callable of the world: the calling thread waits for the world's answer."""

    def __call__(self, *args: Any, **kwargs: Any):
        return self._link.call_world(self._number, self._method, args, kwargs)


class ObjectProxy:
    """An object of the world (a fake connection): its methods ask the world, its attributes are copies."""

    def __init__(self, link: ChildLink, number: int, methods: dict, attrs: dict) -> None:
        for name, kind in methods.items():
            cls = SyncProxy if kind == "sync" else AsyncProxy
            object.__setattr__(self, name, cls(link, number, name))
        for name, value in attrs.items():
            object.__setattr__(self, name, link.decode(value))

    def __repr__(self) -> str:
        return "<grader's object>"


def link_fd_from_env() -> int | None:
    value = os.environ.get("GRADEKIT_LINK_FD")
    return int(value) if value and value.isdigit() else None
