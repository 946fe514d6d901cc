"""The table an import loads into: check it, create it, or match the input to its columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from psycopg2 import sql

from console.backends.datajobs import ColumnType, ImportColumn
from console.errors import BadQuery, Conflict, NotFound

_EXISTS = """
SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relname = %s AND c.relkind IN ('r', 'p', 'f')
"""
_COLUMNS = """
SELECT attname, format_type(atttypid, NULL) FROM pg_attribute
WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped ORDER BY attnum
"""
_TYPE_OF = {
    "json": ColumnType.JSON, "jsonb": ColumnType.JSON, "bytea": ColumnType.BYTES,
    "timestamp with time zone": ColumnType.TIMESTAMPTZ, "boolean": ColumnType.BOOLEAN,
    "date": ColumnType.DATE, "bigint": ColumnType.INTEGER, "integer": ColumnType.INTEGER,
    "smallint": ColumnType.INTEGER, "numeric": ColumnType.DECIMAL,
}
"""Existing columns' types, as far as encoding the input's values depends on them."""


@dataclass(frozen=True)
class Target:
    """Where rows go: the table and its columns in the input's order."""

    schema: str
    table: str
    names: list[str]
    types: dict[str, ColumnType] = field(default_factory=dict)
    created: bool = False

    @property
    def identifier(self) -> sql.Composable:
        """``schema.table``, quoted."""
        return sql.Identifier(self.schema, self.table)

    @property
    def label(self) -> str:
        """``schema.table`` for messages."""
        return f"{self.schema}.{self.table}"


def plan_target(cur: Any, schema: str, table: str, columns: list[ImportColumn], mode: str, *,
                positional: bool = False) -> Target:
    """Create the table, or check the existing one, inside the import's transaction.

    Args:
        cur: A cursor in the import's transaction.
        schema: The target schema.
        table: The target table.
        columns: The input's columns with the types a new table gets.
        mode: ``auto`` (create; refuse an existing table), ``create`` (the same),
            ``append`` (add to an existing table).
        positional: Match input columns to an existing table's by position (a CSV
            without a header), not by name.

    Raises:
        Conflict: the table exists and ``mode`` is not ``append``.
        NotFound: ``append`` to a table that does not exist.
        BadQuery: an input column has no match in the existing table.
    """
    cur.execute(_EXISTS, (schema, table))
    found = cur.fetchone()
    label = f"{schema}.{table}"
    if found is not None and mode != "append":
        raise Conflict(f'table "{label}" already exists: append to it, or import into a new '
                       "table", operation="import data")
    if found is None and mode == "append":
        raise NotFound(f'table "{label}" does not exist: nothing to append to',
                       operation="import data")
    if found is None:
        return _create(cur, schema, table, columns)
    cur.execute(_COLUMNS, (found[0],))
    existing = {name: _TYPE_OF.get(kind, ColumnType.TEXT) for name, kind in cur.fetchall()}
    names = _matched(label, [c.name for c in columns], list(existing), positional)
    return Target(schema, table, names, {n: existing[n] for n in names})


def _create(cur: Any, schema: str, table: str, columns: list[ImportColumn]) -> Target:
    if not columns:
        raise BadQuery("the input has no columns", operation="import data")
    definitions = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.type.sql)) for c in columns)
    cur.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(schema, table),
                                                       definitions))
    return Target(schema, table, [c.name for c in columns], {c.name: c.type for c in columns},
                  created=True)


def _matched(label: str, wanted: list[str], existing: list[str], positional: bool) -> list[str]:
    if positional:
        if len(wanted) > len(existing):
            raise BadQuery(f"the input has {len(wanted)} columns, table {label} only "
                           f"{len(existing)}", operation="import data")
        return existing[: len(wanted)]
    folded: dict[str, list[str]] = {}
    for name in existing:
        folded.setdefault(name.lower(), []).append(name)
    names = []
    for name in wanted:
        match = name if name in existing else None
        if match is None and len(folded.get(name.lower(), [])) == 1:
            match = folded[name.lower()][0]
        if match is None:
            raise BadQuery(f"input column {name!r} is not a column of table {label} "
                           f"({', '.join(existing)})", operation="import data")
        names.append(match)
    return names
