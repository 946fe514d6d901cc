"""An append-only spool of a live stream's lines, kept in the profile's data directory.

The Logs pane keeps only a bounded buffer on screen; everything the session
received goes here so it can still be searched and saved. Lines are stored as
UTF-8 text, one per line. A sparse index (line number and byte offset of a line
at least every ``stride`` lines, taken where a batch starts) keeps random access
cheap while memory stays small: 3 million lines cost under 1 MB of index, and a
batch of lines already joined by the caller is stored without a Python step per line.
"""

from __future__ import annotations

import calendar
import os
import re
import secrets
import time
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import psutil

from console.profiles import locations

__all__ = ["KEEP_BYTES", "KEEP_SESSIONS", "Spool"]

KEEP_SESSIONS = 10
"""Spools of one kind kept per profile; older sessions are deleted when a new one starts."""

KEEP_BYTES = 2 * 1024**3
"""Bytes the earlier sessions' spools of one kind may hold together when a new one starts.

2 GiB is about four minutes of a 50,000 lines/s flood (~535 MiB a minute) but a day or
more of an ordinary stream, so ten flooded sessions cannot fill a disk.
"""

_STARTUP_SLACK = 60.0
"""Seconds a process may seem to start after its spool's stamp and still be its writer.

The stamp is cut to whole seconds and process start times are estimates; a later
process that got a dead console's pid only spares that spool until it exits.
"""

_OPEN: set[Path] = set()
"""Spools this process has open; its own earlier sessions, once closed, may be pruned."""


class Spool:
    """One session's lines on disk.

    Args:
        path: The spool file (created; an existing file is appended to and indexed).
        stride: Fewest lines between two index marks.
    """

    def __init__(self, path: Path, *, stride: int = 64) -> None:
        self.path = path
        self.stride = stride
        self._mark_lines = array("Q")
        self._mark_offsets = array("Q")
        self._count = 0
        self._size = 0
        self._file: BinaryIO = locations.open_private(path, "a+b")  # lives as long as the spool
        _OPEN.add(path.absolute())
        self._index_existing()

    @classmethod
    def create(cls, profile: str, label: str) -> Spool:
        """Start a new spool file for a session of ``profile``.

        Args:
            profile: The profile whose data directory holds the spool.
            label: A word for the file name, e.g. ``"logs"``.

        Returns:
            An empty spool named ``<label>-<UTC time>-<pid>-<tag>.spool``. Earlier
            spools of the label are deleted, oldest first, until the newest
            ``KEEP_SESSIONS`` are left holding at most ``KEEP_BYTES``; a spool that a
            running console (this one included) still has open is never deleted.
        """
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        # Two sessions can start in the same second in one process: a random tag keeps
        # each on a file of its own (reopening another's would merge their lines).
        name = f"{label}-{stamp}-{os.getpid()}-{secrets.token_hex(3)}.spool"
        folder = locations.spool_dir(profile)
        _prune(folder, label, keep=KEEP_SESSIONS - 1)  # the new one makes ten
        return cls(folder / name)

    def __len__(self) -> int:
        return self._count

    def append(self, lines: Iterable[str | bytes]) -> int:
        """Add lines at the end; return how many were added.

        Text has its newlines turned into spaces; bytes (already UTF-8) must hold none.
        """
        records = [
            line if isinstance(line, bytes) else line.replace("\n", " ").encode("utf-8", "replace")
            for line in lines
        ]
        if records:
            self.append_block(b"\n".join(records) + b"\n", len(records))
        return len(records)

    def append_block(self, data: bytes, count: int) -> None:
        """Add ``count`` lines already joined, each ending in a newline (e.g. NDJSON)."""
        if not count:
            return
        if not self._mark_lines or self._count - self._mark_lines[-1] >= self.stride:
            self._mark(self._count, self._size)
        self._file.write(data)
        self._size += len(data)
        self._count += count

    def flush(self) -> None:
        """Push buffered lines to the file (readers see them after this)."""
        self._file.flush()

    def lines(self, start: int = 0, stop: int | None = None) -> Iterator[str]:
        """Yield lines ``start`` to ``stop`` (exclusive) in order."""
        stop = self._count if stop is None else min(stop, self._count)
        if start >= stop:
            return
        self.flush()
        mark = bisect_right(self._mark_lines, start) - 1
        with open(self.path, "rb") as reader:
            reader.seek(self._mark_offsets[mark])
            index = self._mark_lines[mark]
            for raw in reader:
                if index >= stop:
                    break
                if index >= start:
                    yield raw[:-1].decode("utf-8", "replace")
                index += 1

    def line(self, index: int) -> str:
        """Return one line by its position.

        Raises:
            IndexError: no such line.
        """
        if not 0 <= index < self._count:
            raise IndexError(index)
        return next(self.lines(index, index + 1))

    def search(
        self, pattern: str | re.Pattern[str] | Callable[[str], bool], *, start: int = 0
    ) -> Iterator[tuple[int, str]]:
        """Yield ``(index, line)`` of every line from ``start`` that matches.

        Args:
            pattern: A substring, a compiled regex (``search`` semantics) or a predicate.
            start: First line to look at.
        """
        match = _matcher(pattern)
        for index, text in enumerate(self.lines(start), start):
            if match(text):
                yield index, text

    def save(
        self,
        destination: Path,
        *,
        keep: Callable[[str], bool] | None = None,
        render: Callable[[str], str] | None = None,
    ) -> int:
        """Write the spooled lines (those ``keep`` accepts, as ``render`` shows them) to a file.

        Returns:
            How many lines were written.

        Raises:
            OSError: the destination cannot be written.
        """
        written = 0
        destination.parent.mkdir(parents=True, exist_ok=True)
        with open(destination, "w", encoding="utf-8") as out:
            for text in self.lines():
                if keep is None or keep(text):
                    out.write((render(text) if render else text) + "\n")
                    written += 1
        return written

    def close(self) -> None:
        """Close the file; the spool stays on disk until a later session prunes it."""
        self._file.close()
        _OPEN.discard(self.path.absolute())

    def _mark(self, line: int, offset: int) -> None:
        self._mark_lines.append(line)
        self._mark_offsets.append(offset)

    def _index_existing(self) -> None:
        self._file.seek(0)
        offset = 0
        for raw in self._file:
            if self._count % self.stride == 0:
                self._mark(self._count, offset)
            offset += len(raw)
            self._count += 1
        self._size = offset


def _prune(folder: Path, label: str, *, keep: int, budget: int = KEEP_BYTES) -> None:
    """Delete spools of a kind, least recently written first, until ``keep`` are left
    holding at most ``budget`` bytes (a flood fills a disk fast).

    A spool still being written (``_in_use``) is never deleted but counts towards both
    limits. Files whose names this module did not make are left alone and not counted.
    """
    named = re.compile(rf"{re.escape(label)}-(\d{{8}}-\d{{6}})-(\d+)-[0-9a-f]+\.spool")
    found: list[tuple[float, str, int, Path, bool]] = []
    for path in folder.glob(f"{label}-*.spool"):
        match = named.fullmatch(path.name)
        if match is None:
            continue
        try:
            info = path.stat()
        except FileNotFoundError:  # another console pruned it meanwhile
            continue
        live = _in_use(path, int(match[2]), match[1])
        found.append((info.st_mtime, path.name, info.st_size, path, live))
    found.sort()
    count, total = len(found), sum(size for _, _, size, _, _ in found)
    for _, _, size, path, live in found:
        if count <= keep and total <= budget:
            break
        if live:
            continue
        try:
            path.unlink(missing_ok=True)
        except OSError:  # e.g. held open on Windows: a new session must still start
            continue
        count, total = count - 1, total - size


def _in_use(path: Path, pid: int, stamp: str) -> bool:
    """Whether the console that started ``path`` (``pid``, at UTC ``stamp``) still has it."""
    if pid == os.getpid():
        return path.absolute() in _OPEN
    try:
        started = calendar.timegm(time.strptime(stamp, "%Y%m%d-%H%M%S"))
    except ValueError:  # e.g. month 13: not a name this module wrote
        return False
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        # A pid handed to a process started after the spool cannot be its writer.
        return process.create_time() <= started + _STARTUP_SLACK
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:  # there but not ours to inspect: keep its spool to be safe
        return True


def _matcher(pattern: str | re.Pattern[str] | Callable[[str], bool]) -> Callable[[str], bool]:
    if isinstance(pattern, str):
        needle = pattern
        return lambda text: needle in text
    if isinstance(pattern, re.Pattern):
        compiled = pattern
        return lambda text: compiled.search(text) is not None
    return pattern
