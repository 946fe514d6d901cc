"""A small disk that can be filled: a tmpfs mounted on a test's folder (needs root).

Full-disk tests run on a real filesystem that answers ``ENOSPC``, so what they
prove holds for the kernel's behaviour (a write cut short, a rename that still
works) and not for a fake of it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

FILLER = ".filler"


@contextlib.contextmanager
def small_disk(folder: Path, size_kb: int = 256) -> Iterator[Path]:
    """Mount a ``size_kb`` tmpfs on ``folder`` for the block (skip the test if one cannot be)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs for a full disk: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, *, leave: int = 0) -> None:
    """Fill the disk under ``folder``, then free ``leave`` bytes (whole 4 KiB pages)."""
    path = folder / FILLER
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        chunk = b"\0" * 4096
        while True:
            try:
                os.write(fd, chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
                break
        if leave:
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
    finally:
        os.close(fd)


def free(folder: Path) -> None:
    """Empty the disk again (the operator made room)."""
    (folder / FILLER).unlink(missing_ok=True)


def listing(folder: Path) -> list[str]:
    """Names in ``folder`` but the filler: what a write left behind."""
    return sorted(name for name in os.listdir(folder) if name != FILLER)
