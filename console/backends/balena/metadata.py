"""Tags and environment/config variables of fleets and devices: list, set, remove.

Setting is an upsert as the SDK does it (§11): ``POST``, and on a ``409``
unique violation ``PATCH`` the row matched by owner and key. ``POST`` is never
retried blindly.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from console.backends.balena.models import Device, Fleet, Tag, Variable
from console.errors import BadQuery, Conflict

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
