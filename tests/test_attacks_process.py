"""Hostile submissions, process control: exit, kill or stop the grader, daemons, signals to others.

What must hold: the grader survives and is never stopped, the hostile exercise earns
nothing, the correct module beside it keeps 10/10, and no process the attack started
outlives its check. Attacks on the grading process run against a disposable
``grade.py`` (see ``support.run_grader_victim``) and fire only at it or inside a PID
namespace of their own (``support.GUARD``).
"""

from __future__ import annotations

import subprocess

import pytest

from tests.attacks.support import (
    ANCESTORS, BAD, GOOD, GUARD, HOST_PIDNS, assert_scores, attack, attack_cleanup, grade, grade_py_args,  # noqa: F401
    run_grader_victim, survivors,
)
from tests.conftest import reference_source

pytestmark = pytest.mark.timeout(180)

#: Attacks on the grading process itself, at import. (body, score the hostile exercise must get)
ON_THE_GRADER = {
    "sigkill-every-ancestor": ('''
        import signal
        for pid in ancestors():
            if may_signal(pid):
                os.kill(pid, signal.SIGKILL)
    ''', 0),
    "sigstop-every-ancestor": ('''
        import signal
        for pid in ancestors():
            if may_signal(pid):
                os.kill(pid, signal.SIGSTOP)
    ''', 0),
    "killpg-the-graders-process-group": ('''
        import signal
        for pid in ancestors():
            try:
                group = os.getpgid(pid)
            except OSError:
                continue
            if group != os.getpgid(0) and may_signal(group):
                os.killpg(group, signal.SIGKILL)
    ''', 0),
    # kill(-1) reaches every process the sender may signal: run only where that is the sandbox.
    # It then behaves as the reference, so 10/10 proves the attack ran and changed nothing.
    "kill-minus-one-then-solve": ('''
        import signal
        if os.readlink("/proc/self/ns/pid") == HOST_PIDNS:
            raise SystemExit("kill(-1) not attempted: this sandbox shares the host's PID namespace")
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:  # nobody it may signal: all the better
            pass
    ''', 10),
}


@pytest.mark.parametrize("case", list(ON_THE_GRADER))
def test_the_grader_survives_attacks_on_it(case, kit, submission, tmp_path, attack_cleanup):
    body, bad_score = ON_THE_GRADER[case]
    victim = attack_cleanup.new()
    source = attack(GUARD, ANCESTORS, body, HOST_PIDNS=HOST_PIDNS, VICTIM=victim)
    if bad_score:
        source += reference_source(kit, BAD)
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": source})
    run = run_grader_victim(grade_py_args(folder, [GOOD, BAD], tmp_path / "report.json", isolation=True), victim)
    report = run.report()  # the grader exited normally: not killed, not stopped
    assert report["environment"].get("isolation") == "namespaces"
    assert_scores(report, {GOOD: 10, BAD: bad_score})


#: Processes that try to outlive their check. Each starts ``sleep MARKER``.
DAEMONS = {
    "setsid-popen-in-the-graded-function": '''
        import subprocess

        async def fetch_all(urls, fetch):
            subprocess.Popen(["sleep", MARKER], start_new_session=True, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return []
    ''',
    "double-fork-daemon-at-import": '''
        import os, signal

        child = os.fork()
        if child == 0:
            try:
                os.setsid()
                if os.fork() == 0:
                    signal.signal(signal.SIGHUP, signal.SIG_IGN)
                    signal.signal(signal.SIGTERM, signal.SIG_IGN)
                    os.chdir("/")
                    null = os.open(os.devnull, os.O_RDWR)
                    for fd in (0, 1, 2):
                        os.dup2(null, fd)
                    os.closerange(3, 4096)
                    os.execvp("sleep", ["sleep", MARKER])
            finally:
                os._exit(0)
        os.waitpid(child, 0)
    ''',
    "setsid-daemon-from-a-thread-left-running": '''
        import os, select, subprocess, threading, time

        def respawn():
            while True:  # a watchdog of its own: restarts the daemon whenever it dies
                proc = subprocess.Popen(["setsid", "sleep", MARKER], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                proc.wait()
                time.sleep(0.05)

        threading.Thread(target=respawn, daemon=True).start()
        select.select([], [], [], 0.2)  # a real pause (time.sleep follows the grader's virtual clock)
    ''',
}


@pytest.mark.parametrize("case", list(DAEMONS))
def test_no_process_outlives_its_check(case, kit, submission, attack_cleanup):
    marker = attack_cleanup.new()
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": attack(DAEMONS[case], MARKER=marker)})
    report = grade(kit, folder, [GOOD, BAD], isolation=True)
    assert_scores(report, {GOOD: 10, BAD: 0})
    assert survivors(marker) == []


def test_other_processes_cannot_be_signalled(kit, submission, attack_cleanup):
    bystander_marker = attack_cleanup.new()
    bystander = subprocess.Popen(["sleep", bystander_marker], start_new_session=True)
    hunt = attack('''
        import os, signal

        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/cmdline", "rb") as f:
                        argv = f.read().split(b"\\0")
                except OSError:
                    continue
                if BYSTANDER.encode() in argv:
                    os.kill(int(entry), signal.SIGKILL)
    ''', BYSTANDER=bystander_marker)
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": hunt})
    try:
        report = grade(kit, folder, [GOOD, BAD], isolation=True)
        assert bystander.poll() is None, f"the hostile module killed a process outside its sandbox ({bystander.returncode})"
    finally:
        bystander.kill()
        bystander.wait()
    assert_scores(report, {GOOD: 10, BAD: 0})


#: Exits of the check's own process: it ends without a report; that costs only its own points.
EXITS = {
    "os-exit-0-inside-the-graded-function": '''
        import os

        async def fetch_all(urls, fetch):
            os._exit(0)
    ''',
    "sigkill-own-process-group-inside-the-graded-function": '''
        import os, signal

        async def fetch_all(urls, fetch):
            # Test safety: only when the group is this check's own (or the sandbox's namespace).
            if os.getpgid(0) != os.getpid() and os.readlink("/proc/self/ns/pid") == HOST_PIDNS:
                raise SystemExit("not attempted: the process group is shared with the grader")
            os.killpg(0, signal.SIGKILL)
    ''',
}


@pytest.mark.parametrize("case", list(EXITS))
def test_an_exiting_check_costs_only_its_own_points(case, kit, submission):
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": attack(EXITS[case], HOST_PIDNS=HOST_PIDNS)})
    report = grade(kit, folder, [GOOD, BAD], isolation=False)
    assert_scores(report, {GOOD: 10, BAD: 0})
