"""The world: the trusted process that owns a check's clock, fakes and records.

A check's scenario runs here, outside the sandbox, on a :class:`WorldLoop`. The
student's process is a client over a socket (:mod:`gradekit.world.protocol`): the
scenario calls its functions remotely, its calls of the fakes come here, and every
time, call, peak and cancellation a check judges is stamped on this side's clock.

Virtual time belongs to the world. It moves only when the student's process says it
is idle (its loop has nothing to run, its threads wait for the world), to the earlier
of the world's next timer and the student's next timer; then the world tells the
student's process the new time. Time the student's process spends busy is measured
here, from outside, between the world's message and the process's next ``idle``: the
main thread's CPU time (``/proc/<pid>/task/<pid>/schedstat``) plus the time it was seen
asleep in a system call of its own (:meth:`World.sample`); the pid comes from the kernel
with each message (``SCM_CREDENTIALS``). A busy spell of
:data:`STALL_SECONDS` or more is a stall, and moves the virtual clock by as much: a
blocking solution is as late as it would be in reality.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import platform
import secrets
import socket
import struct
from dataclasses import dataclass, field
from typing import Any

from gradekit.harness import realtime
from gradekit.world.fakes import FakeCallable
from gradekit.harness.loop import VIRTUAL_EPOCH
from gradekit.world.protocol import (MAX_MESSAGES, FrameReader, Tampered, check_child_message, decode_value,
                                     encode_value, frame)
from gradekit.world.procfs import LoopThread, OwnRunQueue
from gradekit.world.provisions import Provisions
from gradekit.world.remote import RemoteHandle, rebuild

#: Seconds of one busy spell (less waiting for a core) that count as blocking the loop.
STALL_SECONDS = 0.1
#: Real time, in multiples of the stall limit, after which a busy spell ends the check even
#: if the machine is so loaded that its own time has not reached the limit.
WALL_BACKSTOP = 4
#: Seconds between two looks at the student's loop thread while the world waits for it.
SAMPLE_INTERVAL = 0.01
#: On the real clock: seconds between two pings of the student's loop, and the answer's
#: delay that counts as the loop being blocked.
PING_INTERVAL = 0.01
REAL_STALL_SECONDS = 0.05
#: Characters of printed output kept.
OUTPUT_CAP = 64 << 10
_CREDENTIALS = struct.Struct("3i")  # pid, uid, gid
#: System calls in which the student's loop thread waits for the world, per machine (from
#: ``/proc/<pid>/task/<pid>/syscall``): the event loop's epoll wait, or a read of the link.
_EPOLL_WAITS = {"x86_64": {232, 281, 441}, "aarch64": {22, 441}}
_EPOLL_PWAIT2 = 441  # the same number on both
_LINK_READS = {"x86_64": {0, 45, 47}, "aarch64": {63, 207, 212}}
#: futex: a thread waits for a lock, a condition, or the GIL.
_FUTEX = {"x86_64": {202}, "aarch64": {98}}


class Aborted(Exception):
    """The check cannot go on: the student's process went away, stalled or tampered."""

    def __init__(self, status: str, reason: str = "", **data: Any) -> None:
        super().__init__(reason or status)
        self.status, self.reason, self.data = status, reason, data


@dataclass
class Stall:
    kind: str  # "time.sleep", "busy" or "blocking"
    seconds: float
    at: float  # on the world's clock, since the scenario started
    where: str = ""

    def as_dict(self) -> dict:
        return {"kind": self.kind, "seconds": round(self.seconds, 3), "at": round(self.at, 6), "where": self.where}


class WorldObject:
    """An object of the world that the student's code gets as a proxy (a fake connection).

    ``methods`` maps each method name the student may call to ``"async"`` or ``"sync"``;
    ``attrs`` are plain values copied to the proxy.
    """

    def __init__(self, target: Any, methods: dict[str, str], attrs: dict | None = None) -> None:
        self.target, self.methods, self.attrs = target, methods, attrs or {}


class BlockingFake:
    """A blocking callable: the student's thread that calls it waits for the world's answer.

    ``on_loop_thread`` counts the calls made from the thread of the student's event loop
    (which then waited for the answer: blocking the loop), ``from_threads`` the others.
    """

    def __init__(self, fake: FakeCallable) -> None:
        self.fake = fake
        self.on_loop_thread = 0
        self.from_threads = 0

    def __call__(self, *args: Any) -> Any:
        return self.fake(*args)


@dataclass
class Spell:
    """A stretch of time in which the student's loop thread ran (or blocked) instead of waiting.

    Accounted as it goes (:meth:`World._account`): once it reaches a stall, the clock
    moves by as much as it lasted so far, and its one :class:`Stall` record grows with it.
    """

    since: float  # real clock
    sched: tuple[float, float] | None  # the main thread's (CPU, run-queue) seconds then
    applied: float = 0.0  # seconds already added to the virtual clock
    stall: Stall | None = None
    blocked: float = 0.0  # seconds the thread was seen blocked in a system call of its own
    sampled_at: float = 0.0  # real clock, the last look at that thread
    sampled_sched: tuple[float, float] | None = None  # its schedstat then
    was_blocked: bool = False  # whether it was asleep in a call of its own then
    others_cpu: float | None = None  # the CPU seconds of the process's other threads then (in a lock wait)
    world_waited: float | None = None  # a ping's: the world thread's own run-queue seconds then

    @classmethod
    def start(cls, thread: LoopThread) -> Spell:
        now, sched = realtime.perf_counter(), thread.schedstat()
        return cls(now, sched, sampled_at=now, sampled_sched=sched)


@dataclass
class ChildState:
    idle: bool = False
    until: float | None = None
    external: int = 0  # threads of the student's process that run (not waiting for the world)
    spell: Spell | None = None  # the current busy spell, while not idle
    #: Its loop's thread waits for the world: "sleep" (time.sleep) or the id of a blocking call.
    blocked_on: str | int | None = None
    #: Real time since when its loop's thread has been held up while its threads wait for the world
    #: (a busy spell cut into stalls to let their time go on), else None.


@dataclass
class Record:
    """What the world saw of one check, besides what the scenario returned."""

    stalls: list[Stall] = field(default_factory=list)
    writes: list[tuple[float, str]] = field(default_factory=list)
    hygiene: dict | None = None
    stalled_where: str = ""
    imported: bool = False
    import_error: dict | None = None
    import_output: str = ""


class WorldLoop(asyncio.SelectorEventLoop):
    """The world's event loop: its clock is the check's clock."""

    def __init__(self, world: World, virtual: bool) -> None:
        self._world = world
        self.virtual = virtual
        self.now = VIRTUAL_EPOCH
        super().__init__()
        self._real_select = self._selector.select
        self._selector.select = self._select

    def time(self) -> float:
        return self.now if self.virtual else realtime.monotonic()

    def _select(self, timeout: float | None = None):
        ready = self._real_select(0)
        world = self._world
        if ready or timeout == 0 or world.aborted is not None:
            return ready
        child = world.child
        if not self.virtual:
            ready = self._real_select(PING_INTERVAL if timeout is None else min(timeout, PING_INTERVAL))
            world.sample()
            world.ping()
            return ready
        if not child.idle or child.external:
            step = 0.05 if timeout is None else min(timeout, 0.05)
            if child.idle and child.until is not None:
                step = max(0.0, min(step, child.until - self.now))  # its loop's next timer
            started = realtime.perf_counter()
            ready = self._real_select(step if child.idle else min(step, SAMPLE_INTERVAL))
            world.sample()
            if self.virtual and child.idle and child.external:
                # Threads of the student's process run in real time: the clock follows them,
                # and its loop's timers come due meanwhile.
                self.now += realtime.perf_counter() - started
                if child.until is not None and self.now >= child.until:
                    world.send("time", now=self.now)
            world.check_busy()
            return ready
        if not world.child_waits():
            # It says it is idle, but its loop's thread is not waiting: not yet, or a lie.
            ready = self._real_select(0.001)
            world.sample()
            world.check_busy()
            return ready
        target = None if timeout is None else self.now + timeout
        if child.until is not None and (target is None or child.until <= target):
            self.now = max(self.now, child.until)
            world.send("time", now=self.now)
            return []
        if target is None:
            return self._real_select(0.05)  # nothing scheduled anywhere: the limits will end it
        self.now = target
        return []


class World:
    """One check's world, talking to the student's process over ``sock``."""

    def __init__(self, sock: socket.socket, *, virtual: bool, stall_limit: float = 3.0,
                 import_limit: float = 5.0, link_fd: int | None = None, sockets: int = 0,
                 folder: bool = False) -> None:
        self.sock = sock
        #: What the student's process hands over with "start" (see gradekit.world.provisions).
        self.provisions = Provisions()
        self._asked = (sockets, folder)
        self._fds: list[int] = []
        self.link_fd = link_fd  # the link's fd number in the student's process, if known
        self._unverified: Spell | None = None  # an "idle" not borne out: the loop's thread still ran
        self.sock.setblocking(False)
        with contextlib.suppress(OSError, AttributeError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.loop = WorldLoop(self, virtual)
        self.stall_limit = stall_limit
        self.import_limit = import_limit
        #: The student's loop thread, seen through /proc once the kernel names its pid.
        self.thread = LoopThread()
        self._own_queue = OwnRunQueue()
        self.child = ChildState(spell=Spell.start(self.thread))
        self.record = Record()
        self.aborted: Aborted | None = None
        self.t0 = self.loop.now
        self._reader = FrameReader()
        self._messages = 0
        self._sent = 0  # messages sent to the student's process; its "idle" says how many it has read
        self._calls: dict[int, asyncio.Future] = {}
        self._next_call = 0
        self._fake_calls: dict[int, asyncio.Task | None] = {}
        #: Run (call_soon) each time the student's process answers a call: after what its earlier
        #: messages did to the fakes (a cancelled fake call ends one step after its message), before
        #: what its later ones do, and before the caller resumes (see WorldHarness.at_answer).
        self.answer_hooks: list = []
        self._thread_calls: set[int] = set()  # calls of blocking fakes whose threads wait for an answer
        self._objects: dict[int, Any] = {}
        self._numbers: dict[int, int] = {}
        self._handles: dict[int, RemoteHandle] = {}
        self._started = False
        self._finished = False  # "finish" sent: the scenario's outcome is settled
        self._ping: tuple[int, Spell] | None = None  # (id, the spell since it was sent), real clock only
        self._last_pong = 0.0
        self._imported = self.loop.create_future()
        self._reported = self.loop.create_future()
        self.loop.add_reader(sock.fileno(), self._on_readable)

    @property
    def pid(self) -> int | None:
        """The student's process, once the kernel named it (on its first message)."""
        return self.thread.pid

    # -- the clock ------------------------------------------------------------------------
    def elapsed(self) -> float:
        return round(self.loop.time() - self.t0, 6)

    # -- sending --------------------------------------------------------------------------
    def send(self, op: str, **fields: Any) -> None:
        self._sent += 1
        blocked = self.child.blocked_on
        if blocked is not None and (op, fields.get("id")) in (("time", None), ("reply", blocked)) \
                and (blocked != "sleep" or op == "time"):
            self.child.blocked_on = blocked = None
        if self.child.idle and blocked is None:
            self.child.idle = False
            self.child.spell = Spell.start(self.thread)
        try:
            self.sock.setblocking(True)
            self.sock.sendall(frame({"op": op, "now": self.loop.time(), **fields}))
        except OSError:
            self.abort(Aborted("crashed", "the student's process closed the link"))
        finally:
            self.sock.setblocking(False)

    def encode(self, value: Any) -> Any:
        return encode_value(value, self._refer)

    def _number(self, obj: Any) -> int:
        number = self._numbers.get(id(obj))
        if number is None:
            number = len(self._objects) + 1
            self._objects[number] = obj
            self._numbers[id(obj)] = number
        return number

    def _refer(self, value: Any) -> dict | None:
        if isinstance(value, RemoteHandle):
            return {"$h": value.number}
        if isinstance(value, BaseException):
            return {"$e": {"type": type(value).__name__, "message": str(value)[:300], "ref": self._number(value)}}
        if isinstance(value, WorldObject):
            return {"$w": self._number(value), "kind": "object", "methods": value.methods,
                    "attrs": self.encode(value.attrs)}
        if isinstance(value, BlockingFake):
            return {"$w": self._number(value), "kind": "sync"}
        if callable(value):
            return {"$w": self._number(value), "kind": "async"}
        return None

    # -- receiving ------------------------------------------------------------------------
    def _on_readable(self) -> None:
        try:
            self._read()
        except Tampered as exc:
            self.abort(Aborted("tampered", str(exc)))
        except Aborted as exc:
            self.abort(exc)

    def _read(self) -> None:
        while self.aborted is None:
            first = self._messages == 0 and not self._started and not self._fds
            try:
                data, ancillary, flags, _addr = self.sock.recvmsg(1 << 16, self._ancillary_space(first))
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data, ancillary, flags = b"", [], 0
            self._take_fds(ancillary, flags, first)
            if not data:
                if self._finished:  # it was told to end: its report came or never will
                    self.loop.remove_reader(self.sock.fileno())
                    if not self._reported.done():
                        self._reported.set_result(None)
                    return
                raise Aborted("crashed", "the student's process ended without finishing the check")
            if self.thread.pid is None and (pid := _sender(ancillary)) is not None:
                self.thread = LoopThread(pid)
            for message in self._reader.feed(data):
                self._messages += 1
                if self._messages > MAX_MESSAGES:
                    raise Tampered(f"more than {MAX_MESSAGES} messages in one check")
                self._dispatch(check_child_message(message), message)

    def _ancillary_space(self, first: bool) -> int:
        sockets, folder = self._asked
        wanted = sockets + folder if first else 0
        return socket.CMSG_SPACE(_CREDENTIALS.size) + (socket.CMSG_SPACE(wanted * 4) if wanted else 0)

    def _take_fds(self, ancillary, flags: int, first: bool) -> None:
        """Keep the fds that came with the first bytes on the link (the driver's, before the
        student's code ran); any other fd is the student's code talking out of turn."""
        fds = _received_fds(ancillary)
        if first:
            self._fds = fds
            return
        for fd in fds:
            os.close(fd)
        if fds or flags & socket.MSG_CTRUNC:
            raise Tampered("file descriptors sent over the link")

    def _dispatch(self, op: str, message: dict) -> None:
        self._settle_unverified()
        self._busy_so_far()
        handler = getattr(self, f"_on_{op}")
        handler(message)

    def _on_start(self, message: dict) -> None:
        if self._started:
            raise Tampered("a second 'start'")
        self._started = True
        folder = message.get("folder")
        if folder is not None and not (isinstance(folder, str) and len(folder) < 4096):
            raise Tampered("a malformed folder in 'start'")
        sockets, asked_folder = self._asked
        self.provisions = Provisions.from_fds(self._fds, sockets, folder if asked_folder else None)
        self._fds = []

    def _on_hello(self, message: dict) -> None:
        if self._imported.done():
            raise Tampered("a second 'hello'")
        self.record.imported = True
        self._imported.set_result(None)
        self.child.spell = Spell.start(self.thread)  # the run starts: import time is not a stall

    def _on_import_error(self, message: dict) -> None:
        if self._imported.done():
            raise Tampered("an import error after the import")
        error = message["error"] if isinstance(message["error"], dict) else {}
        self.record.import_error = error
        self.record.import_output = str(message.get("output", ""))[:4000]
        raise Aborted("import_error")

    def _on_idle(self, message: dict) -> None:
        until, external, seen = message["until"], message["external"], message["seen"]
        if until is not None and not (isinstance(until, (int, float)) and math.isfinite(until)):
            raise Tampered("an 'idle' message with a malformed time")
        if not isinstance(external, int) or not 0 <= external <= 10_000:
            raise Tampered("an 'idle' message with a malformed thread count")
        if not isinstance(seen, int) or not 0 <= seen <= self._sent:
            raise Tampered("an 'idle' message about messages the world never sent")
        if seen < self._sent:
            return  # sent before the student's process read our latest message: it is not idle now
        if until is not None and until < self.loop.now - 1e-6 and self.loop.virtual:
            until = self.loop.now  # a timer already due: the student's loop runs it at once
        self._end_busy_spell()
        self.child.idle, self.child.until, self.child.external = True, until, external

    def ping(self) -> None:
        """On the real clock: ask the student's loop to answer; a late answer is a stall.

        The driver answers from a callback of its loop (``call_soon``), so the answer is as
        late as the loop is blocked. Only after the import, and never two at once.
        """
        if not self._imported.done() or self._finished:
            return self.check_busy()
        now = realtime.perf_counter()
        if self._ping is None:
            if now - self._last_pong >= PING_INTERVAL:
                self._ping = (secrets.randbelow(1 << 31), Spell.start(self.thread))
                self._ping[1].world_waited = self._own_queue.seconds()
                self.send("ping", id=self._ping[0])
        elif (seconds := self._overrun(self._ping[1], self.stall_limit)) is not None:
            self.abort(Aborted("stalled", seconds=round(seconds, 2), where=self.record.stalled_where, phase="run"))

    def _on_pong(self, message: dict) -> None:
        if self._ping is None or message["id"] != self._ping[0]:
            raise Tampered("an answer to a ping the world never sent")
        spell = self._ping[1]
        self.sample()
        self._ping, self._last_pong = None, realtime.perf_counter()
        late, cpu = self._spent(spell)
        # While the world waits for a core, the pong waits unread and a busy but responsive
        # loop runs on: CPU time as long as the world's own wait is not the student's.
        own = self._own_queue.seconds()
        if own is not None and spell.world_waited is not None:
            late -= min(cpu, max(0.0, own - spell.world_waited))
        if late >= REAL_STALL_SECONDS:
            self.record.stalls.append(self._stall(late, cpu))

    def _end_busy_spell(self) -> None:
        """The student's loop thread waits again (idle, a blocking call, a sleep): its spell ends."""
        if self.child.idle or self.child.spell is None or not self.loop.virtual:
            return
        self._account(self.child.spell)
        self.child.spell = None
        self.record.stalled_where = ""  # it was about this spell
    def _busy_so_far(self) -> None:
        """A message while the student's loop thread is busy: what it ran so far counts now.

        So a call made after blocking starts after the blocking, and a spell split by
        prints or calls is still one stall.
        """
        if not self.child.idle and self.child.spell is not None and self.loop.virtual:
            self._account(self.child.spell)

    def child_waits(self) -> bool:
        """Whether the loop's thread of the student's process really waits, seen from outside.

        An ``idle`` message is the student's process's word; before virtual time moves on
        it, the world reads which system call that thread is in. It must be in an epoll
        wait (its loop has nothing to run) or reading the link (``time.sleep``, a blocking
        fake): a thread that still runs, or blocks on anything else, is busy, whatever a
        helper thread says. Time it spends so is a busy spell. True where the kernel does
        not say (not Linux, pid unknown).
        """
        state = self._syscall()
        if state is None:
            return True
        if not self._waits_for_world(state):
            if self._unverified is None:
                self._unverified = Spell.start(self.thread)
            return False
        if self._unverified is not None:
            self._account(self._unverified)
            self._unverified = None
        return True

    def loop_settled(self) -> bool | None:
        """Whether the student's loop has nothing to run, seen from outside: its thread asleep in its
        epoll wait with a timeout other than zero (asyncio waits with 0 while callbacks are ready,
        and a pending event wakes the thread). None where the kernel does not say."""
        state = self._syscall()
        if state is None:
            return None
        number, args = state
        if number not in _EPOLL_WAITS.get(_MACHINE, ()) or not self.thread.sleeping():
            return False
        # epoll_wait/epoll_pwait take the timeout (ms) as their 4th argument; epoll_pwait2 a pointer.
        return number == _EPOLL_PWAIT2 or (len(args) >= 4 and args[3] != 0)

    def _settle_unverified(self) -> None:
        """A message came while an idle claim was not borne out: the time so far was busy."""
        if self._unverified is not None and not self.child_waits():
            self._account(self._unverified)

    def sample(self) -> None:
        """Look at the student's loop thread: time it spends blocked in a call of its own counts.

        Blocked means in a system call other than its loop's epoll wait or a read of the
        link: ``select``, a real ``sleep``, a lock, a socket of its own. Waiting for the world
        is not the student's time (nor is the world's own delay in reading its messages).
        """
        importing = not self._imported.done()
        spells = [s for s in (self._unverified,
                              None if self.child.idle or not (self.loop.virtual or importing) else self.child.spell,
                              self._ping[1] if self._ping else None) if s is not None]
        if not spells:
            return
        state = self._syscall()
        sched = self.thread.schedstat()
        now = realtime.perf_counter()
        # Asleep in a call of its own (not running: a clock read is a system call too).
        blocked = (state is not None and state[0] >= 0 and not self._waits_for_world(state)
                   and self.thread.sleeping())
        # In a lock wait (the GIL included) while the holder may only be waiting for a core.
        others = self.thread.other_threads() if blocked and state[0] in _FUTEX.get(_MACHINE, ()) else None
        for spell in spells:
            if blocked or spell.was_blocked:
                # The time it slept since the last look: neither on a CPU nor waiting for one.
                slept = now - spell.sampled_at
                if sched is not None and spell.sampled_sched is not None:
                    slept -= (sched[0] - spell.sampled_sched[0]) + (sched[1] - spell.sampled_sched[1])
                if others is not None and others[0] and spell.others_cpu is not None:
                    # Another thread is runnable: what holds the loop thread (the GIL, a lock) is
                    # that thread, and only the time it ran on a CPU is the student's; the time it
                    # waited for a core is the machine's load (a helper thread preempted while
                    # holding the GIL). A sleeping holder (time.sleep under a lock) counts in full.
                    slept = min(slept, others[1] - spell.others_cpu)
                spell.blocked += max(0.0, slept)
            spell.sampled_at, spell.sampled_sched, spell.was_blocked = now, sched, blocked
            spell.others_cpu = others[1] if others is not None else None

    def _syscall(self) -> tuple[int, tuple[int, ...]] | None:
        """The system call the student's loop thread is in (see :meth:`LoopThread.syscall`);
        None also on a machine whose system call numbers this module does not know."""
        return self.thread.syscall() if _MACHINE in _EPOLL_WAITS else None

    def _waits_for_world(self, state: tuple[int, tuple[int, ...]]) -> bool:
        number, args = state
        return number in _EPOLL_WAITS.get(_MACHINE, ()) or (
            number in _LINK_READS.get(_MACHINE, ()) and args[:1] == (self.link_fd,))

    def _spent(self, spell: Spell) -> tuple[float, float]:
        """(seconds the student's loop thread ran or blocked on its own during ``spell``, CPU seconds).

        Its CPU time (``/proc/<pid>/task/<pid>/schedstat``) plus the time it was seen blocked
        (:meth:`sample`): neither grows while it waits for a core or for the world, so a busy
        machine, or a world slow to read, adds nothing. Where the kernel does not say, the
        real time since the spell began.
        """
        now = self.thread.schedstat()
        if now is None or spell.sched is None:
            wall = realtime.perf_counter() - spell.since
            return wall, wall
        cpu = now[0] - spell.sched[0]
        return cpu + spell.blocked, cpu

    def _account(self, spell: Spell) -> None:
        """Count ``spell`` so far: from :data:`STALL_SECONDS` on it is a stall, and moves the clock.

        Its length is what :meth:`_spent` says; it is ``busy`` when it was mostly on a CPU,
        ``blocking`` otherwise.
        """
        self.sample()
        busy, cpu = self._spent(spell)
        if busy < STALL_SECONDS or not self._imported.done() or busy <= spell.applied:
            return
        if self.loop.virtual:
            self.loop.now += busy - spell.applied  # as late as a blocked loop would make everything
        spell.applied = busy
        stall = self._stall(busy, cpu)
        if spell.stall is None:
            spell.stall = stall
            self.record.stalls.append(stall)
        else:
            spell.stall.kind, spell.stall.seconds = stall.kind, busy
            spell.stall.where = spell.stall.where or stall.where

    def _stall(self, seconds: float, cpu: float) -> Stall:
        """A stall of ``seconds`` now: ``busy`` when at least half of it was CPU time, else ``blocking``."""
        return Stall("busy" if cpu >= seconds / 2 else "blocking", seconds, self.elapsed(), self.record.stalled_where)

    def check_busy(self) -> None:
        """Abort when the student's loop thread has been busy past the stall limit (real time).

        While threads of the student's process wait for the world's answers (blocking fakes)
        and its loop's thread is held up (a pool's ``shutdown(wait=True)``, a join), the spell
        so far is counted as it goes: it moves the clock, so those answers come.
        """
        limit = self.stall_limit if self._imported.done() else self.import_limit
        for spell in (self._unverified, None if self.child.idle else self.child.spell):
            seconds = self._overrun(spell, limit) if spell is not None else None
            if seconds is not None:
                self.abort(Aborted("stalled", seconds=round(seconds, 2), where=self.record.stalled_where,
                                   phase="run" if self._imported.done() else "import"))
                return
        if not self.child.idle and self._thread_calls and self.loop.virtual:
            self._busy_so_far()

    def _overrun(self, spell: Spell, limit: float) -> float | None:
        """How long ``spell`` has lasted, if that ends the check; else None.

        Judged on the spell's own time (CPU, and time seen blocked in its own calls), so that
        on a saturated machine a loop thread that waits for a core is not cut off early;
        real time beyond :data:`WALL_BACKSTOP` times the limit ends it anyway.
        """
        wall = realtime.perf_counter() - spell.since
        if wall <= limit:
            return None
        spent, _ = self._spent(spell)
        return max(spent, wall) if spent > limit or wall > WALL_BACKSTOP * limit else None

    def _call_future(self, message: dict) -> asyncio.Future:
        future = self._calls.get(message["id"])
        if future is None:
            raise Tampered(f"a result for call {message['id']}, which was never made")
        if future.done():
            raise Tampered(f"a second result for call {message['id']}")
        return future

    def _on_returned(self, message: dict) -> None:
        future = self._call_future(message)
        value = self.decode(message["value"])
        self._answered()
        future.set_result(("returned", value))

    def _on_raised(self, message: dict) -> None:
        future = self._call_future(message)
        if not isinstance(message["error"], dict):
            raise Tampered("a 'raised' message without an exception")
        error = self.rebuild(message["error"])
        self._answered()
        future.set_result(("raised", error))

    def _answered(self) -> None:
        for hook in self.answer_hooks:
            self.loop.call_soon(hook)

    def _on_fake(self, message: dict) -> None:
        call_id, target, method = message["id"], message["target"], message.get("method")
        if call_id in self._fake_calls:
            raise Tampered(f"a second call of the grader's functions numbered {call_id}")
        obj = self._objects.get(target) if isinstance(target, int) else None
        if obj is None or isinstance(obj, BaseException):
            raise Tampered("a call of a grader function that was never given to the student's code")
        if isinstance(obj, WorldObject):
            if not isinstance(method, str) or method not in obj.methods:
                raise Tampered("a call of a method the grader's object does not offer")
            fn = getattr(obj.target, method)
        elif method is not None:
            raise Tampered("a method call on a grader function")
        else:
            fn = obj.fake if isinstance(obj, BlockingFake) else obj
        if not isinstance(message["args"], list) or not isinstance(message.get("kwargs", {}), dict):
            raise Tampered("a call with malformed arguments")
        args = self.decode(message["args"])
        kwargs = self.decode(message.get("kwargs", {}))
        if isinstance(obj, BlockingFake):
            if message["blocking"] is True:
                obj.on_loop_thread += 1
            else:
                obj.from_threads += 1
        if message["blocking"] is True:
            self._end_busy_spell()
            self.child.idle, self.child.until = True, None  # its loop's thread waits for this answer
            self.child.blocked_on = call_id
        elif isinstance(obj, BlockingFake) and self.child.external:
            self.child.external -= 1  # that thread now waits for the world
        from_thread = isinstance(obj, BlockingFake) and message["blocking"] is not True
        if from_thread:
            self._thread_calls.add(call_id)
        self._fake_calls[call_id] = self.loop.create_task(self._run_fake(call_id, fn, args, kwargs, from_thread))

    async def _run_fake(self, call_id: int, fn, args, kwargs, from_thread: bool) -> None:
        try:
            result = fn(*args, **kwargs)
            if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
                result = await result
        except asyncio.CancelledError:
            self._thread_calls.discard(call_id)
            return  # the student's code cancelled this call: nothing to answer
        except Exception as exc:  # the fake's scripted error (or a grader bug): the student's code gets it
            answer = {"error": self._refer(exc)["$e"]}
        else:
            answer = {"value": self.encode(result)}
        self._thread_calls.discard(call_id)
        if self.aborted is None and self._fake_calls.get(call_id) is not None:
            self._fake_calls[call_id] = None
            self._thread_resumes(from_thread)
            self.send("reply", id=call_id, **answer)

    def _thread_resumes(self, from_thread: bool) -> None:
        """A thread of the student's process gets its answer: it runs again, in real time."""
        if from_thread:
            self.child.external += 1

    def _on_cancel_fake(self, message: dict) -> None:
        call_id = message["id"]
        if call_id not in self._fake_calls:
            raise Tampered(f"a cancellation of call {call_id}, which was never made")
        task = self._fake_calls.get(call_id)
        if task is not None:
            self._fake_calls[call_id] = None
            task.cancel()

    def _on_sleep(self, message: dict) -> None:
        seconds = message["seconds"]
        if not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or not 0 <= seconds <= 1e6:
            raise Tampered("a 'sleep' message with a malformed duration")
        self._end_busy_spell()
        self.record.stalls.append(Stall("time.sleep", float(seconds), self.elapsed(), self.record.stalled_where))
        self.child.idle, self.child.until, self.child.external = True, self.loop.time() + seconds, 0
        self.child.blocked_on = "sleep"
        if not self.loop.virtual:
            raise Tampered("a 'sleep' message on the real clock")

    def _on_write(self, message: dict) -> None:
        text = message["text"]
        if not isinstance(text, str):
            raise Tampered("a 'write' message without text")
        kept = sum(len(t) for _, t in self.record.writes)
        if kept < OUTPUT_CAP:
            self.record.writes.append((self.elapsed(), text[:OUTPUT_CAP - kept]))

    def _on_report(self, message: dict) -> None:
        if self._reported.done():
            raise Tampered("a second final report")
        self.record.hygiene = message["hygiene"] if isinstance(message["hygiene"], dict) else {}
        self._reported.set_result(None)

    def _on_stalled(self, message: dict) -> None:
        self.record.stalled_where = str(message["where"])[:200]

    # -- values ---------------------------------------------------------------------------
    def decode(self, data: Any) -> Any:
        return decode_value(data, self._resolve)

    def _resolve(self, tag: str, data: dict) -> Any:
        if tag == "$e":
            if not isinstance(data["$e"], dict):
                raise Tampered("a malformed exception")
            return self.rebuild(data["$e"])
        if tag == "$w":
            number = data["$w"]
            if not isinstance(number, int) or number not in self._objects:
                raise Tampered("a reference to a grader object that was never given")
            obj = self._objects[number]
            return obj.target if isinstance(obj, WorldObject) else obj
        number = data["$h"]
        if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 1 << 31:
            raise Tampered("a malformed reference to an object of the student's process")
        if number not in self._handles:
            self._handles[number] = RemoteHandle(self, number, str(data.get("type", ""))[:80],
                                                 str(data.get("repr", ""))[:300])
        return self._handles[number]

    def rebuild(self, info: dict) -> BaseException:
        originals = {n: o for n, o in self._objects.items() if isinstance(o, BaseException)}
        if "ref" in info and info["ref"] not in originals:
            raise Tampered("a reference to a grader exception that was never raised")
        return rebuild(info, originals)

    # -- calling the student's code -------------------------------------------------------
    async def call(self, target: Any, args: tuple, kwargs: dict) -> Any:
        """Call a function of the student's process; its value, or raise what it raised."""
        await self._imported
        self._next_call += 1
        call_id = self._next_call
        future = self.loop.create_future()
        self._calls[call_id] = future
        self.send("call", id=call_id, target=target, args=self.encode(list(args)), kwargs=self.encode(kwargs))
        try:
            kind, value = await asyncio.shield(future)
        except asyncio.CancelledError:
            if future.done() or self.aborted is not None:
                raise
            self.send("cancel", id=call_id)
            kind, value = await future  # how the student's code ended
        if kind == "raised":
            raise value
        return value

    # -- the check ------------------------------------------------------------------------
    def abort(self, reason: Aborted) -> None:
        if self.aborted is None:
            self.aborted = reason
            self.loop.stop()

    def run(self, scenario, harness, params: dict, limit: float) -> tuple[str, Any, Any]:
        """Run ``scenario(harness, **params)`` to its end; (status, value, error-as-exception)."""
        task = self.loop.create_task(self._main(scenario, harness, params, limit))
        try:
            return self.loop.run_until_complete(task)
        except RuntimeError:
            if self.aborted is None:
                raise
            return "aborted", None, self.aborted
        finally:
            self._close()

    def _waiting_calls(self) -> dict:
        """What was still going on when a scenario ran out of time, in numbers."""
        fakes_running = sum(1 for t in self._fake_calls.values() if t is not None and not t.done())
        return {"calls_unanswered": sum(1 for f in self._calls.values() if not f.done()),
                "fake_calls": len(self._fake_calls), "fake_calls_running": fakes_running,
                "student_idle": self.child.idle}

    async def _main(self, scenario, harness, params: dict, limit: float):
        await self._imported
        harness.t0 = self.t0 = self.loop.time()
        task = self.loop.create_task(scenario(harness, **params))
        done, _ = await asyncio.wait({task}, timeout=limit)
        if not done:
            waiting = self._waiting_calls()
            task.cancel()
            await asyncio.wait({task}, timeout=1.0)
            outcome = ("timeout", {"clock": round(limit, 3), **waiting}, None)
        elif task.cancelled():
            outcome = ("raised", None, asyncio.CancelledError("the scenario was cancelled"))
        elif task.exception() is not None:
            outcome = ("raised", None, task.exception())
        else:
            outcome = ("ok", task.result(), None)
        self._finished = True
        self.send("finish")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._reported), timeout=2.0)
        return outcome

    def _close(self) -> None:
        with contextlib.suppress(Exception):
            self.loop.remove_reader(self.sock.fileno())
        for task in asyncio.all_tasks(self.loop):
            task.cancel()
        with contextlib.suppress(Exception):
            self.loop.run_until_complete(asyncio.sleep(0))
        self.loop.close()
        self.sock.close()
        self.thread.close()
        self._own_queue.close()
        self.provisions.close()
        for fd in self._fds:
            os.close(fd)


_MACHINE = platform.machine()


def _received_fds(ancillary) -> list[int]:
    """The fds passed with a message (``SCM_RIGHTS``), now this process's to close."""
    fds: list[int] = []
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            usable = len(data) - len(data) % 4
            fds.extend(struct.unpack(f"{usable // 4}i", data[:usable]))
    return fds


def _sender(ancillary) -> int | None:
    """The pid the kernel stamped on a message (SCM_CREDENTIALS), in this side's PID namespace."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == getattr(socket, "SCM_CREDENTIALS", -1) and len(data) >= 12:
            pid = _CREDENTIALS.unpack(data[:12])[0]
            return pid if pid > 0 else None
    return None


def token(label: Any) -> str:
    """A value no submission can guess: ``label`` and 8 random hex digits."""
    return f"{label}#{secrets.token_hex(4)}"
