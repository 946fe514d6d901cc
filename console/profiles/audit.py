"""The profile's audit log: one JSON line per write, from any pane or command.

Backends call ``record`` where a write is sent (the same place a read-only
profile refuses it), so nothing the UI or CLI does can bypass it. A line holds
the time (UTC, ISO 8601), the profile, the action, its target, how many things
it touched and the outcome (``ok``, ``failed: …``, ``refused: …``). Never a
secret, never a value written: an audit log is read by more people than a
credentials file.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from console.profiles import locations
from console.profiles.atomic import append_record

AUDIT_FILE = "audit.jsonl"
_lock = threading.Lock()
_AGO = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class AuditEntry:
    """One write as the audit log keeps it."""

    time: str
    profile: str
    action: str
    """What was done, e.g. ``sql.write``, ``devices.reboot``, ``cache.put``."""
    target: str
    """What it was done to: a database, a device list, a cache and key…"""
    count: int | None
    """How many things it touched, when known."""
    outcome: str
    """``ok``, or ``failed: why`` / ``refused: why``."""


def audit_file(profile: str) -> Path:
    """Return the profile's audit log (inside its own data directory)."""
    return locations.profile_dir(profile) / AUDIT_FILE


def record(
    profile: str | None,
    action: str,
    target: str,
    *,
    count: int | None = None,
    outcome: str = "ok",
) -> None:
    """Append one write to the profile's audit log (mode 0600, one ``write`` per line).

    A profile-less client (a test's, a benchmark's) records nothing. A failing disk
    is not the operator's write failing: the error is swallowed, the write stands.
    """
    if not profile:
        return
    entry = AuditEntry(
        time=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        profile=profile,
        action=action,
        target=target,
        count=count,
        outcome=outcome,
    )
    line = (json.dumps(asdict(entry), ensure_ascii=False) + "\n").encode()
    try:
        path = audit_file(profile)
        with _lock:
            append_record(path, line)  # whole or not at all: a full disk tears no line
    except OSError:
        return


def read(profile: str, *, since: datetime | None = None) -> list[AuditEntry]:
    """Return the profile's audit log, oldest first (a torn or foreign line is skipped).

    Args:
        profile: Whose log.
        since: Keep only entries at or after this time (UTC when naive).
    """
    try:
        text = audit_file(profile).read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, IsADirectoryError):
        return []
    entries = []
    for line in text.splitlines():
        try:
            entry = AuditEntry(**json.loads(line))
        except (ValueError, TypeError):
            continue
        if since is None or _when(entry) >= _utc(since):
            entries.append(entry)
    return entries


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """Read ``--since``: a duration back from now (``30m``, ``2h``, ``7d``, ``1w``) or an
    ISO 8601 date or time (``2026-01-15``, ``2026-01-15T10:00``; UTC unless it says).

    Raises:
        ValueError: neither form; the message says what is accepted.
    """
    ago = _AGO.match(text)
    if ago:
        delta = timedelta(**{_UNITS[ago.group(2)]: int(ago.group(1))})
        return (now or datetime.now(timezone.utc)) - delta
    try:
        return _utc(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise ValueError(f"'{text}' is not a time: use 30m, 2h, 7d, 1w, or an ISO date "
                         "such as 2026-01-15 or 2026-01-15T10:00") from None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _when(entry: AuditEntry) -> datetime:
    try:
        return _utc(datetime.fromisoformat(entry.time))
    except ValueError:  # a hand-edited line: keep it rather than hide it
        return datetime.max.replace(tzinfo=timezone.utc)
