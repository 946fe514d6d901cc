"""When a process started, to tell a live process from a reused pid.

Read from ``/proc`` where there is one, as psutil reads it there: importing psutil
took longer than the rest of reading a sandbox profile (which the console does
before its first frame) or of starting a data job. psutil elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

_PROC = Path("/proc")


def started(pid: int) -> float | None:
    """When process ``pid`` started, in seconds since the epoch as psutil's ``create_time``
    counts them; ``None`` when it is gone or a zombie."""
    if not (_PROC / "self" / "stat").exists():
        return _started_by_psutil(pid)
    try:
        stat = (_PROC / str(pid) / "stat").read_bytes()
        fields = stat[stat.rfind(b")") + 2 :].split()  # after the name: state, ppid, …
        boot = next(line for line in (_PROC / "stat").read_bytes().splitlines()
                    if line.startswith(b"btime"))
    except (OSError, StopIteration):
        return None
    if len(fields) < 20 or fields[0] == b"Z":
        return None
    # field 22 of stat (index 19 here): start time in clock ticks since boot
    return int(fields[19]) / os.sysconf("SC_CLK_TCK") + float(boot.split()[1])


def works_in(pid: int, directory: Path) -> bool:
    """Whether process ``pid`` runs with ``directory`` as its working directory.

    A start time moves when the wall clock steps (a VM resumed, NTP), since it is
    counted from a boot time worked out from the clock; a working directory does not.
    """
    if not (_PROC / "self" / "cwd").exists():
        return _works_in_by_psutil(pid, directory)
    try:
        where = os.readlink(_PROC / str(pid) / "cwd")
    except OSError:  # gone, or not ours to inspect: not proven
        return False
    return Path(where) == directory.resolve()


def _works_in_by_psutil(pid: int, directory: Path) -> bool:
    import psutil

    try:
        return Path(psutil.Process(pid).cwd()) == directory.resolve()
    except (psutil.Error, OSError):
        return False


def _started_by_psutil(pid: int) -> float | None:
    import psutil

    try:
        process = psutil.Process(pid)
        return None if process.status() == psutil.STATUS_ZOMBIE else process.create_time()
    except (psutil.Error, OSError):
        return None
