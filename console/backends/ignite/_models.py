"""What the Ignite client returns: caches, nodes, entries, pages of SQL rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.backends.ignite import _values

MODES = {0: "local", 1: "replicated", 2: "partitioned"}
ATOMICITY = {0: "transactional", 1: "atomic"}
CLUSTER_STATES = {0: "inactive", 1: "active", 2: "active_read_only"}


@dataclass(frozen=True)
class QueryField:
    """A field of a cache's query entity (a column of its SQL table)."""

    name: str
    type_name: str
    """The Java type, e.g. ``java.lang.Integer``."""
    is_key: bool


@dataclass(frozen=True)
class QueryEntity:
    """The SQL table a cache's entries are seen as."""

    table: str
    key_type: str
    value_type: str
    fields: list[QueryField]


@dataclass(frozen=True)
class CacheInfo:
    """One cache: its size and configuration."""

    name: str
    size: int | None
    """Entries, when it was counted (``None`` if the count failed)."""
    mode: str
    """``partitioned``, ``replicated`` or ``local``."""
    backups: int
    atomicity: str
    """``atomic`` or ``transactional``."""
    sql_schema: str | None = None
    entities: list[QueryEntity] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "size": self.size, "mode": self.mode, "backups": self.backups,
            "atomicity": self.atomicity, "sql_schema": self.sql_schema,
            "tables": [e.table for e in self.entities],
        }


@dataclass(frozen=True)
class CacheSpec:
    """How to create a cache."""

    name: str
    mode: str = "partitioned"
    backups: int = 0
    atomicity: str = "atomic"
    sql_schema: str | None = None
    entities: list[QueryEntity] = field(default_factory=list)


@dataclass(frozen=True)
class NodeStatus:
    """One node the profile names, as the client last saw it."""

    address: str
    """``host:port`` as the profile names it."""
    state: str
    """``up``, ``down`` or ``unknown`` (never asked yet)."""
    node_id: str | None = None
    """The node's UUID, from its handshake."""
    answering: bool = False
    """The node that answered the last request."""

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "state": self.state, "node_id": self.node_id,
                "answering": self.answering}


@dataclass(frozen=True)
class ClusterInfo:
    """The cluster's state and its nodes."""

    state: str
    """``active``, ``active_read_only``, ``inactive``, or ``unknown`` (no cluster API)."""
    nodes: list[NodeStatus]


@dataclass(frozen=True, slots=True)
class Entry:
    """One key and its value, as pyignite read them."""

    key: Any
    value: Any

    @property
    def key_text(self) -> str:
        return _values.key_text(self.key)

    @property
    def value_type(self) -> str:
        return _values.type_name(self.value)

    def preview(self, width: int = 80) -> str:
        return _values.preview(self.value, width)

    def to_json(self) -> dict[str, Any]:
        return {"key": _values.plain(self.key), "key_type": _values.type_name(self.key),
                "value_type": self.value_type, "value": _values.tree(self.value)}
