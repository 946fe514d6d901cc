"""Host OS updates: the balenaOS versions a device type may run, and starting an update.

The versions are the successful, final, valid releases of the device type's
host app. An update sets the device's ``should_be_operated_by__release`` (the
API's detached update); like the SDK, the console first checks the device is
online and the target is a published version newer than the one it runs. The
device then reports progress in ``provisioning_state`` and
``provisioning_progress``, which the Devices pane shows as it refreshes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console.backends.balena.models import DEVICE_SELECT, Device
from console.errors import BadQuery, NotFound

if TYPE_CHECKING:
    from console.backends.balena.client import BalenaClient

VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:\+rev(\d+))?")


def os_version(text: str | None) -> tuple[int, ...] | None:
    """``balenaOS 5.3.21`` or ``2.29.2+rev1.prod`` → ``(5, 3, 21, 0)``; ``None`` if absent."""
    found = VERSION.search(text or "")
    if found is None:
        return None
    major, minor, patch, rev = found.groups()
    return int(major), int(minor), int(patch), int(rev or 0)


@dataclass(frozen=True)
class OsRelease:
    """One balenaOS version a device type may run."""

    id: int
    raw_version: str
    variant: str = ""
    created_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return {
            "id": self.id,
            "version": self.raw_version,
            "variant": self.variant,
            "created_at": self.created_at,
        }


class HostOsAPI:
    """balenaOS versions and host OS updates of devices."""

    def __init__(self, client: BalenaClient) -> None:
        self.client = client

    async def versions(self, device_type: str) -> list[OsRelease]:
        """The published balenaOS versions of a device type, newest first.

        Raises:
            ConsoleError: the request failed.
        """
        host = {"is_host": True, "is_for__device_type": _slug_is(device_type)}
        query = {
            "$select": ["id", "raw_version", "variant", "created_at"],
            "$filter": {
                "status": "success",
                "is_final": True,
                "is_invalidated": False,
                "belongs_to__application": {"$any": {"$alias": "a", "$expr": {"a": host}}},
            },
            "$orderby": {"created_at": "desc"},
        }
        rows = await self.client.get("release", query, f"list balenaOS versions of {device_type}")
        found = [
            OsRelease(
                r["id"], r.get("raw_version") or "", r.get("variant") or "", r.get("created_at")
            )
            for r in rows
        ]
        return sorted(found, key=lambda r: os_version(r.raw_version) or (), reverse=True)

    async def start(self, device: int | str | Device, target: str) -> Device:
        """Start a host OS update of one device to ``target`` (e.g. ``6.1.4``).

        Raises:
            BadQuery: the device is offline, its OS is unknown, or the target is not a
                published version of its type newer than the one it runs (the message
                names the versions it may take).
            NotFound: no such device.
        """
        identifier = device.id if isinstance(device, Device) else device
        current = await self.client.resolve_device(identifier, select=DEVICE_SELECT)
        release = await self._check(current, target.strip())
        await self.client.patch(
            "device",
            current.id,
            {"should_be_operated_by__release": release.id},
            f"update host OS of {current.short_uuid}",
        )
        started = await self.client.resolve_device(current.id)
        if started.os_target_id != release.id:
            raise BadQuery(
                f"the API accepted the host OS update of {started.name} but did not record it"
            )
        return started

    async def _check(self, device: Device, target: str) -> OsRelease:
        name = device.name or device.short_uuid
        if not device.is_online:
            raise BadQuery(f"{name} is offline: a host OS update needs the device online")
        running = os_version(device.os_version)
        if running is None:
            raise BadQuery(f"the host OS version of {name} is not known")
        if not device.device_type:
            raise NotFound(f"the device type of {name} is not known")
        offered = await self.versions(device.device_type)
        chosen = next((r for r in offered if r.raw_version == target), None)
        newer = [r.raw_version for r in offered if (os_version(r.raw_version) or ()) > running]
        if chosen is None:
            choice = ", ".join(newer[:6]) or "none newer than it runs"
            raise BadQuery(
                f"{target!r} is not a balenaOS version of {device.device_type} "
                f"({name} may update to: {choice})"
            )
        if chosen.raw_version not in newer:
            raise BadQuery(
                f"{name} runs {device.os_version}; {target} is not newer "
                f"(newer: {', '.join(newer[:6]) or 'none'})"
            )
        return chosen


def _slug_is(device_type: str) -> dict[str, Any]:
    return {"$any": {"$alias": "dt", "$expr": {"dt": {"slug": device_type}}}}
