"""What every node of the stand-in cluster shares: caches, binary types, cluster state, SQL.

Keys and values are kept as the object bytes a client sent (unwrapped), so
two keys are equal when their bytes are: Long 1 and Int 1 are different keys,
as they are on a real node. The nodes run in threads of their own in tests,
so every change goes through one lock.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.sandbox.ignite import config, wire
from console.sandbox.ignite.objects import BinaryField
from console.sandbox.ignite.sql import SqlDatabase

INACTIVE, ACTIVE, ACTIVE_READ_ONLY = 0, 1, 2
PARTITIONS = 1024
"""Partitions per cache, a power of two as Ignite's default (RendezvousAffinityFunction)."""


class Refused(Exception):
    """An operation the cluster answers with an error status (``status``, message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


CACHE_DOES_NOT_EXIST, CACHE_EXISTS, RESOURCE_DOES_NOT_EXIST = 1000, 1001, 1011


@dataclass
class Cache:
    """One cache: its configuration and its entries (key bytes → value bytes)."""

    name: str
    config: dict[int, Any]
    entries: dict[bytes, bytes] = field(default_factory=dict)
    table: tuple[str, str] | None = None
    """``(schema, table)`` for a cache made by ``CREATE TABLE``: its rows live in SQL."""

    @property
    def cache_id(self) -> int:
        return wire.cache_id(self.name)


@dataclass
class BinaryType:
    """A registered binary type: its fields and every schema (field order) seen."""

    type_id: int
    name: str
    affinity_key_field: str | None = None
    fields: dict[int, BinaryField] = field(default_factory=dict)
    is_enum: bool = False
    enum_values: list[tuple[str, int]] = field(default_factory=list)
    schemas: dict[int, list[int]] = field(default_factory=dict)


class Store:
    """The cluster's shared state."""

    def __init__(self, sql_dir: Path, node_count: int, *, seed: int = 7) -> None:
        self.lock = threading.RLock()
        self.caches: dict[int, Cache] = {}
        self.types: dict[int, BinaryType] = {}
        self.state = ACTIVE
        self.nodes = [uuid.UUID(int=(seed << 96) | (0x1D0E << 80) | i + 1)
                      for i in range(node_count)]
        """Each node's id, as its handshake reports it."""
        self.topology_version = 1
        self.sql = SqlDatabase(sql_dir)

    # -- caches ----------------------------------------------------------------

    def cache(self, cache_id: int) -> Cache:
        """Return the cache with that id, or refuse as a node does."""
        found = self.caches.get(cache_id)
        if found is None:
            raise Refused(CACHE_DOES_NOT_EXIST, f"Cache does not exist [cacheId= {cache_id}]")
        return found

    def create(self, props: dict[int, Any], *, if_absent: bool,
               table: tuple[str, str] | None = None) -> Cache:
        """Create a cache from its configuration (``if_absent``: keep an existing one)."""
        name = props[config.NAME]
        with self.lock:
            existing = self.caches.get(wire.cache_id(name))
            if existing is not None:
                if if_absent:
                    return existing
                raise Refused(CACHE_EXISTS, f"Cache already exists [cacheName={name}]")
            cache = Cache(name, dict(props), table=table)
            self.caches[cache.cache_id] = cache
            self.topology_version += 1
        for entity in props.get(config.QUERY_ENTITIES) or []:
            if table is None:
                self.sql.create_entity_table(_schema_of(props), entity)
        return cache

    def destroy(self, cache_id: int) -> None:
        with self.lock:
            cache = self.cache(cache_id)
            del self.caches[cache_id]
            self.topology_version += 1
        if cache.table is not None:
            self.sql.drop_table(*cache.table)

    # -- binary types ----------------------------------------------------------

    def put_type(self, incoming: BinaryType) -> None:
        """Merge a type's fields and schemas into what is registered."""
        with self.lock:
            known = self.types.setdefault(incoming.type_id, BinaryType(incoming.type_id,
                                                                       incoming.name))
            known.affinity_key_field = known.affinity_key_field or incoming.affinity_key_field
            known.is_enum = known.is_enum or incoming.is_enum
            for field_id, described in incoming.fields.items():
                known.fields.setdefault(field_id, described)
            known.enum_values = known.enum_values or incoming.enum_values
            known.schemas.update(incoming.schemas)

    def register(self, type_name: str, fields: list[BinaryField]) -> None:
        """Register a type the stand-in itself writes objects of (seeds, SQL rows)."""
        ids = [f.field_id for f in fields]
        self.put_type(BinaryType(wire.entity_id(type_name), type_name,
                                 fields={f.field_id: f for f in fields},
                                 schemas={wire.schema_id(ids): ids}))

    # -- cluster ---------------------------------------------------------------

    def check_active(self, *, write: bool = False) -> None:
        """Refuse cache operations on an inactive cluster, and writes on a read-only one."""
        if self.state == INACTIVE:
            raise Refused(1, "Cannot perform the operation because the cluster is inactive.")
        if write and self.state == ACTIVE_READ_ONLY:
            raise Refused(1, "Failed to perform cache operation (cluster is in read-only mode)")

    def partitions_of(self, node: int) -> list[int]:
        """The partitions a node is primary for: round robin over the nodes."""
        return list(range(node, PARTITIONS, len(self.nodes)))


def _schema_of(props: dict[int, Any]) -> str:
    """A cache's SQL schema: the one it names, else its name (quoted, so kept as written)."""
    return props.get(config.SQL_SCHEMA) or props[config.NAME]
