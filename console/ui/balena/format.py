"""How device and fleet values read in a cell: short, plain text, the same at any width."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from console.backends.balena import Device, Fleet

DEVICE_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    # (column key, label, server sort key or None)
    ("sel", " ", None),
    ("name", "Name", "name"),
    ("uuid", "UUID", "uuid"),
    ("online", "Online", "online"),
    ("status", "Status", "status"),
    ("release", "Release", None),
    ("seen", "Last seen", "seen"),
    ("os", "OS", "os"),
    ("fleet", "Fleet", None),
    ("type", "Type", None),
    ("ip", "IP", None),
    ("supervisor", "Supervisor", None),
    ("heartbeat", "Heartbeat", None),
    ("cpu_temp", "CPU °C", None),
    ("note", "Note", None),
)
"""Every column the Devices table can show, in order (``DEFAULT_COLUMNS`` are shown first)."""
DEFAULT_COLUMNS: tuple[str, ...] = (
    "sel",
    "name",
    "uuid",
    "online",
    "status",
    "release",
    "seen",
    "os",
)
"""The columns shown until the operator chooses others (``c`` in the Devices pane)."""

SORT_CYCLE = ("name", "status", "seen", "online", "os", "uuid")


def plain(value: object) -> Text:
    """A cell as literal text: names and values from the API are never read as markup."""
    return Text("" if value is None else str(value), no_wrap=True, end="")


def when(value: str | None) -> str:
    """An API timestamp as ``MM-DD HH:MM`` (UTC): fixed width, no 'ago' that ages."""
    if not value or len(value) < 16:
        return ""
    return f"{value[5:10]} {value[11:16]}"


SHORT_STATUS = {"reduced-functionality": "reduced", "post-provisioning": "provisioning"}


def release(device: Device) -> str:
    """Version (or short commit) of the running release, and whether it is pinned."""
    running = device.running
    label = (running.raw_version or running.commit[:7]) if running else ""
    return f"{label} pinned" if device.pinned else label


def device_cells(device: Device, selected: bool) -> dict[str, str]:
    """The text of every column for one device."""
    status = SHORT_STATUS.get(device.status or "", device.status or "")
    if device.status == "updating" and device.progress is not None:
        status = f"updating {device.progress}%"
    if device.os_update:
        status = f"OS {device.os_update}"  # a host OS update shows its progress
    return {
        "sel": "✓" if selected else " ",
        "name": device.name,
        "uuid": device.short_uuid,
        "online": "online" if device.is_online else "offline",
        "status": status,
        "release": release(device),
        "seen": when(device.last_seen),
        "os": (device.os_version or "").removeprefix("balenaOS "),
        "fleet": device.fleet_slug or "",
        "type": device.device_type or "",
        "ip": (device.ip_address or "").split(" ")[0],
        "supervisor": device.supervisor_version or "",
        "heartbeat": device.heartbeat or "",
        "cpu_temp": "" if device.cpu_temp is None else str(device.cpu_temp),
        "note": (device.note or "").replace("\n", " "),
    }


def fleet_cells(fleet: Fleet) -> list[Any]:
    """One row of the Fleets table."""
    return [
        fleet.name,
        fleet.slug,
        fleet.fleet_class,
        fleet.device_type or "",
        _count(fleet.device_count),
        _count(fleet.online_count),
    ]


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"
