"""Hostile submissions against what the grader observes through the operating system.

ex17's test clients are the grader's own sockets on the sandbox's network, and ex09's
database is locked and read by the grader from outside, on a private copy of the file
(``gradekit/world/provisions.py``, ``gradekit/world/sqlite.py``). So whatever a submission
does to the client side of the streams in its own process, to the sockets it can find, or
to the database file (a link to a file with the right rows, a FIFO, a huge or garbage
file, patched sqlite3) earns no point the same code without the trick would not earn,
costs the grader nothing, and leaves the correct ``ex01`` beside it at 10/10.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.attacks.support import GOOD, attack, attack_cleanup, exercise, feedback, grade  # noqa: F401
from tests.conftest import reference_source

pytestmark = pytest.mark.timeout(240)

ECHO = "ex17_echo_server"
DB = "ex09_async_db"


def _grade(kit, tmp_path, exercise_id: str, source: str, name: str = "submission") -> dict:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    (folder / f"{GOOD}.py").write_text(reference_source(kit, GOOD), encoding="utf-8")
    (folder / f"{exercise_id}.py").write_text(source, encoding="utf-8")
    report = grade(kit, folder, [GOOD, exercise_id], isolation=False)
    assert exercise(report, GOOD)["score"] == 10, feedback(exercise(report, GOOD))
    return exercise(report, exercise_id)


def _passed(entry: dict) -> set[str]:
    return {t["id"] for t in entry["tests"] if t["status"] == "passed"}


# -- ex17: the clients are out of reach ----------------------------------------------------------
SILENT_SERVER = '''
    import asyncio

    async def _handle(reader, writer):
        while await reader.read(4096):   # reads everything, answers nothing
            pass
        writer.close()
        await writer.wait_closed()

    async def start_echo_server(host="127.0.0.1", port=0):
        return await asyncio.start_server(_handle, host, port)
'''

#: Where the clients used to live (in the student's process, as asyncio streams), this
#: made every client "receive" the echo of what it sent, with a server that says nothing.
FAKE_ECHO_IN_STREAMS = '''
    _sent = []
    _write = asyncio.StreamWriter.write

    def _remember(self, data):
        _sent.append(bytes(data))
        return _write(self, data)

    async def _echo_of_what_was_sent(self, *args, **kwargs):
        return _sent.pop(0) if _sent else b""

    asyncio.StreamWriter.write = _remember
    asyncio.StreamReader.readline = _echo_of_what_was_sent
    asyncio.StreamReader.readuntil = _echo_of_what_was_sent
'''


def test_faking_the_client_streams_gains_nothing(kit, tmp_path):
    honest = _grade(kit, tmp_path, ECHO, attack(SILENT_SERVER), "honest")
    faked = _grade(kit, tmp_path, ECHO, attack(SILENT_SERVER, FAKE_ECHO_IN_STREAMS), "faked")
    assert faked["score"] == honest["score"], (feedback(honest)[:800], feedback(faked)[:800])
    echo_checks = {"test_echoes_each_line", "test_lines_in_order", "test_twenty_clients_at_once"}
    assert not echo_checks & _passed(faked), feedback(faked)[:1500]


#: A correct server that shuts down every TCP socket of its process that is a client of its
#: server: at import, any socket neither bound nor connected; from then on, all check long,
#: any connected *to* the server's port. Its server's own sockets it leaves alone.
SABOTAGE_CLIENTS = '''
    import os, socket, threading

    _port = []
    _found = []

    def _inet_sockets():
        for name in os.listdir("/proc/self/fd"):
            try:
                fd = os.dup(int(name))
            except OSError:
                continue
            try:
                sock = socket.socket(fileno=fd)
            except OSError:
                os.close(fd)
                continue
            if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                yield sock
            else:
                sock.close()

    def _sabotage(at_import):
        for sock in _inet_sockets():
            try:
                peer = sock.getpeername()[1]
            except OSError:
                peer = None
            listening = bool(sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))
            local = sock.getsockname()[1]
            # The clients, where they used to live: at import, unbound and unconnected (made for
            # the grader before the import); from then on, connected to the server from a port of
            # their own. Never the server's own sockets: later, an unbound one may be its listening
            # socket being made, and a connection from its port whose client reset it has no peer.
            fresh = at_import and peer is None and local == 0
            client = bool(_port) and peer == _port[0] and local != _port[0]
            if not listening and (fresh or client):
                _found.append(peer)
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            sock.close()

    def _keep_at_it():
        while True:
            _sabotage(at_import=False)
            threading.Event().wait(0.005)

    _sabotage(at_import=True)
    threading.Thread(target=_keep_at_it, daemon=True).start()

    async def _handle(reader, writer):  # the reference's
        try:
            while line := await reader.readline():
                writer.write(line)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except ConnectionError:
                pass

    async def start_echo_server(host="127.0.0.1", port=0):
        server = await asyncio.start_server(_handle, host, port)
        _port.append(server.sockets[0].getsockname()[1])
        return server
'''


def test_the_clients_cannot_be_reached_from_the_submission(kit, tmp_path):
    """The grader's client sockets were made in the sandbox's network before the import and
    left the student's process at once: a thread that hunts them all check long finds none."""
    entry = _grade(kit, tmp_path, ECHO, attack("import asyncio", SABOTAGE_CLIENTS))
    assert entry["score"] == 10, feedback(entry)[:1500]


# -- ex09: the database is the grader's to read --------------------------------------------------
#: Stores nothing; answers top_pages from memory; breaks sqlite3 for anyone in its process.
DATABASE_IN_MEMORY = '''
    import collections, sqlite3

    _stored = []

    async def record_visits(db_path, visits):
        _stored.extend(visits)

    async def top_pages(db_path, n):
        counts = collections.Counter(page for _, page in _stored)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]

    def _refuse(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    sqlite3.connect = _refuse
'''


def test_a_database_kept_in_memory_scores_nothing(kit, tmp_path):
    entry = _grade(kit, tmp_path, DB, attack(DATABASE_IN_MEMORY))
    assert entry["score"] == 0, feedback(entry)[:1500]


NASTY = [("Robert'); DROP TABLE visits;--", "/home"), ("o'brien", 'a"b\'c'),
         ('say "hi"', "/search?q=1' OR '1'='1"), ("mallory", "x'); DELETE FROM visits; --"), ("ann", "/home")]

#: record_visits leaves something else where the database should be.
IN_PLACE_OF_THE_DATABASE = '''
    import os

    async def record_visits(db_path, visits):
        if os.path.exists(db_path):
            os.unlink(db_path)
        if HOW == "link":        # to a file, outside the sandbox, that holds exactly the right rows
            os.symlink(TARGET, db_path)
        elif HOW == "fifo":      # an open() that blocks forever
            os.mkfifo(db_path)
        elif HOW == "huge":      # a sparse file of 1 TiB
            with open(db_path, "wb") as f:
                f.truncate(1 << 40)
        else:                    # garbage behind a valid header
            with open(db_path, "wb") as f:
                f.write(b"SQLite format 3\\0" + os.urandom(8192))

    async def top_pages(db_path, n):
        return []
'''


@pytest.mark.parametrize("how", ["link", "fifo", "huge", "garbage"])
def test_what_stands_in_for_the_database_reads_as_nothing(kit, tmp_path, how, attack_cleanup):
    target = attack_cleanup.remove_later(tmp_path / f"right-rows-{attack_cleanup.new()}.db")
    con = sqlite3.connect(target)
    con.execute("CREATE TABLE visits (user TEXT NOT NULL, page TEXT NOT NULL)")
    con.executemany("INSERT INTO visits VALUES (?, ?)", NASTY)
    con.commit()
    con.close()
    entry = _grade(kit, tmp_path, DB, attack(IN_PLACE_OF_THE_DATABASE, HOW=how, TARGET=str(target)))
    assert entry["score"] == 0, feedback(entry)[:1500]
    assert "test_values_stored_as_data" not in _passed(entry)
