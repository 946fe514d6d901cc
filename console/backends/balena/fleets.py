"""Fleets (``application``): list with device counts, get, create, releases."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING, Any

from console.backends.balena.models import Fleet, Release
from console.errors import BadQuery, NotFound

if TYPE_CHECKING:
    from console.backends.balena.client import BalenaClient

CLASSES = ("fleet", "app", "block")
FLEET_SELECT = [
    "id",
    "app_name",
    "slug",
    "uuid",
    "is_of__class",
    "should_track_latest_release",
    "should_be_running__release",
]
FLEET_EXPAND: dict[str, Any] = {
    "organization": {"$select": ["handle"]},
    "is_for__device_type": {"$select": ["slug"]},
}


class FleetAPI:
    """The ``application`` resource."""

    def __init__(self, client: BalenaClient) -> None:
        self.client = client

    async def list(self) -> list[Fleet]:
        """Return every fleet the token reaches, with device and online counts.

        Two requests, because one ``$expand`` cannot name ``owns__device`` twice.
        """
        return await self._with_counts({"$orderby": {"app_name": "asc"}}, "list fleets")

    async def get(self, identifier: int | str) -> Fleet:
        """Return one fleet by id, slug, uuid or short uuid (``BalenaClient.resolve_fleet``)."""
        return await self.client.resolve_fleet(identifier)

    async def get_with_counts(self, identifier: int | str) -> Fleet:
        """Like ``get``, with the device and online counts ``list`` gives."""
        fleet = await self.get(identifier)
        found = await self._with_counts({"$filter": {"id": fleet.id}}, f"read fleet {fleet.slug}")
        if not found:
            raise NotFound(f"fleet {fleet.slug} is no longer there")
        return found[0]

    async def _with_counts(self, narrow: dict[str, Any], what: str) -> list[Fleet]:
        totals = {
            "$select": FLEET_SELECT,
            "$expand": {**FLEET_EXPAND, "owns__device": {"$count": {}}},
            **narrow,
        }
        online = {
            "$select": ["id"],
            "$expand": {"owns__device": {"$count": {"$filter": {"is_online": True}}}},
            **{k: v for k, v in narrow.items() if k == "$filter"},
        }
        rows, counts = await asyncio.gather(
            self.client.get("application", totals, what),
            self.client.get("application", online, "count online devices"),
        )
        online_by_id = {row["id"]: row.get("owns__device") for row in counts}
        return [
            dataclasses.replace(Fleet.from_api(row), online_count=online_by_id.get(row["id"]))
            for row in rows
        ]

    async def create(
        self, name: str, device_type: str, organization: str | int, fleet_class: str = "fleet"
    ) -> Fleet:
        """Create a fleet, app or block.

        Args:
            name: 4 to 100 characters.
            device_type: Slug or alias (``raspberrypi4-64``, ``rpi4``) or id.
            organization: Handle or id.
            fleet_class: ``fleet``, ``app`` or ``block``.

        Raises:
            BadQuery: bad name or class.
            NotFound: unknown device type or organization.
            Conflict: the slug is taken.
        """
        if fleet_class not in CLASSES:
            raise BadQuery(f"a fleet class is one of {', '.join(CLASSES)}, not {fleet_class!r}")
        if not 4 <= len(name.strip()) <= 100:
            raise BadQuery("a fleet name has 4 to 100 characters")
        type_id, org_id = await asyncio.gather(
            self.device_type_id(device_type), self.organization_id(organization)
        )
        body = {
            "app_name": name.strip(),
            "organization": org_id,
            "is_for__device_type": type_id,
            "is_of__class": fleet_class,
        }
        created = await self.client.post("application", body, f"create fleet {name}")
        return await self.get(created["id"])

    async def device_type_id(self, slug: str | int) -> int:
        """Resolve a device type slug or alias to its id."""
        if isinstance(slug, int) or str(slug).isdigit():
            return int(slug)
        alias = {
            "device_type_alias": {
                "$any": {"$alias": "a", "$expr": {"a": {"is_referenced_by__alias": slug}}}
            }
        }
        query = {"$select": ["id"], "$filter": [{"slug": slug}, alias], "$top": 1}
        rows = await self.client.get("device_type", query, f"find device type {slug}")
        if not rows:
            raise NotFound(f"no device type '{slug}'")
        return int(rows[0]["id"])

    async def organization_id(self, handle: str | int) -> int:
        """Resolve an organization handle to its id."""
        if isinstance(handle, int) or str(handle).isdigit():
            return int(handle)
        rows = await self.client.get(
            "organization",
            {"$select": ["id"], "$filter": {"handle": handle}},
            f"find organization {handle}",
        )
        if not rows:
            raise NotFound(f"no organization '{handle}'")
        return int(rows[0]["id"])

    async def device_types(self) -> list[dict[str, Any]]:
        """Every device type (slug and name), for the create-fleet dialog."""
        query = {"$select": ["id", "slug", "name"], "$orderby": {"name": "asc"}}
        result: list[dict[str, Any]] = await self.client.get(
            "device_type", query, "list device types"
        )
        return result

    async def organizations(self) -> list[dict[str, Any]]:
        """Every organization (handle and name), for the create-fleet dialog."""
        query = {"$select": ["id", "handle", "name"], "$orderby": {"handle": "asc"}}
        result: list[dict[str, Any]] = await self.client.get(
            "organization", query, "list organizations"
        )
        return result

    async def releases(
        self, identifier: int | str | Fleet, *, only_success: bool = False
    ) -> list[Release]:
        """Return a fleet's releases, newest first."""
        fleet_id = (
            identifier.id if isinstance(identifier, Fleet) else (await self.get(identifier)).id
        )
        where: dict[str, Any] = {"belongs_to__application": fleet_id}
        if only_success:
            where["status"] = "success"
        query = {
            "$select": [
                "id",
                "commit",
                "raw_version",
                "status",
                "created_at",
                "belongs_to__application",
            ],
            "$filter": where,
            "$orderby": {"created_at": "desc"},
        }
        rows = await self.client.get("release", query, "list releases")
        return [Release.from_api(row) for row in rows]
