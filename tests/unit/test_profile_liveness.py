"""A sandbox profile's services file counts only while the supervisor that wrote it runs.

The store (and the data-job history) read a process's start from ``/proc`` rather than
importing psutil (``console/processes.py``); the start must be psutil's to the tick, since
the supervisor records psutil's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    elsewhere = Path(tempfile.gettempdir())  # not where this process works
    assert _writer_alive({"pid": me.pid, "create_time": me.create_time()}, elsewhere)
    reused = {"pid": me.pid, "create_time": me.create_time() - 1}
    assert not _writer_alive(reused, elsewhere)  # pid reused by a process working elsewhere
    assert _writer_alive({"services": {}}, elsewhere)  # an older supervisor's file: trusted


def test_after_a_clock_step_the_writer_is_known_by_where_it_works(tmp_path: Path) -> None:
    """A resumed VM or an NTP step moves every start time: the supervisor, which works in
    its sandbox, is still alive; a process working anywhere else is not it."""
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                              cwd=tmp_path)
    try:
        stepped = {"pid": worker.pid,
                   "create_time": psutil.Process(worker.pid).create_time() + 3600}
        assert _writer_alive(stepped, tmp_path)
        assert not _writer_alive(stepped, tmp_path / "elsewhere")
    finally:
        worker.kill()
        worker.wait()
