"""Devices: paged lists with server-side filter and sort, lookups, edits and services."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from console.backends.balena import filters
from console.backends.balena.actions import ACTIONS, BulkRunner
from console.backends.balena.models import (
    DEVICE_EXPAND,
    DEVICE_SELECT,
    ActionResult,
    Device,
    DevicePage,
    Release,
    ServiceState,
    expanded,
)
from console.errors import BadQuery, Conflict, NotFound, Unavailable

if TYPE_CHECKING:
    from console.backends.balena.client import BalenaClient

SORTABLE = {
    "name": "device_name",
    "uuid": "uuid",
    "online": "is_online",
    "status": "overall_status",
    "seen": "last_connectivity_event",
    "os": "os_version",
    "id": "id",
}
"""Column → field the server sorts by."""
CHUNK = 200
"""Ids per ``id in (...)`` request, as the SDK chunks bulk lookups."""


class DeviceAPI:
    """The ``device`` resource and the actions on devices."""

    def __init__(self, client: BalenaClient) -> None:
        self.client = client

    async def where(
        self, fleet_id: int | None = None, text: str | None = None
    ) -> dict[str, Any] | None:
        """Combine a fleet and filter text (see ``filters``) into one ``$filter`` object.

        A ``fleet=`` uuid or short uuid is found first, as every fleet identifier is
        (``BalenaClient.resolve_fleet``).

        Raises:
            BadQuery: the filter text does not parse.
            NotFound: a ``fleet=`` uuid matches no fleet.
            Conflict: a ``fleet=`` short uuid matches several (they are named).
        """
        parts = []
        if fleet_id is not None:
            parts.append({"belongs_to__application": fleet_id})
        parsed = filters.parse(text or "")  # a typo is reported before any lookup
        lookups = filters.fleet_lookups(text or "")
        if lookups:
            found = await asyncio.gather(*(self.client.resolve_fleet(i) for i in lookups))
            fleets = {i: fleet.id for i, fleet in zip(lookups, found, strict=True)}
            parsed = filters.parse(text or "", fleets)
        if parsed is not None:
            parts.append(parsed)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"$and": parts}

    async def list(
        self,
        *,
        fleet_id: int | None = None,
        text: str | None = None,
        sort: str = "name",
        descending: bool = False,
        top: int = 100,
        skip: int = 0,
        select: list[str] | None = None,
    ) -> DevicePage:
        """Fetch one page of devices and the total matching the filter.

        Args:
            fleet_id: Only this fleet's devices.
            text: Filter text in the device filter language.
            sort: A column of ``SORTABLE``; ties break by id so pages never overlap.
            descending: Sort direction.
            top: Page size.
            skip: Rows before the page.
            select: Fields to fetch instead of the default set.

        Returns:
            The page and the total count.

        Raises:
            BadQuery: bad filter text or sort column.
            ConsoleError: the request failed.
        """
        query, where = await self._query(fleet_id, text, sort, descending, select)
        query.update({"$top": top, "$skip": skip})
        if select is None:
            query["$expand"] = DEVICE_EXPAND
        rows, total = await asyncio.gather(
            self.client.get("device", query, "list devices"),
            self.count(where),
        )
        return DevicePage([Device.from_api(row) for row in rows], total, skip)

    async def select(
        self,
        fields: list[str],
        *,
        fleet_id: int | None = None,
        text: str | None = None,
        sort: str = "name",
        descending: bool = False,
        top: int = 100,
    ) -> list[dict[str, Any]]:
        """Fetch chosen API fields of the devices a filter matches (``devices list --select``).

        The filter and the order are those of ``list``; the rows are the API's own.

        Raises:
            BadQuery: bad filter text, sort column or field list (a field the API does
                not have is named).
        """
        if not fields:
            raise BadQuery("name at least one field to select")
        query, _ = await self._query(fleet_id, text, sort, descending, fields)
        query["$top"] = top
        try:
            result: list[dict[str, Any]] = await self.client.get("device", query, "list devices")
        except Unavailable:
            unknown = await self._unknown_fields(fields)
            if unknown:
                names = ", ".join(repr(name) for name in unknown)
                raise BadQuery(
                    f"this balena API has no device field {names} "
                    "(openBalena lacks some of balenaCloud's)",
                    operation="list devices",
                ) from None
            raise
        return result

    async def _unknown_fields(self, fields: list[str]) -> list[str]:
        """The fields the API refuses to select on their own.

        The API answers an unknown field with a bare 500 (protocols/balena.md §6), which
        reads like an outage; asking for each field alone tells a typo from a fault.
        """

        async def refused(field: str) -> bool:
            try:
                await self.client.get("device", {"$select": [field], "$top": 1}, "check field")
            except Unavailable:
                return True
            return False

        # ``id`` always exists: when it is refused too, the API is down, not the field list.
        baseline, *verdicts = await asyncio.gather(*(refused(f) for f in ["id", *fields]))
        if baseline:
            return []
        return [field for field, bad in zip(fields, verdicts) if bad]

    async def _query(
        self,
        fleet_id: int | None,
        text: str | None,
        sort: str,
        descending: bool,
        select: list[str] | None,
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The list query and its ``$filter``: sorted server-side, ties broken by id."""
        if sort not in SORTABLE:
            raise BadQuery(f"cannot sort by {sort!r}; use one of {', '.join(SORTABLE)}")
        where = await self.where(fleet_id, text)
        direction = "desc" if descending else "asc"
        query: dict[str, Any] = {
            "$select": list(select or DEVICE_SELECT),
            "$orderby": [{SORTABLE[sort]: direction}, {"id": direction}],
        }
        if where is not None:
            query["$filter"] = where
        return query, where

    async def rows(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """Fetch raw device rows for a query object (the CLI's ``--select``)."""
        result: list[dict[str, Any]] = await self.client.get("device", query, "list devices")
        return result

    async def count(self, where: dict[str, Any] | None = None) -> int:
        """Count the devices a ``$filter`` object matches."""
        count = {"$filter": where} if where is not None else True
        total = await self.client.get("device", {"$count": count}, "count devices")
        return int(total)

    async def by_ids(self, ids: list[int]) -> list[Device]:
        """Fetch devices by id (for live refresh), ``CHUNK`` ids per request."""
        found: list[Device] = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            query = {
                "$select": list(DEVICE_SELECT),
                "$expand": DEVICE_EXPAND,
                "$filter": {"id": {"$in": chunk}},
            }
            rows = await self.client.get("device", query, "refresh devices")
            found.extend(Device.from_api(row) for row in rows)
        return found

    async def get(self, identifier: int | str, *, by_name: bool = False) -> Device:
        """Return one device by any identifier (see ``BalenaClient.resolve_device``);
        ``by_name`` also takes a device name that exactly one device has."""
        return await self.client.resolve_device(identifier, by_name=by_name)

    async def rename(self, identifier: int | str, name: str) -> Device:
        """Rename a device; names cannot hold line breaks.

        Raises:
            BadQuery: the name is empty or has a line break.
        """
        if not name.strip() or "\n" in name or "\r" in name:
            raise BadQuery("a device name must be non-empty and on one line")
        device = await self.get(identifier)
        await self.client.patch("device", device.id, {"device_name": name.strip()}, "rename device")
        return await self.get(device.id)

    async def set_note(self, identifier: int | str, note: str) -> None:
        """Set a device's note."""
        device = await self.get(identifier)
        await self.client.patch("device", device.id, {"note": note}, "set device note")

    async def find_release(self, fleet_id: int, release: str) -> Release:
        """Find a successful release of a fleet by commit (or its prefix) or version.

        Raises:
            NotFound: no successful release matches.
            Conflict: a commit prefix matches several releases.
        """
        text = release.strip()
        match = [{"commit": {"$startswith": text.lower()}}, {"raw_version": text}]
        query = {
            "$select": [
                "id",
                "commit",
                "raw_version",
                "status",
                "created_at",
                "belongs_to__application",
            ],
            "$filter": {"status": "success", "belongs_to__application": fleet_id, "$or": match},
            "$orderby": {"created_at": "desc"},
            "$top": 2,
        }
        rows = await self.client.get("release", query, f"find release {text}")
        if not rows:
            raise NotFound(f"no successful release '{text}' in fleet {fleet_id}")
        if len(rows) > 1 and rows[0].get("commit") != text.lower():
            raise Conflict(f"release '{text}' is ambiguous: give more of the commit")
        return Release.from_api(rows[0])

    async def services(self, identifier: int | str) -> list[ServiceState]:
        """The services installed on a device, with their status and release."""
        device = await self.get(identifier)
        image = {
            "$select": ["id"],
            "$expand": {"is_a_build_of__service": {"$select": ["id", "service_name"]}},
        }
        installs = {
            "$select": ["id", "download_progress", "status", "install_date"],
            "$filter": {"status": {"$ne": "deleted"}},
            "$expand": {
                "image": image,
                "is_provided_by__release": {"$select": ["id", "commit", "raw_version"]},
            },
        }
        rows = await self.client.get(
            "device",
            {"$select": ["id", "uuid"], "$expand": {"image_install": installs}},
            "list device services",
            key=device.id,
        )
        return [_service(item) for row in rows for item in row.get("image_install", [])]

    async def bulk(
        self, action: str, identifiers: list[int | str], **options: Any
    ) -> list[ActionResult]:
        """Run one action on many devices; every identifier gets its own result.

        Args:
            action: One of ``ACTIONS`` (restart, reboot, blink, shutdown, purge,
                pin, track, move, deactivate, tag).
            identifiers: Devices by any identifier.
            options: ``force`` for supervisor actions, ``release`` for pin,
                ``fleet`` for move, ``key``/``value`` for tag.

        Raises:
            BadQuery: unknown action or a missing option.
            ReadOnlyRefused: the profile is read-only (nothing is sent).
        """
        if action not in ACTIONS:
            raise BadQuery(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
        return await BulkRunner(self.client, self).run(action, identifiers, options)


def _service(item: dict[str, Any]) -> ServiceState:
    service = expanded(expanded(item.get("image")).get("is_a_build_of__service"))
    release = expanded(item.get("is_provided_by__release"))
    label = Release.from_api(release).label if release else None
    return ServiceState(
        name=service.get("service_name") or "?",
        status=item.get("status"),
        release=label,
        progress=item.get("download_progress"),
    )
