"""Devices since last look: which went offline, came back, changed status, are new or gone.

A look keeps, per device the operator had loaded, its name, online flag and status
(``Seen``), and the highest device id that existed then, so "new" means created since,
not merely never scrolled to. It is bounded to ``LIMIT`` devices, the most recently
seen first: a 100,000-device fleet stores what the operator looked at, not the fleet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from console.backends.balena import Device
from console.lastlook.words import summary

OFFLINE = "offline"
ONLINE = "online"
STATUS = "status"
NEW = "new"
GLYPHS = {OFFLINE: "▼", ONLINE: "▲", STATUS: "~", NEW: "+"}
"""The mark a changed row carries: text, so it reads without colour (NO_COLOR)."""
LIMIT = 5_000
"""Devices a look keeps (about 250 KB); checking them again on open is 25 requests at most."""
NAMED_GONE = 3
"""Gone devices named in the summary; more are only counted."""


@dataclass(frozen=True)
class Seen:
    """What the operator saw of one device."""

    name: str
    online: bool
    status: str

    @classmethod
    def of(cls, device: Device) -> Seen:
        return cls(device.name, device.is_online, device.status or "")


@dataclass(frozen=True)
class DeviceLook:
    """The devices the operator last saw, most recently seen first."""

    devices: dict[int, Seen]
    max_id: int | None = None
    """The highest device id on the server then: a device above it is new."""

    def to_data(self) -> dict[str, Any]:
        """The JSON form ``last_look.save`` stores."""
        rows = {str(i): [s.name, int(s.online), s.status] for i, s in self.devices.items()}
        return {"max_id": self.max_id, "devices": rows}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> DeviceLook:
        """Read a stored look; entries that do not read are skipped, never fatal."""
        devices: dict[int, Seen] = {}
        rows = data.get("devices")
        for key, row in (rows.items() if isinstance(rows, dict) else ()):
            try:
                name, online, status = row
                devices[int(key)] = Seen(str(name), bool(online), str(status))
            except (TypeError, ValueError):
                continue
        max_id = data.get("max_id")
        return cls(devices, max_id if isinstance(max_id, int) else None)


def change(before: Seen, now: Device) -> str | None:
    """How a device changed since it was seen (online first: it explains its status)."""
    if before.online and not now.is_online:
        return OFFLINE
    if now.is_online and not before.online:
        return ONLINE
    return STATUS if (now.status or "") != before.status else None


@dataclass(frozen=True)
class DeviceChanges:
    """What changed since the last look."""

    marks: dict[int, str]
    """Device id → ``OFFLINE``, ``ONLINE``, ``STATUS`` or ``NEW``, for the rows."""
    new: int = 0
    """Devices created since (may be more than are marked)."""
    gone: tuple[str, ...] = ()
    """Names of the devices seen then that no longer exist."""

    def count(self, kind: str) -> int:
        """How many devices changed that way (``NEW``: every new device, marked or not)."""
        if kind == NEW:
            return self.new
        return sum(1 for mark in self.marks.values() if mark == kind)

    def summary(self, age: float, *, hint: str = "") -> str:
        """``Since last look (2 h ago): ▼ 3 went offline, + 1 new, 2 gone``; empty if none."""
        words = {OFFLINE: "went offline", ONLINE: "back online", STATUS: "changed status",
                 NEW: "new"}
        parts = [f"{GLYPHS[k]} {self.count(k)} {w}" for k, w in words.items() if self.count(k)]
        if self.gone:
            names = ", ".join(self.gone[:NAMED_GONE])
            more = " …" if len(self.gone) > NAMED_GONE else ""
            parts.append(f"{len(self.gone)} gone ({names}{more})")
        return summary(age, parts, hint=hint)


def compare(look: DeviceLook, now: Iterable[Device], *, new_total: int = 0) -> DeviceChanges:
    """Compare the last look with the devices as they are now.

    Args:
        look: The last look.
        now: Every device of the look that still exists (those loaded and those looked up
            by id), and any others loaded or known to be new.
        new_total: Devices created since the look, as the server counted them.

    Returns:
        The changes: a device of the look missing from ``now`` is gone.
    """
    marks: dict[int, str] = {}
    present: set[int] = set()
    for device in now:
        present.add(device.id)
        before = look.devices.get(device.id)
        if before is not None:
            kind = change(before, device)
        else:
            kind = NEW if look.max_id is not None and device.id > look.max_id else None
        if kind is not None:
            marks[device.id] = kind
    gone = tuple(seen.name for i, seen in look.devices.items() if i not in present)
    new = max(new_total, sum(1 for mark in marks.values() if mark == NEW))
    return DeviceChanges(marks, new, gone)


def remember(look: DeviceLook | None, seen: Iterable[Device], *, max_id: int | None,
             forget: Iterable[int] = ()) -> DeviceLook:
    """The next look: ``seen`` first, then the devices of ``look`` still worth keeping.

    Args:
        look: The previous look (``None``: the first).
        seen: Devices as the operator saw them now.
        max_id: The highest device id on the server now (``None``: keep the previous).
        forget: Device ids known to be gone.
    """
    devices = {device.id: Seen.of(device) for device in seen}
    dropped = set(forget)
    for device_id, before in (look.devices.items() if look else ()):
        if len(devices) >= LIMIT:
            break
        if device_id not in devices and device_id not in dropped:
            devices[device_id] = before
    kept = dict(list(devices.items())[:LIMIT])
    return DeviceLook(kept, max_id if max_id is not None else look.max_id if look else None)
