"""``fcntl`` locks on files in a profile's sandbox directory.

``sandbox start`` and ``sandbox stop`` hold ``control.lock`` while they run, so two
of them at once (two shells, a console and a shell) take turns: the second finds
what the first started. The supervisor holds ``supervisor.lock`` for its whole
life, so a second supervisor of one profile cannot serve even if started by hand.
The kernel drops a lock when its holder dies, so a crash leaves nothing to clean.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def held(path: Path, *, timeout: float) -> Iterator[None]:
    """Hold the lock on ``path`` for the block, waiting up to ``timeout`` seconds for it.

    Raises:
        TimeoutError: another process held it all that time.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while not _take(fd):
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{path} stayed locked for {timeout:.0f} s")
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def hold_for_life(path: Path) -> int | None:
    """Take the lock on ``path`` for as long as this process lives, without waiting.

    Returns:
        The descriptor holding it (keep it open), or None when another process holds it.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    if _take(fd):
        return fd
    os.close(fd)
    return None


def _take(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
