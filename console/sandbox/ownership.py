"""Which process is the profile's supervisor: a pid is a claim, psutil is the proof.

A pid file outlives its process, and the kernel hands the pid to the next process
that starts: signalling whatever holds the pid now could stop an editor or a
shell. So the supervisor's pid file records the pid *and* the process's start
time, and a process counts as the supervisor only if its command line runs
``console.sandbox.supervisor --profile NAME`` and it still has that start time or,
the wall clock having stepped since, works in the profile's own sandbox.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import psutil

from console import processes
from console.profiles import locations
from console.profiles.atomic import write_atomically

SUPERVISOR_MODULE = "console.sandbox.supervisor"
START_TIME_SLACK = 0.05
"""Seconds two readings of one process's start time may differ (psutil rounds to ticks)."""


@dataclass(frozen=True)
class Claim:
    """What a pid file says: this pid, started at this time, is the supervisor."""

    pid: int
    create_time: float


def write_claim(path: Path, pid: int) -> Claim:
    """Record that the process ``pid`` (running now) is the supervisor.

    Raises:
        psutil.NoSuchProcess: it has exited already.
    """
    claim = Claim(pid, psutil.Process(pid).create_time())
    write_atomically(path, json.dumps({"pid": claim.pid, "create_time": claim.create_time}))
    return claim


def read_claim(path: Path) -> Claim | None:
    """Return the claim a pid file makes, or None for none or one this module did not write."""
    try:
        data = json.loads(path.read_text())
        claim = Claim(int(data["pid"]), float(data["create_time"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None  # a bare pid (older versions) proves nothing: it is not signalled
    return claim if claim.pid > 0 and math.isfinite(claim.create_time) else None


def proven(claim: Claim, profile: str) -> psutil.Process | None:
    """Return the supervisor process of ``profile`` that ``claim`` names, or None if it is not.

    A process that exited, a zombie, one started at another time (the pid was reused)
    or one running another command is not the supervisor; nor is one this user may not
    inspect.
    """
    try:
        process = psutil.Process(claim.pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        if not runs_supervisor(process.cmdline(), profile):
            return None
        if abs(process.create_time() - claim.create_time) <= START_TIME_SLACK:
            return process
        # The start time moves with the wall clock (a VM resumed, NTP stepped it): a
        # supervisor of this profile working in this profile's own sandbox (it moves there
        # at start) is still the one the claim names; no other process works there.
        return process if processes.works_in(claim.pid, locations.sandbox_dir(profile)) else None
    except psutil.Error:
        return None


def runs_supervisor(command: list[str], profile: str) -> bool:
    """Whether a command line is ``... console.sandbox.supervisor --profile PROFILE ...``."""
    for at, word in enumerate(command):
        if word == SUPERVISOR_MODULE or word.endswith("/console/sandbox/supervisor.py"):
            return command[at + 1 : at + 3] == ["--profile", profile]
    return False
