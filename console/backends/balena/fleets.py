"""Fleets (``application``): list with device counts, get, create, releases."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING, Any

from console.backends.balena.models import Fleet, Release
from console.errors import BadQuery, Conflict, NotFound

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
        # Host apps (balenaOS itself, one per device type) are public apps, not fleets.
        return await self._with_counts(
            {"$filter": {"is_host": False}, "$orderby": {"app_name": "asc"}}, "list fleets"
        )

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

    async def rename(self, identifier: int | str, name: str) -> Fleet:
        """Rename a fleet; the server gives it the slug ``org/new-name``.

        Raises:
            BadQuery: the name is not 4 to 100 characters.
            Conflict: the organization already has a fleet of that name.
        """
        if not 4 <= len(name.strip()) <= 100:
            raise BadQuery("a fleet name has 4 to 100 characters")
        fleet = await self.get(identifier)
        await self.client.patch(
            "application", fleet.id, {"app_name": name.strip()}, f"rename fleet {fleet.slug}"
        )
        return await self.get(fleet.id)

    async def remove(self, identifier: int | str) -> Fleet:
        """Delete a fleet with its devices and releases (as the API cascades).

        Returns:
            The fleet as it was.

        Raises:
            NotFound: no such fleet.
        """
        fleet = await self.get_with_counts(identifier)
        await self.client.delete("application", fleet.id, f"remove fleet {fleet.slug}")
        return fleet

    async def pin(self, identifier: int | str, release: str) -> Fleet:
        """Make a fleet run one release (its devices follow unless pinned themselves).

        Raises:
            NotFound: no successful release of the fleet matches.
            Conflict: a commit prefix matches several releases.
        """
        fleet = await self.get(identifier)
        found = await self.client.devices.find_release(fleet.id, release)
        body = {"should_be_running__release": found.id, "should_track_latest_release": False}
        await self.client.patch("application", fleet.id, body, f"pin fleet {fleet.slug}")
        return await self._confirmed(fleet.id, found.id, False)

    async def track_latest(self, identifier: int | str) -> Fleet:
        """Make a fleet follow its newest final, passing, valid, successful release again.

        Raises:
            NotFound: the fleet has no such release.
        """
        fleet = await self.get(identifier)
        query = {
            "$select": ["id"],
            "$filter": {
                "belongs_to__application": fleet.id,
                "status": "success",
                "is_final": True,
                "is_passing_tests": True,
                "is_invalidated": False,
            },
            "$orderby": {"created_at": "desc"},
            "$top": 1,
        }
        rows = await self.client.get("release", query, f"find the latest release of {fleet.slug}")
        if not rows:
            raise NotFound(f"fleet {fleet.slug} has no final, passing release to track")
        body = {"should_be_running__release": rows[0]["id"], "should_track_latest_release": True}
        await self.client.patch("application", fleet.id, body, f"track latest {fleet.slug}")
        return await self._confirmed(fleet.id, int(rows[0]["id"]), True)

    async def _confirmed(self, fleet_id: int, release_id: int, track: bool) -> Fleet:
        """Read the fleet back: a write the token may not make still answers 200 (§8)."""
        fleet = await self.get(fleet_id)
        if fleet.target_release_id != release_id or bool(fleet.track_latest) != track:
            raise Conflict(f"the API accepted the change of {fleet.slug} but did not apply it")
        return fleet

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
