"""A sandbox profile's services file counts only while the supervisor that wrote it runs.

The store (and the data-job history) read a process's start from ``/proc`` rather than
importing psutil (``console/processes.py``); the start must be psutil's to the tick, since
the supervisor records psutil's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

from console.processes import started
from console.profiles.store import _writer_alive


def test_start_is_psutils_create_time() -> None:
    for pid in (os.getpid(), os.getppid(), 1):
        assert started(pid) == psutil.Process(pid).create_time()


def test_a_zombie_or_a_gone_process_has_notstarted() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    process = psutil.Process(child.pid)
    while process.status() != psutil.STATUS_ZOMBIE:  # exited, not reaped yet
        time.sleep(0.01)
    assert started(child.pid) is None
    child.wait()
    assert started(child.pid) is None


def test_writer_alive_only_for_the_same_process() -> None:
    me = psutil.Process()
    assert _writer_alive({"pid": me.pid, "create_time": me.create_time()})
    assert not _writer_alive({"pid": me.pid, "create_time": me.create_time() - 1})  # pid reused
    assert _writer_alive({"services": {}})  # an older supervisor's file: trusted, as before
