"""The same device filter on two profiles' balena fleets, devices paired by name.

A device's uuid is made when it is provisioned, so the same gateway has one
uuid in staging and another in production: devices are paired by **name**,
and the uuid is shown beside it but never compared. Release, OS version,
status, online state and device variables are compared. Names that repeat
within one side are paired in uuid order, with a note.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import TYPE_CHECKING, Any

from console.backends.balena.models import DEVICE_EXPAND, DEVICE_SELECT, Device
from console.clients import Clients
from console.diff.model import Comparison
from console.diff.sides import on_side, side_of
from console.diff.tally import DEFAULT_LIMIT, Tally

if TYPE_CHECKING:
    from console.backends.balena import BalenaClient

PAGE = 500
"""Devices per request; pages follow the id, so a device that appears meanwhile is not
counted twice."""
COLUMNS = ["name", "status", "online", "release", "os", "variables", "uuid"]
UUID = 6
"""Last: shown for reference, never compared, so the compared columns come first."""
MATCHED_BY = "device name (uuids differ between environments: not compared)"
VARIABLES = {
    "device_environment_variable": {"$select": ["name", "value"]},
    "device_config_variable": {"$select": ["name", "value"]},
}

Facts = tuple[Any, ...]


def facts(row: dict[str, Any]) -> Facts:
    """What is compared of one device row, in ``COLUMNS`` order."""
    device = Device.from_api(row)
    variables = {v.get("name", ""): v.get("value", "")
                 for nav in VARIABLES for v in row.get(nav) or []}
    release = ""
    if device.running is not None:
        release = device.running.raw_version or device.running.commit[:7]
    if device.pinned is not None:
        release += " (pinned)"
    shown_variables = ", ".join(f"{k}={variables[k]}" for k in sorted(variables))
    return (device.name, device.status or "", device.is_online, release,
            device.os_version or "", shown_variables, device.short_uuid)


async def device_facts(client: BalenaClient, filter_text: str) -> list[Facts]:
    """Fetch every device the filter selects, ``PAGE`` at a time in id order.

    Raises:
        BadQuery: the filter does not parse (nothing is sent).
        ConsoleError: a request failed.
    """
    where = await client.devices.where(None, filter_text)
    query: dict[str, Any] = {
        "$select": [*DEVICE_SELECT],
        "$expand": {**DEVICE_EXPAND, **VARIABLES},
        "$orderby": [{"id": "asc"}],
        "$top": PAGE,
    }
    found: list[Facts] = []
    last = 0
    while True:
        after = {"id": {"$gt": last}}
        query["$filter"] = {"$and": [where, after]} if where is not None else after
        rows = await client.devices.rows(query)
        found.extend(facts(row) for row in rows)
        if len(rows) < PAGE:
            return found
        last = max(int(row["id"]) for row in rows)


def by_name(devices: list[Facts], profile: str, notes: list[str]) -> dict[str, Facts]:
    """Index devices by name; a repeated name gets ``#2``, ``#3``… in uuid order."""
    counts = Counter(d[0] for d in devices)
    indexed: dict[str, Facts] = {}
    seen: Counter[str] = Counter()
    for device in sorted(devices, key=lambda d: (d[0], d[UUID])):
        name = device[0]
        seen[name] += 1
        label = name if counts[name] == 1 else f"{name} #{seen[name]}"
        indexed[label] = (label, *device[1:])  # the name column reads as the label
    notes.extend(f"{n} devices named {name} on {profile}: paired in uuid order"
                 for name, n in sorted(counts.items()) if n > 1)
    return indexed


async def _side_devices(clients: Clients, filter_text: str) -> list[Facts]:
    with on_side(clients.profile.name):
        return await device_facts(await clients.balena(), filter_text)


async def compare_devices(a: Clients, b: Clients, filter_text: str, *,
                          limit: int = DEFAULT_LIMIT) -> Comparison:
    """Compare the devices ``filter_text`` selects on both profiles' balena APIs.

    Raises:
        BadQuery: the filter does not parse.
        ConsoleError: a side failed (its ``profile`` says which).
    """
    found = await asyncio.gather(_side_devices(a, filter_text), _side_devices(b, filter_text))
    notes: list[str] = []
    devices_a = by_name(found[0], a.profile.name, notes)
    devices_b = by_name(found[1], b.profile.name, notes)
    tally = Tally(limit, ignored=frozenset({UUID}))
    for name in sorted(devices_a.keys() | devices_b.keys()):
        mine, theirs = devices_a.get(name), devices_b.get(name)
        if theirs is None and mine is not None:
            tally.only_in_a((name,), mine)
        elif mine is None and theirs is not None:
            tally.only_in_b((name,), theirs)
        elif mine is not None and theirs is not None:
            tally.pair((name,), mine, theirs)
    subject = f"devices · filter: {filter_text}" if filter_text else "all devices"
    comparison = Comparison("devices", subject, side_of(a), side_of(b), list(COLUMNS), [0],
                            MATCHED_BY, notes=notes)
    return tally.into(comparison)
