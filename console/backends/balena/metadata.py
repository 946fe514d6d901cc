"""Tags and environment/config variables of fleets and devices: list, set, remove.

Setting is an upsert as the SDK does it (§11): ``POST``, and on a ``409``
unique violation ``PATCH`` the row matched by owner and key. ``POST`` is never
retried blindly.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from console.backends.balena.models import (
    Device,
    Fleet,
    ServiceVariable,
    Tag,
    Variable,
    expanded,
)
from console.errors import BadQuery, Conflict, NotFound

if TYPE_CHECKING:
    from console.backends.balena.client import BalenaClient

Owner = int | str | Device | Fleet
OWNERS = {"device": "device", "fleet": "application"}
VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CONFIG_PREFIXES = ("BALENA_", "RESIN_")


def _owner_kind(kind: str) -> str:
    if kind not in OWNERS:
        raise BadQuery(f"tags and variables belong to a 'device' or a 'fleet', not {kind!r}")
    return OWNERS[kind]


class _OwnedAPI:
    def __init__(self, client: BalenaClient) -> None:
        self.client = client

    async def owner_id(self, kind: str, owner: Owner) -> int:
        """The numeric id of a device or fleet given by any identifier."""
        _owner_kind(kind)
        if isinstance(owner, Device | Fleet):
            return owner.id
        if kind == "device":
            return (await self.client.resolve_device(owner)).id
        return (await self.client.resolve_fleet(owner)).id

    async def _upsert(
        self, resource: str, parent: str, pid: int, key_field: str, key: str, value: str
    ) -> None:
        operation = f"set {resource} {key}"
        try:
            await self.client.post(
                resource, {parent: pid, key_field: key, "value": value}, operation
            )
        except Conflict as exc:
            if "unique" not in exc.message.lower():
                raise
            where = {parent: pid, key_field: key}
            await self.client.patch(resource, where, {"value": value}, operation)


class TagAPI(_OwnedAPI):
    """Tags: ``device_tag`` and ``application_tag``."""

    async def list(self, kind: str, owner: Owner) -> list[Tag]:
        """Return the tags of a device or fleet, by key.

        Raises:
            ConsoleError: the owner cannot be found or the request failed.
        """
        parent = _owner_kind(kind)
        pid = await self.owner_id(kind, owner)
        query = {
            "$select": ["id", "tag_key", "value"],
            "$filter": {parent: pid},
            "$orderby": {"tag_key": "asc"},
        }
        rows = await self.client.get(f"{parent}_tag", query, f"list {kind} tags")
        return [Tag(r["id"], r.get("tag_key") or "", r.get("value") or "") for r in rows]

    async def set(self, kind: str, owner: Owner, key: str, value: str) -> None:
        """Create or update one tag.

        Raises:
            BadQuery: the key is empty.
        """
        if not key.strip():
            raise BadQuery("a tag needs a key")
        parent = _owner_kind(kind)
        pid = await self.owner_id(kind, owner)
        await self._upsert(f"{parent}_tag", parent, pid, "tag_key", key.strip(), value)

    async def remove(self, kind: str, owner: Owner, key: str) -> None:
        """Delete one tag (nothing happens when it does not exist)."""
        parent = _owner_kind(kind)
        pid = await self.owner_id(kind, owner)
        await self.client.delete(
            f"{parent}_tag", {parent: pid, "tag_key": key}, f"remove {kind} tag {key}"
        )


class VariableAPI(_OwnedAPI):
    """Environment variables (``env``) and configuration variables (``config``, ``BALENA_*``)."""

    @staticmethod
    def resource(kind: str, var_kind: str) -> str:
        """The resource holding one kind of variable of one kind of owner."""
        if var_kind not in ("env", "config"):
            raise BadQuery(f"a variable is 'env' or 'config', not {var_kind!r}")
        middle = "environment" if var_kind == "env" else "config"
        return f"{_owner_kind(kind)}_{middle}_variable"

    async def list(self, kind: str, owner: Owner, var_kind: str = "env") -> list[Variable]:
        """Return the variables of a device or fleet, by name."""
        resource = self.resource(kind, var_kind)
        parent = _owner_kind(kind)
        pid = await self.owner_id(kind, owner)
        query = {
            "$select": ["id", "name", "value"],
            "$filter": {parent: pid},
            "$orderby": {"name": "asc"},
        }
        rows = await self.client.get(resource, query, f"list {kind} {var_kind} variables")
        return [
            Variable(r["id"], r.get("name") or "", r.get("value") or "", var_kind) for r in rows
        ]

    async def set(
        self, kind: str, owner: Owner, name: str, value: str, var_kind: str = "env"
    ) -> None:
        """Create or update one variable.

        Raises:
            BadQuery: the name is not a valid variable name (config names start ``BALENA_``).
        """
        _check_name(name, var_kind)
        resource = self.resource(kind, var_kind)
        pid = await self.owner_id(kind, owner)
        await self._upsert(resource, _owner_kind(kind), pid, "name", name, value)

    async def remove(self, kind: str, owner: Owner, name: str, var_kind: str = "env") -> None:
        """Delete one variable (nothing happens when it does not exist)."""
        resource = self.resource(kind, var_kind)
        parent = _owner_kind(kind)
        pid = await self.owner_id(kind, owner)
        where: dict[str, Any] = {parent: pid, "name": name}
        await self.client.delete(resource, where, f"remove {kind} variable {name}")


def _check_name(name: str, var_kind: str) -> None:
    if not VAR_NAME.match(name):
        raise BadQuery(
            f"{name!r} is not a variable name (letters, digits and _; not starting with a digit)"
        )
    if var_kind == "config" and not name.startswith(CONFIG_PREFIXES):
        raise BadQuery(f"config variable names start with BALENA_ or RESIN_, not {name!r}")


class ServiceVariableAPI(_OwnedAPI):
    """Service environment variables: of a fleet's service (``service_environment_variable``)
    or of one device's install of it (``device_service_environment_variable``)."""

    async def list(self, kind: str, owner: Owner) -> list[ServiceVariable]:
        """Return every service variable of a fleet or device, by service then name."""
        pid = await self.owner_id(kind, owner)
        if kind == "fleet":
            where = _lambda("service", {"application": pid})
            expand = {"service": {"$select": ["service_name"]}}
            resource = "service_environment_variable"
        else:
            where = _lambda("service_install", {"device": pid})
            expand = {
                "service_install": {
                    "$select": ["id"],
                    "$expand": {"installs__service": {"$select": ["service_name"]}},
                }
            }
            resource = "device_service_environment_variable"
        query = {"$select": ["id", "name", "value"], "$filter": where, "$expand": expand}
        rows = await self.client.get(resource, query, f"list {kind} service variables")
        found = [
            ServiceVariable(r["id"], _service_name(r), r.get("name") or "", r.get("value") or "")
            for r in rows
        ]
        return sorted(found, key=lambda v: (v.service, v.name))

    async def set(self, kind: str, owner: Owner, service: str, name: str, value: str) -> None:
        """Create or update one service variable.

        Raises:
            BadQuery: not a variable name.
            NotFound: the fleet has no such service (or the device no install of it).
        """
        _check_name(name, "env")
        resource, parent, pid = await self._target(kind, owner, service)
        await self._upsert(resource, parent, pid, "name", name, value)

    async def remove(self, kind: str, owner: Owner, service: str, name: str) -> None:
        """Delete one service variable (nothing happens when it does not exist)."""
        resource, parent, pid = await self._target(kind, owner, service)
        await self.client.delete(
            resource, {parent: pid, "name": name}, f"remove {kind} service variable {name}"
        )

    async def _target(self, kind: str, owner: Owner, service: str) -> tuple[str, str, int]:
        """The resource, its parent field and the parent's id a variable hangs from."""
        if kind == "fleet":
            fleet_id = await self.owner_id("fleet", owner)
            return "service_environment_variable", "service", await self._service(fleet_id, service)
        device = owner if isinstance(owner, Device) else await self.client.resolve_device(owner)
        service_id = await self._service(device.fleet_id or 0, service)
        query = {
            "$select": ["id"],
            "$filter": {"device": device.id, "installs__service": service_id},
        }
        rows = await self.client.get("service_install", query, f"find {service} on the device")
        if not rows:
            raise NotFound(f"{device.name} has no install of service '{service}' yet")
        return "device_service_environment_variable", "service_install", int(rows[0]["id"])

    async def _service(self, fleet_id: int, service: str) -> int:
        query = {
            "$select": ["id", "service_name"],
            "$filter": {"application": fleet_id},
            "$orderby": {"service_name": "asc"},
        }
        rows = await self.client.get("service", query, f"find service {service}")
        for row in rows:
            if row.get("service_name") == service:
                return int(row["id"])
        names = ", ".join(r.get("service_name") or "?" for r in rows) or "none"
        raise NotFound(f"the fleet has no service '{service}' (its services: {names})")


def _lambda(nav: str, expr: dict[str, Any]) -> dict[str, Any]:
    return {nav: {"$any": {"$alias": "s", "$expr": {"s": expr}}}}


def _service_name(row: dict[str, Any]) -> str:
    service = expanded(row.get("service"))
    if not service:
        install = expanded(row.get("service_install"))
        service = expanded(install.get("installs__service"))
    return str(service.get("service_name") or "?")
