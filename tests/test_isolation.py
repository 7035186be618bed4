"""The namespace sandbox's mechanisms, one at a time, and the fallback when it is missing.

Each test sends small hand-written "student" modules through the sandbox and reads
what they could see or do. On Linux these tests need bubblewrap: they fail, not
skip, without it (``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import time
from pathlib import Path

import pytest

from gradekit.harness.driver import DriverRequest
from gradekit.sandbox import (IsolationUnavailable, Limits, NamespaceSandbox, SpawnSandbox, choose_sandbox,
                              namespaces_unavailable)
from gradekit.world import scenario
from gradekit.world.run import observe

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux namespaces only")

@scenario
async def probe(h):
    """Whatever the student module computed at import (RESULT)."""
    return await h.student.result()


def _probe(sandbox, body: str) -> dict:
    """Run ``body`` (which sets RESULT) as a student module; the world's final record, or None."""
    source = f"import os, sys, signal, socket, time, subprocess\n{body}\ndef result():\n    return RESULT\n".encode()
    result = observe(sandbox, "ex00_probe", source, probe, probe._gradekit_world, {})
    final = result.final if result.final.get("status") == "ok" else None
    return {"final": final, "outcome": result.outcome, "world": result.final}


def _value(sandbox, body: str):
    result = _probe(sandbox, body)
    assert result["final"] is not None, (result["world"], result["outcome"])
    return result["final"]["value"]


@pytest.fixture(scope="module")
def sandbox():
    assert not namespaces_unavailable(), namespaces_unavailable()
    with NamespaceSandbox(Limits(wall_seconds=4.0)) as box:
        box.start()
        yield box


def test_the_submission_runs_as_an_unprivileged_uid_without_capabilities(sandbox):
    value = _value(sandbox, "RESULT = [os.getuid(), os.geteuid(), "
                            "[l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0]]")
    assert value == [65534, 65534, "0000000000000000"]


def test_the_kit_and_the_graders_files_are_not_visible(sandbox):
    paths = [str(ROOT), str(ROOT / "exercises"), str(ROOT / "graders"), str(Path.cwd())]
    home = os.path.expanduser("~")
    value = _value(sandbox, f"RESULT = {{p: os.path.exists(p) for p in {paths!r}}}\n"
                            "RESULT['top'] = sorted(os.listdir('/'))\n"
                            f"RESULT['home'] = os.listdir({home!r}) if os.path.isdir({home!r}) else []")
    top, home_entries = value.pop("top"), value.pop("home")
    assert not any(value.values()), value
    # The home folder shows at most the way to a Python installed under it (pyenv, say).
    assert all(sys.base_prefix.startswith(os.path.join(home, entry)) for entry in home_entries), home_entries
    assert set(top) <= {"bin", "dev", "lib", "lib32", "lib64", "opt", "proc", "root", "sbin", "tmp", "usr"}


def test_the_engine_is_read_only(sandbox):
    value = _value(sandbox, "import gradekit\n"
                            "try:\n    open(gradekit.__file__, 'a').write('#')\n    RESULT = 'written'\n"
                            "except OSError as exc:\n    RESULT = exc.errno")
    assert value == 30  # EROFS


def test_nothing_but_tmp_is_writable(sandbox):
    folders = ["/", "/dev", "/dev/shm", "/opt", "/opt/gradekit", "/usr", "/tmp", "/tmp/check"]
    body = (f"RESULT = {{}}\nfor folder in {folders!r}:\n    try:\n"
            "        open(os.path.join(folder, 'written'), 'w').close()\n        RESULT[folder] = 'written'\n"
            "    except OSError as exc:\n        RESULT[folder] = exc.errno")
    value = _value(sandbox, body)
    assert {folder: code for folder, code in value.items() if code == "written"} == {"/tmp": "written",
                                                                                     "/tmp/check": "written"}


def test_only_the_sandbox_processes_are_visible_and_init_cannot_be_killed_or_stopped(sandbox):
    body = ("for sig in (signal.SIGKILL, signal.SIGSTOP, signal.SIGTERM):\n    os.kill(1, sig)\n"
            "RESULT = [sorted(int(p) for p in os.listdir('/proc') if p.isdigit()), os.getpid()]")
    pids, me = _value(sandbox, body)
    assert pids == sorted([1, me])
    # The zygote survived: the next check runs.
    assert _value(sandbox, "RESULT = 'alive'") == "alive"


def test_daemons_in_a_new_session_die_with_their_check(sandbox):
    # The daemon waits in select (time.sleep follows the virtual clock in a check).
    body = ("import select\npid = os.fork()\nif pid == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            "        select.select([], [], [], 300)\n        os._exit(0)\n    os._exit(0)\n"
            "os.waitpid(pid, 0)  # the intermediate child is gone: its daemon is orphaned\n"
            "RESULT = len([p for p in os.listdir('/proc') if p.isdigit()])")
    assert _value(sandbox, body) == 3  # zygote, this check, the daemon
    assert _value(sandbox, "RESULT = sorted(p for p in os.listdir('/proc') if p.isdigit() and p != str(os.getpid()))") \
        == ["1"]


def test_tmp_is_private_capped_and_emptied_between_checks(sandbox, tmp_path):
    marker = tmp_path / "host-marker"
    marker.write_text("host")
    body = (f"RESULT = [os.path.exists({str(marker)!r}), os.listdir('/tmp')]\n"
            "open('/tmp/left-behind', 'w').write('x')\n"
            "os.makedirs('/tmp/locked/inner'); os.chmod('/tmp/locked', 0)")
    assert _value(sandbox, body) == [False, ["check"]]
    assert _value(sandbox, "RESULT = os.listdir('/tmp')") == ["check"]
    big = ("try:\n    f = open('/tmp/big', 'wb')\n    [f.write(b'x' * (1 << 20)) for _ in range(200)]\n"
           "    RESULT = 'unbounded'\nexcept OSError as exc:\n    RESULT = exc.errno")
    assert _value(sandbox, big) in (27, 28)  # EFBIG (file size rlimit) or ENOSPC (tmpfs size)


def test_the_network_is_its_own_loopback(sandbox):
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    try:
        body = (f"try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=1)\n    RESULT = 'reached the host'\n"
                "except OSError as exc:\n    RESULT = type(exc).__name__")
        assert _value(sandbox, body) == "ConnectionRefusedError"
    finally:
        listener.close()


def test_the_environment_holds_no_secret(sandbox, monkeypatch):
    monkeypatch.setenv("GRADEKIT_TEST_SECRET", "s3cret")
    box = NamespaceSandbox()  # started after the variable is set
    try:
        value = _value(box, "RESULT = [dict(os.environ)]\n"
                            "for pid in os.listdir('/proc'):\n    try:\n"
                            "        RESULT.append(open(f'/proc/{pid}/environ', 'rb').read().decode())\n"
                            "    except OSError:\n        pass")
    finally:
        box.close()
    assert "s3cret" not in json.dumps(value)


def test_a_check_past_the_wall_clock_is_killed_and_the_next_check_runs(sandbox):
    started = time.monotonic()
    result = _probe(sandbox, "import select\nselect.select([], [], [], 60)")
    assert result["outcome"].timed_out and result["final"] is None
    assert time.monotonic() - started < 10
    assert _value(sandbox, "RESULT = 'next'") == "next"


def test_a_check_that_closes_its_pipes_and_spins_is_killed(sandbox):
    result = _probe(sandbox, "for fd in range(5):\n    try:\n        os.close(fd)\n    except OSError:\n        pass\n"
                             "while True:\n    pass")
    assert result["outcome"].timed_out
    assert _value(sandbox, "RESULT = 'next'") == "next"


def test_processes_are_capped(sandbox):
    body = ("pids = []\ntry:\n    for _ in range(500):\n        pid = os.fork()\n        if pid == 0:\n"
            "            time.sleep(30)\n            os._exit(0)\n        pids.append(pid)\nexcept OSError:\n    pass\n"
            "RESULT = len(pids)\nfor pid in pids:\n    os.kill(pid, signal.SIGKILL)\n    os.waitpid(pid, 0)")
    assert _value(sandbox, body) < 100


def _fake_bwrap(folder: Path, exit_code: int) -> None:
    script = folder / "bwrap"
    script.write_text(f"#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit {exit_code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_without_bubblewrap_grading_falls_back_to_process_isolation(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert "not installed" in namespaces_unavailable()
    assert isinstance(choose_sandbox(), SpawnSandbox)
    with pytest.raises(IsolationUnavailable, match="not installed"):
        choose_sandbox(require_isolation=True)


def test_when_bubblewrap_cannot_create_namespaces_grading_falls_back(monkeypatch, tmp_path):
    _fake_bwrap(tmp_path, 1)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    sandbox = choose_sandbox()
    assert isinstance(sandbox, SpawnSandbox) and sandbox.isolation == "process"
    with pytest.raises(IsolationUnavailable, match="could not start"):
        choose_sandbox(require_isolation=True)


def test_the_trusted_side_kills_a_sandbox_whose_zygote_does_not_answer_in_time():
    """The outer wall clock: here the zygote is told to allow 60 s, the trusted side 1 s (+ grace)."""
    import base64

    from dataclasses import asdict

    source = b"import select\nselect.select([], [], [], 60)\n"
    box = NamespaceSandbox(Limits(wall_seconds=1.0))
    ours, theirs = socket.socketpair()
    try:
        zygote = box.start()
        started = time.monotonic()
        answer = zygote.call({"module": "ex00_probe", "source": base64.b64encode(source).decode(),
                              "driver": asdict(DriverRequest(module="ex00_probe")),
                              "limits": Limits(wall_seconds=60.0).as_dict()}, theirs)
        assert answer is None
        assert time.monotonic() - started < 10
        box.close()
        assert zygote.proc.poll() is not None  # bwrap, and with it the namespace, is gone
        assert _value(box, "RESULT = 'a fresh sandbox'") == "a fresh sandbox"
    finally:
        box.close()
        ours.close()
        theirs.close()
