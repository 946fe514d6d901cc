"""Typed records the PostgreSQL client returns; all frozen."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DatabaseInfo:
    """One database of the server, as ``db list`` and the Databases pane show it."""

    name: str
    owner: str
    size_bytes: int | None
    """``None`` when the profile's role may not connect to it (no size without CONNECT)."""
    encoding: str
    allow_connections: bool


@dataclass(frozen=True)
class Relation:
    """A table-like object of one schema."""

    name: str
    kind: str
    """``table``, ``view``, ``materialized view``, ``foreign table`` or ``partitioned table``."""


@dataclass(frozen=True)
class Column:
    """A column of a relation."""

    name: str
    data_type: str
    """As ``format_type`` writes it, e.g. ``character varying(40)``."""
    nullable: bool
    position: int
    """1-based, as ``information_schema.columns.ordinal_position``."""
