"""A submission's SQLite database, locked and read from the trusted side.

The file lives in the sandbox's folder (:class:`~gradekit.world.provisions.SandboxFolder`),
written by the student's code; the world reads it after (or while) the code ran.

* **Locking.** Another writer is played without SQLite: SQLite's Unix locking is
  byte-range locks at fixed offsets of the database file (``PENDING_BYTE`` and the
  510 bytes after it, see ``os_unix.c``), and a write lock on all of them is what a
  connection in ``BEGIN EXCLUSIVE`` holds. The world takes that lock as an *open file
  description* lock (``F_OFD_SETLK``), which conflicts with SQLite's ``fcntl`` locks in
  the student's process, and never parses the file to do it.
* **Reading.** The file (with its rollback journal or WAL, so that a half-done write
  is undone as SQLite would) is copied, size-capped, into a private folder, and opened
  there with SQLite's defences against a hostile database: ``trusted_schema`` off,
  ``cell_size_check`` on, limits on value sizes, a bound on the work a query may do and
  on the rows read. A file that is not a database reads as unreadable, never as data.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import struct
import tempfile
from dataclasses import dataclass

from gradekit.world.provisions import FileRefused, SandboxFolder

PENDING_BYTE = 0x40000000
LOCK_SPAN = 2 + 510  # PENDING, RESERVED, then the SHARED range
_FLOCK = struct.Struct("hhqqi4x")  # struct flock on Linux (64-bit off_t)
#: A write lock on all of SQLite's lock bytes: what a connection in BEGIN EXCLUSIVE holds.
_EXCLUSIVE = _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, PENDING_BYTE, LOCK_SPAN, 0)
#: What one read may cost: rows returned, bytes in one value, SQLite VM steps.
MAX_ROWS = 100_000
MAX_VALUE = 1 << 16
MAX_STEPS = 50_000_000
_COMPANIONS = ("-journal", "-wal")


@dataclass
class Snapshot:
    """What a database file held, read from outside: ``error`` says why nothing could be read."""

    exists: bool
    rows: list[tuple] | None = None  # None: no such table (or unreadable)
    error: str = ""


class Lock:
    """An exclusive lock on a database file of the folder, as another connection's ``BEGIN EXCLUSIVE``."""

    def __init__(self, folder: SandboxFolder, name: str) -> None:
        self._fd = folder.open(name, write=True)  # FileRefused: a link, a FIFO... where the file should be
        self.held = False

    def try_acquire(self) -> bool:
        try:
            fcntl.fcntl(self._fd, fcntl.F_OFD_SETLK, _EXCLUSIVE)
        except OSError:
            return False
        self.held = True
        return True

    def release(self) -> None:
        """Let go (closing the description releases its locks); safe to call again."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1
        self.held = False


def locked_by_others(folder: SandboxFolder, name: str) -> bool:
    """Whether some connection holds any SQLite lock on ``name`` now (a read or a write under way)."""
    try:
        fd = folder.open(name)
    except FileRefused:
        return False
    try:
        answer = fcntl.fcntl(fd, fcntl.F_OFD_GETLK, _EXCLUSIVE)
        return _FLOCK.unpack(answer)[0] != fcntl.F_UNLCK
    except OSError:
        return False
    finally:
        os.close(fd)


def has_companion(folder: SandboxFolder, name: str) -> bool:
    """Whether a rollback journal or a WAL of ``name`` is in the folder (a write under way, or left)."""
    return any(folder.exists(name + suffix) for suffix in _COMPANIONS)


def database_of(schema: str, insert: str, rows: list) -> bytes:
    """The bytes of a new database file: ``schema`` run, then ``insert`` for each of ``rows``
    (a database the world made, for the student's code to read)."""
    with tempfile.TemporaryDirectory(prefix="gradekit-db-") as private:
        path = os.path.join(private, "seed.db")
        con = sqlite3.connect(path, isolation_level=None)
        try:
            con.execute(schema)
            con.execute("BEGIN")
            con.executemany(insert, rows)
            con.execute("COMMIT")
        finally:
            con.close()
        with open(path, "rb") as f:
            return f.read()


def read_table(folder: SandboxFolder, name: str, table: str, query: str) -> Snapshot:
    """The rows ``query`` gives on a private copy of the database ``name``, if it has ``table``
    (blocking: run it in a thread)."""
    try:
        main = folder.read(name)
        if main is None:
            return Snapshot(exists=False)
        companions = {suffix: folder.read(name + suffix) for suffix in _COMPANIONS}
    except (FileRefused, OSError) as exc:
        return Snapshot(exists=True, error=f"the grader could not read the database file: {exc}")
    with tempfile.TemporaryDirectory(prefix="gradekit-db-") as private:
        path = os.path.join(private, "copy.db")
        for suffix, data in {"": main, **companions}.items():
            if data is not None:
                with open(path + suffix, "wb") as f:
                    f.write(data)
        return _query(path, table, query)


def _query(path: str, table: str, query: str) -> Snapshot:
    try:
        con = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error as exc:
        return Snapshot(exists=True, error=f"not a database SQLite can open: {exc}")
    try:
        _harden(con)
        if con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone() is None:
            return Snapshot(exists=True)
        rows = []
        for row in con.execute(query):
            if len(rows) == MAX_ROWS:
                return Snapshot(exists=True, error=f"the table holds more than {MAX_ROWS} rows")
            rows.append(tuple(row))
        return Snapshot(exists=True, rows=rows)
    except sqlite3.Error as exc:
        return Snapshot(exists=True, error=f"SQLite could not read it: {str(exc)[:200]}")
    finally:
        con.close()


def _harden(con: sqlite3.Connection) -> None:
    """SQLite's advice for reading a database file from an untrusted source ("Defense against the dark arts")."""
    if hasattr(con, "setconfig"):  # Python 3.12+
        con.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
        con.setconfig(sqlite3.SQLITE_DBCONFIG_TRUSTED_SCHEMA, False)
    con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
    con.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 1 << 16)
    con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    con.execute("PRAGMA trusted_schema = OFF")
    con.execute("PRAGMA cell_size_check = ON")
    con.execute("PRAGMA mmap_size = 0")
    steps = [0]

    def budget() -> int:
        steps[0] += 1000
        return int(steps[0] > MAX_STEPS)  # non-zero interrupts the statement

    con.set_progress_handler(budget, 1000)
