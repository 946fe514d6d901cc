"""An append-only spool of a live stream's lines, kept in the profile's data directory.

The Logs pane keeps only a bounded buffer on screen; everything the session
received goes here so it can still be searched and saved. Lines are stored as
UTF-8 text, one per line. A sparse index (line number and byte offset of a line
at least every ``stride`` lines, taken where a batch starts) keeps random access
cheap while memory stays small: 3 million lines cost under 1 MB of index, and a
batch of lines already joined by the caller is stored without a Python step per line.

A full disk does not stop the stream: a batch the disk cut short is taken back
(the file keeps whole lines only), ``stopped`` says why the spool stopped writing,
and later lines are kept in memory, the newest ``memory_limit`` of them, so the
screen, search and save still see the recent past.
"""

from __future__ import annotations

import calendar
import os
import re
import secrets
import time
from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import psutil

from console.profiles import locations
from console.profiles.atomic import FILE_MODE, append_whole

__all__ = ["KEEP_BYTES", "KEEP_SESSIONS", "MEMORY_LIMIT", "Spool"]

KEEP_SESSIONS = 10
"""Spools of one kind kept per profile; older sessions are deleted when a new one starts."""

KEEP_BYTES = 2 * 1024**3
"""Bytes the earlier sessions' spools of one kind may hold together when a new one starts.

2 GiB is about four minutes of a 50,000 lines/s flood (~535 MiB a minute) but a day or
more of an ordinary stream, so ten flooded sessions cannot fill a disk.
"""

MEMORY_LIMIT = 50_000
"""Lines kept in memory once the disk refused the spool (~10 MB of typical log lines)."""

_STARTUP_SLACK = 60.0
"""Seconds a process may seem to start after its spool's stamp and still be its writer.

The stamp is cut to whole seconds and process start times are estimates; a later
process that got a dead console's pid only spares that spool until it exits.
"""

_OPEN: set[Path] = set()
"""Spools this process has open; its own earlier sessions, once closed, may be pruned."""


class Spool:
    """One session's lines on disk (in memory, the newest of them, once the disk is full).

    Args:
        path: The spool file (created; an existing file is appended to and indexed).
        stride: Fewest lines between two index marks.
        memory_limit: Lines kept in memory after the disk refused a write.
    """

    def __init__(self, path: Path, *, stride: int = 64, memory_limit: int = MEMORY_LIMIT) -> None:
        self.path = path
        self.stride = stride
        self.memory_limit = memory_limit
        self.stopped: str | None = None
        """Why the spool stopped writing to disk (e.g. a full disk), or None while it writes."""
        self._mark_lines = array("Q")
        self._mark_offsets = array("Q")
        self._count = 0
        self._size = 0
        self._on_disk = 0
        self._memory: deque[bytes] = deque(maxlen=memory_limit)
        # One unbuffered descriptor: each batch is one write, taken back whole if cut short.
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, FILE_MODE)
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
        """Add ``count`` lines already joined, each ending in a newline (e.g. NDJSON).

        Never raises for a full disk: see ``stopped``.
        """
        if not count:
            return
        if self.stopped is None and self._write(data):
            self._count += count
            self._on_disk = self._count
            return
        self._memory.extend(data.split(b"\n")[:-1])
        self._count += count

    def _write(self, data: bytes) -> bool:
        """Write a batch to disk whole; on failure take it back, say why and return False."""
        if not self._mark_lines or self._count - self._mark_lines[-1] >= self.stride:
            self._mark(self._count, self._size)
        try:
            assert self._fd is not None, "the spool is closed"
            append_whole(self._fd, data, self._size)
        except OSError as exc:
            if self._mark_lines[-1] == self._count:  # the mark for lines that never landed
                self._mark_lines.pop()
                self._mark_offsets.pop()
            self.stopped = f"{exc.strerror or exc} in {self.path.parent}"
            return False
        self._size += len(data)
        return True

    def flush(self) -> None:
        """Kept for callers: every batch reaches the file as it is appended."""

    @property
    def lost(self) -> int:
        """Lines that neither the disk nor the memory kept (the disk refused, memory filled)."""
        return self._count - self._on_disk - len(self._memory)

    def lines(self, start: int = 0, stop: int | None = None) -> Iterator[str]:
        """Yield lines ``start`` to ``stop`` (exclusive) in order (lost lines are skipped)."""
        for _, text in self.numbered(start, stop):
            yield text

    def numbered(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, str]]:
        """Yield ``(index, line)`` for lines ``start`` to ``stop`` (exclusive) that are kept."""
        stop = self._count if stop is None else min(stop, self._count)
        if start >= stop:
            return
        yield from self._from_disk(start, min(stop, self._on_disk))
        first_in_memory = self._count - len(self._memory)
        for index in range(max(start, first_in_memory), stop):
            yield index, self._memory[index - first_in_memory].decode("utf-8", "replace")

    def _from_disk(self, start: int, stop: int) -> Iterator[tuple[int, str]]:
        if start >= stop:
            return
        mark = bisect_right(self._mark_lines, start) - 1
        with open(self.path, "rb") as reader:
            reader.seek(self._mark_offsets[mark])
            index = self._mark_lines[mark]
            for raw in reader:
                if index >= stop:
                    break
                if index >= start:
                    yield index, raw[:-1].decode("utf-8", "replace")
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
        for index, text in self.numbered(start):
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

        The file appears whole or not at all: lines go to a temporary file beside it,
        renamed once the last one is written.

        Returns:
            How many lines were written.

        Raises:
            OSError: the destination cannot be written (a full disk); nothing is left of it.
        """
        destination.parent.mkdir(parents=True, exist_ok=True)
        part = destination.with_name(f".{destination.name}.{os.getpid()}.part")
        try:
            written = self._write_lines(part, keep, render)
            os.replace(part, destination)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        return written

    def _write_lines(
        self,
        target: Path,
        keep: Callable[[str], bool] | None,
        render: Callable[[str], str] | None,
    ) -> int:
        written = 0
        with open(target, "w", encoding="utf-8") as out:
            for text in self.lines():
                if keep is None or keep(text):
                    out.write((render(text) if render else text) + "\n")
                    written += 1
            out.flush()
            os.fsync(out.fileno())
        return written

    def close(self) -> None:
        """Close the file; the spool stays on disk until a later session prunes it."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        _OPEN.discard(self.path.absolute())

    def _mark(self, line: int, offset: int) -> None:
        self._mark_lines.append(line)
        self._mark_offsets.append(offset)

    def _index_existing(self) -> None:
        offset = 0
        with open(self.path, "rb") as reader:
            for raw in reader:
                if self._count % self.stride == 0:
                    self._mark(self._count, offset)
                offset += len(raw)
                self._count += 1
        self._size = offset
        self._on_disk = self._count


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
