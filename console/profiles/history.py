"""SQL history and the saved editor buffer of one profile.

History is a JSON-lines file in the profile's state directory: appending one
line is cheap, and a line a full disk cuts short is taken back (a line torn by a
crash is skipped on read). The buffer is written whole to a temporary file and
renamed, so a reader never sees half a buffer.

Writes raise ``OSError`` (a full disk, a read-only home); the UI turns that
into a warning and keeps the text in memory. Both files are 0600, and a
statement that carries a password literal (``sql_secrets``) is never written:
the history leaves it out, the buffer keeps it with the literal masked.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from console.profiles import locations
from console.profiles.atomic import append_record, write_atomically
from console.profiles.sql_secrets import carries_password, mask_passwords

HISTORY_FILE = "sql_history.jsonl"
BUFFER_FILE = "sql_buffer.sql"
DEFAULT_LIMIT = 2000
"""Entries kept; the file is compacted once it holds a quarter more than this."""


@dataclass(frozen=True)
class HistoryEntry:
    """One statement the operator ran."""

    sql: str
    database: str
    ran_at: str
    """When it ran, ISO 8601 in UTC."""
    elapsed: float | None = None
    """Seconds until the first rows (or completion), when it succeeded."""
    rowcount: int | None = None
    error: str | None = None
    """The error message when it failed."""

    @classmethod
    def now(cls, sql: str, database: str, **fields: object) -> HistoryEntry:
        """Return an entry stamped with the current time."""
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return cls(sql=sql, database=database, ran_at=stamp, **fields)  # type: ignore[arg-type]


def _parse(line: str) -> HistoryEntry | None:
    try:
        data = json.loads(line)
        return HistoryEntry(**data) if isinstance(data, dict) else None
    except (ValueError, TypeError):  # a torn or foreign line: skip it, keep the rest
        return None


class History:
    """The SQL history of one profile, newest entry first.

    Args:
        profile_name: Whose history this is; each profile has its own file.
        limit: How many entries to keep.
    """

    def __init__(self, profile_name: str, *, limit: int = DEFAULT_LIMIT) -> None:
        self.path: Path = locations.state_dir(profile_name) / HISTORY_FILE
        self.limit = limit

    def entries(self) -> list[HistoryEntry]:
        """Return every readable entry, newest first (an unreadable file reads as empty)."""
        if not self.path.is_file():  # missing, or a device such as /dev/full
            return []
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return []
        parsed = (_parse(line) for line in reversed(lines) if line.strip())
        return [entry for entry in parsed if entry is not None]

    def search(self, text: str) -> list[HistoryEntry]:
        """Return entries whose SQL holds every word of ``text``, case-insensitively.

        Args:
            text: Words to look for; empty returns every entry.

        Returns:
            Matching entries, newest first, each statement once.
        """
        words = text.lower().split()
        seen: set[str] = set()
        found = []
        for entry in self.entries():
            key = entry.sql.strip()
            if key in seen or not all(word in key.lower() for word in words):
                continue
            seen.add(key)
            found.append(entry)
        return found

    def append(self, entry: HistoryEntry) -> bool:
        """Add one entry at the end of the file, unless its SQL carries a password.

        Returns:
            Whether it was written (``False``: a password literal kept it out).

        Raises:
            OSError: the file cannot be written (full disk, read-only directory).
        """
        if carries_password(entry.sql):
            return False
        line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
        if _ends_torn(self.path):  # start afresh after a line a crash cut short
            line = "\n" + line
        append_record(self.path, line.encode("utf-8"))
        self._compact_if_needed()
        return True

    def set_rowcount(self, entry: HistoryEntry, rowcount: int) -> bool:
        """Record the rows ``entry``'s statement returned, once its result was read to the end.

        A streamed result's count is unknown when the entry is written. The newest entry
        with the same time, statement and database is rewritten (the file whole, atomically).

        Returns:
            Whether the entry was found (a compaction or another console may have dropped it).

        Raises:
            OSError: the file cannot be written.
        """
        kept = list(reversed(self.entries()))  # oldest first, as the file holds them
        for position in range(len(kept) - 1, -1, -1):
            found = kept[position]
            if (found.ran_at, found.sql, found.database) == (entry.ran_at, entry.sql,
                                                             entry.database):
                kept[position] = replace(found, rowcount=rowcount)
                text = "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in kept)
                write_atomically(self.path, text)
                return True
        return False

    def _compact_if_needed(self) -> None:
        """Rewrite the file with the newest ``limit`` entries once it grows too long."""
        # counting newlines in the raw bytes costs ~1 ms for a full file; parsing every
        # entry only happens when a compaction is actually due
        if self.path.read_bytes().count(b"\n") <= self.limit + self.limit // 4:
            return
        kept = reversed(self.entries()[: self.limit])
        text = "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in kept)
        write_atomically(self.path, text)


def _ends_torn(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) != b"\n"
    except OSError:  # empty file: nothing torn
        return False


def save_buffer(profile_name: str, text: str) -> None:
    """Save the SQL editor's text for the profile, replacing the previous one.

    Password literals are saved masked (``'********'``): the text on screen keeps
    them, the disk never has them.

    Args:
        profile_name: Whose buffer it is.
        text: The whole editor text.

    Raises:
        OSError: the buffer cannot be written; the previous one is left intact.
    """
    write_atomically(locations.state_dir(profile_name) / BUFFER_FILE, mask_passwords(text))


def load_buffer(profile_name: str) -> str:
    """Return the profile's saved SQL editor text, or an empty string."""
    try:
        return (locations.state_dir(profile_name) / BUFFER_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
