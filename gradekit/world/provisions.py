"""What the student's process hands the world before its code runs: sockets and a folder.

Some checks must observe the student's code through the operating system rather than
through calls: a server on the sandbox's own loopback (ex17), a database file in the
sandbox's own file system (ex09). The sandbox's network and files are out of the
world's reach, so a scenario declares what it needs (``@scenario(sockets=N, folder=True)``)
and the student's process, while it is still only the kit's driver, makes them and sends
them with its first message (``SCM_RIGHTS``), then closes its own copies:

* **sockets**: unconnected TCP sockets of the sandbox's network. A socket keeps the
  network it was made in, so the world connects them to the student's server from
  here; the clients are the world's alone, and the student's code cannot reach them.
* **the folder**: a directory fd. The world opens names in it itself (no symbolic
  link followed, regular files only, sizes capped), so what it reads is what the
  student's code left there, read on the trusted side after (or while) it ran.

Everything read through these is untrusted input: capped, and parsed by the code that
reads it (see :mod:`gradekit.world.sqlite`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import stat
from dataclasses import dataclass, field

HOST = "127.0.0.1"
#: Bytes read of any one file of the folder; a bigger file reads as missing.
FILE_CAP = 32 << 20


class ProvisionError(Exception):
    """A scenario used a provision its ``@scenario`` did not ask for, or the sandbox did not give."""


class FileRefused(Exception):
    """A name in the folder is not a regular file the world will read (a link, a FIFO, too big...)."""


@dataclass
class Provisions:
    """The sockets and the folder one check's student process handed over."""

    sockets: list[socket.socket] = field(default_factory=list)
    folder: SandboxFolder | None = None

    @classmethod
    def from_fds(cls, fds: list[int], sockets: int, folder_path: str | None) -> Provisions:
        """Take ownership of ``fds`` (``sockets`` sockets, then the folder's fd if ``folder_path``)."""
        made = cls([socket.socket(fileno=fd) for fd in fds[:sockets]])
        rest = fds[sockets:]
        if folder_path is not None and len(rest) == 1 and _is_directory(rest[0]):
            made.folder, rest = SandboxFolder(rest[0], folder_path), []
        for fd in rest:
            os.close(fd)
        return made

    def take_socket(self) -> socket.socket:
        if not self.sockets:
            raise ProvisionError("the check used more client sockets than its scenario declares "
                                 "(@scenario(sockets=N)), or the sandbox gave none")
        return self.sockets.pop()

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()
        self.sockets.clear()
        if self.folder is not None:
            self.folder.close()


def _is_directory(fd: int) -> bool:
    try:
        return stat.S_ISDIR(os.fstat(fd).st_mode)
    except OSError:
        return False


async def connect(provisions: Provisions, port: object, timeout: float) -> tuple[asyncio.StreamReader,
                                                                                  asyncio.StreamWriter]:
    """A client of the world connected to ``HOST:port`` on the sandbox's network: asyncio streams."""
    if not (isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536):
        raise ProvisionError(f"not a TCP port: {str(port)[:60]!r}")
    sock = provisions.take_socket()
    sock.setblocking(False)
    try:
        await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sock, (HOST, port)), timeout)
        return await asyncio.open_connection(sock=sock)
    except BaseException:
        sock.close()
        raise


class SandboxFolder:
    """A folder of the sandbox's file system, read and locked from the trusted side.

    ``path(name)`` is the name as the student's code sees it (give it to a student's
    function); :meth:`read` and :meth:`open` work on the world's own directory fd and
    never follow a link out of it.
    """

    def __init__(self, fd: int, path: str) -> None:
        self.fd = fd
        self._path = path
        self._made = 0

    def path(self, name: str) -> str:
        return os.path.join(self._path, _plain(name))

    def fresh(self, stem: str, suffix: str = "") -> str:
        """A name nothing in the folder has yet (``stem-1.db``, ``stem-2.db`` ...)."""
        while True:
            self._made += 1
            name = f"{stem}-{self._made}{suffix}"
            if not self.exists(name):
                return name

    def exists(self, name: str) -> bool:
        with contextlib.suppress(OSError):
            os.stat(_plain(name), dir_fd=self.fd, follow_symlinks=False)
            return True
        return False

    def open(self, name: str, *, write: bool = False) -> int:
        """An fd of the regular file ``name`` (made if missing when ``write``); FileRefused otherwise."""
        flags = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | (os.O_RDWR | os.O_CREAT if write else os.O_RDONLY)
        try:
            fd = os.open(_plain(name), flags, 0o644, dir_fd=self.fd)
        except OSError as exc:
            raise FileRefused(f"{name}: {exc.strerror}") from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            raise FileRefused(f"{name} is not a regular file")
        return fd

    def read(self, name: str, cap: int = FILE_CAP) -> bytes | None:
        """The bytes of the regular file ``name``; None when it does not exist; FileRefused when it
        is anything but a regular file of at most ``cap`` bytes."""
        if not self.exists(name):
            return None
        fd = self.open(name)
        try:
            if os.fstat(fd).st_size > cap:
                raise FileRefused(f"{name} holds more than {cap} bytes")
            chunks, size = [], 0
            while chunk := os.read(fd, 1 << 20):
                size += len(chunk)
                if size > cap:  # it grew while read
                    raise FileRefused(f"{name} holds more than {cap} bytes")
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)

    def write(self, name: str, data: bytes) -> None:
        """Make the new file ``name`` holding ``data`` (FileRefused if anything is there already)."""
        try:
            fd = os.open(_plain(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644,
                         dir_fd=self.fd)
        except OSError as exc:
            raise FileRefused(f"{name}: {exc.strerror}") from None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def _plain(name: str) -> str:
    """``name`` if it names an entry of the folder itself (no path, no '..'); ValueError otherwise."""
    if not name or "/" in name or "\0" in name or name in (".", ".."):
        raise ValueError(f"not a plain file name: {name!r}")
    return name
