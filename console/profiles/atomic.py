"""Files written whole or not at all, and append-only files that take whole records.

A full disk (``ENOSPC``), a quota or a crash can cut a write short. A file that is
replaced is therefore written to a temporary file in the same directory, synced
and renamed over the old one: a reader sees the old contents or the new, never a
torn or empty file, and the temporary file is removed when the write fails. An
append-only file takes a record in one ``write`` under an ``flock``; a record the
disk cut short is taken back (the file is truncated to where it was), so the next
record does not start mid-line.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
from pathlib import Path

__all__ = ["FILE_MODE", "append_record", "append_whole", "write_atomically"]

FILE_MODE = 0o600
"""Files in a profile's directory are the operator's alone (they may hold secrets)."""


def write_atomically(path: Path, data: str | bytes, *, mode: int = FILE_MODE) -> None:
    """Replace ``path`` with ``data`` (text is UTF-8), whole or not at all.

    Args:
        path: The file to create or replace.
        data: Its new contents.
        mode: Permission bits of the file.

    Raises:
        OSError: it could not be written (full disk, read-only directory); the
            previous file is intact and no temporary file is left behind.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(3).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            _write_all(fd, raw)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)  # O_CREAT's mode is cut by the umask
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def append_record(path: Path, record: bytes, *, mode: int = FILE_MODE) -> None:
    """Append one whole record to ``path`` (created with ``mode``), or nothing.

    Raises:
        OSError: it could not be written; the file is as it was before.
    """
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # two consoles on one profile append in turn
        status = os.fstat(fd)
        if stat.S_ISREG(status.st_mode) and status.st_mode & 0o777 != mode:
            os.fchmod(fd, mode)  # a copy restored from a backup may be looser
        append_whole(fd, record, status.st_size)
    finally:
        os.close(fd)  # also releases the lock


def append_whole(fd: int, data: bytes, size: int) -> None:
    """Append ``data`` to a file of ``size`` bytes open with ``O_APPEND``, whole or not at all.

    Raises:
        OSError: the write failed; the file is cut back to ``size`` bytes.
    """
    try:
        _write_all(fd, data)
    except OSError:
        # Should even this fail, the record stays torn: readers skip a line that is not whole.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)
        raise


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte: ``os.write`` may write part of a buffer and say so."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable (a crash right after must not undo it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems cannot sync a directory: the rename still stands
        pass
    finally:
        os.close(fd)
