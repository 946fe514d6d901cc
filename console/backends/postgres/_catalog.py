"""Catalog queries: schemas, relations and columns of one database."""

from __future__ import annotations

from typing import Any

from console.backends.postgres._models import Column, Relation

_HIDDEN = r"^pg_(toast|temp_)"
"""TOAST storage and other sessions' temporary schemas."""

SCHEMAS = f"""
SELECT nspname FROM pg_namespace
WHERE nspname !~ '{_HIDDEN}'
ORDER BY nspname IN ('pg_catalog', 'information_schema'), nspname
"""

RELATIONS = """
SELECT c.relname, c.relkind FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
ORDER BY c.relname
"""

COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, a.attnum
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""

CATALOG = f"""
SELECT n.nspname, c.relname, a.attname FROM pg_namespace n
LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname !~ '{_HIDDEN}'
ORDER BY n.nspname, c.relname, a.attnum
"""
"""Every schema, even one without relations yet (it still completes), down to columns."""

KINDS = {
    "r": "table",
    "v": "view",
    "m": "materialized view",
    "f": "foreign table",
    "p": "partitioned table",
}
"""``pg_class.relkind`` → what the Databases pane calls it."""


def relations(rows: list[tuple[Any, ...]]) -> list[Relation]:
    """Build relations from ``RELATIONS`` rows."""
    return [Relation(name, KINDS[kind]) for name, kind in rows]


def columns(rows: list[tuple[Any, ...]]) -> list[Column]:
    """Build columns from ``COLUMNS`` rows."""
    return [Column(name, data_type, nullable, position)
            for name, data_type, nullable, position in rows]


def catalog(rows: list[tuple[Any, ...]]) -> dict[str, dict[str, list[str]]]:
    """Nest ``CATALOG`` rows: schema → relation → column names in table order."""
    tree: dict[str, dict[str, list[str]]] = {}
    for schema, relation, column in rows:
        relations = tree.setdefault(schema, {})
        if relation is None:  # a schema with no relations
            continue
        names = relations.setdefault(relation, [])
        if column is not None:
            names.append(column)
    return tree
