"""The process sandbox on its own: capture caps, wall-clock kill, limits, environment."""

from __future__ import annotations

import socket
import sys
import time

from gradekit.sandbox import Limits, run_child


def _run(code: str, tmp_path, **limits):
    ours, theirs = socket.socketpair()
    with ours, theirs:
        return run_child([sys.executable, "-c", code], tmp_path, {}, Limits(**limits), theirs)


def test_output_is_capped_with_a_marker_while_the_child_runs_to_the_end(tmp_path):
    outcome = _run("import os\nfor _ in range(5000): os.write(1, b'x' * 1000)\nos.write(2, b'done')", tmp_path,
                   output_bytes=1024)
    assert outcome.returncode == 0
    assert outcome.stdout.startswith("x" * 1024) and outcome.stdout.endswith("… truncated")
    assert outcome.stderr == "done"


def test_the_wall_clock_limit_kills_the_whole_group(tmp_path):
    started = time.monotonic()
    outcome = _run("import subprocess, time\nsubprocess.Popen(['sleep', '60'])\ntime.sleep(60)", tmp_path,
                   wall_seconds=1.0)
    assert outcome.timed_out and outcome.returncode is None
    assert time.monotonic() - started < 10


def test_rlimits_apply(tmp_path):
    outcome = _run("import resource\nprint(resource.getrlimit(resource.RLIMIT_AS)[0], "
                   "resource.getrlimit(resource.RLIMIT_NOFILE)[0], resource.getrlimit(resource.RLIMIT_CORE)[0])",
                   tmp_path)
    assert outcome.stdout.split() == [str(1 << 30), "256", "0"]


def test_the_environment_is_clean(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADEKIT_SECRET", "s3cret")
    outcome = _run("import os\nprint(sorted(os.environ))", tmp_path)
    assert "GRADEKIT_SECRET" not in outcome.stdout
    assert "PATH" in outcome.stdout


def test_the_request_arrives_on_stdin_with_the_link(tmp_path):
    code = ("import json, os, sys\nreq = json.loads(sys.stdin.readline())\n"
            "os.write(req['link_fd'], json.dumps(req['driver']).encode())")
    ours, theirs = socket.socketpair()
    with ours, theirs:
        outcome = run_child([sys.executable, "-c", code], tmp_path, {"x": 1}, Limits(), theirs)
        assert outcome.returncode == 0
        assert ours.recv(100) == b'{"x": 1}'  # the link's fd is the one named in the request
