"""What the operator last saw in each pane of a profile: the memory behind "since last look".

Kept as ``ui.json`` is (``ui_state``): a small JSON file in the profile's state
directory, replaced whole with ``write_atomically``, and read as "never looked"
when it is missing, unreadable, of another version or larger than ``MAX_BYTES``
(the pane then shows no summary; nothing is lost that matters, never a traceback).
One file per pane, so the Jobs pane saving its counts never rewrites the Devices
pane's device states. Each pane stores only what its comparison needs (a device's
state, counts per state, the last log line read per device) and bounds it.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.profiles import locations
from console.profiles.atomic import write_atomically

__all__ = ["MAX_BYTES", "VERSION", "Look", "load", "path", "save"]

VERSION = 1
"""Bumped when a pane's stored form changes: an older file then reads as no look at all."""
MAX_BYTES = 2 * 1024 * 1024
"""Largest look read or written. Panes store far less (5,000 devices take ~250 KB)."""
_PANE = re.compile(r"[a-z][a-z0-9_-]{0,31}")


@dataclass(frozen=True)
class Look:
    """One pane's last look: when it was taken, and what the pane kept of it."""

    taken_at: float
    """Seconds since the epoch."""
    data: dict[str, Any]

    def age(self, now: float | None = None) -> float:
        """Seconds since the look (0 for a clock that went back)."""
        return max(0.0, (time.time() if now is None else now) - self.taken_at)


def path(profile: str, pane: str) -> Path:
    """The file holding ``pane``'s last look in ``profile`` (its state directory).

    Raises:
        ValueError: ``pane`` is not a plain pane id (it names a file).
    """
    if not _PANE.fullmatch(pane):
        raise ValueError(f"not a pane id: {pane!r}")
    return locations.state_dir(profile) / f"last-look-{pane}.json"


def load(profile: str, pane: str) -> Look | None:
    """Return ``pane``'s last look in ``profile``; ``None`` when there is no usable one."""
    target = path(profile, pane)
    try:
        with target.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        stored = json.loads(raw)
    except (OSError, ValueError):  # missing, unreadable, not JSON (a torn copy, an editor)
        return None
    if not isinstance(stored, dict) or stored.get("version") != VERSION:
        return None
    taken_at, data = stored.get("taken_at"), stored.get("data")
    if not isinstance(taken_at, (int, float)) or not isinstance(data, dict):
        return None
    return Look(float(taken_at), data)


def save(profile: str, pane: str, data: dict[str, Any], *, taken_at: float | None = None) -> Look:
    """Replace ``pane``'s last look in ``profile`` with ``data`` (JSON-able), atomically.

    Args:
        profile: The profile's name.
        pane: The pane's id (``devices``).
        data: What the pane keeps of what the operator saw.
        taken_at: When, in seconds since the epoch (now by default).

    Returns:
        The look as saved.

    Raises:
        ValueError: ``data`` is larger than ``MAX_BYTES`` once written (nothing is written).
        OSError: the file could not be written; the previous look is intact.
    """
    look = Look(time.time() if taken_at is None else taken_at, data)
    text = json.dumps({"version": VERSION, "taken_at": look.taken_at, "data": data},
                      separators=(",", ":"), ensure_ascii=False)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"the {pane} pane's last look is over {MAX_BYTES:,} bytes")
    write_atomically(path(profile, pane), text)
    return look
