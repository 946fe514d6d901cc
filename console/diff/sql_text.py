"""The SQL a comparison sends around the operator's query (PostgreSQL).

The query is wrapped, never edited: ``SELECT … FROM (<query>) AS q``. Each
side's rows come back ordered by an md5 of their key's text in the ``C``
collation, so both streams are in the same order whatever the servers'
collations are, and a merge pairs them with a page of each in memory.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from console.backends.postgres import classify
from console.backends.sql import split_statements
from console.errors import BadQuery

SESSION_SETUP = (
    # Nothing a comparison runs may write, whatever the statement calls.
    "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    # Both sides print values alike, so the same value hashes alike.
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, MDY'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
)
"""Sent once on each side's session before the query (the session is then discarded)."""

HASH_COLUMN = "fc_diff_hash"

PRIMARY_KEY = """
SELECT a.attname
FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
WHERE i.indrelid = to_regclass(%s) AND i.indisprimary
ORDER BY array_position(i.indkey::int2[], a.attnum)"""
"""The primary key's columns of one relation, in key order."""


def only_query(sql: str) -> str:
    """Return the one statement of ``sql``, checked to be a query that only reads.

    Raises:
        BadQuery: no statement, several, or one that is not a read-only query
            (nothing is sent: a comparison runs on production too).
    """
    statements = split_statements(sql)
    if len(statements) != 1:
        found = "no statement" if not statements else f"{len(statements)} statements"
        raise BadQuery(f"diff compares one query; found {found}", operation="compare")
    text = statements[0].text
    kind = classify(text)
    if kind.cursorable and kind.writes:
        why = f" ({kind.refusal})" if kind.refusal else ""
        raise BadQuery(f"diff is read-only and this query may write{why}: nothing was sent",
                       operation="compare")
    if not kind.cursorable:
        raise BadQuery(
            f"diff runs only queries that read rows (SELECT, WITH, VALUES, TABLE), not "
            f"{kind.keyword or 'this'}: nothing was sent", operation="compare")
    return text


def quote(name: str) -> str:
    """Quote an identifier the way PostgreSQL reads it back exactly."""
    return '"' + name.replace('"', '""') + '"'


def describe_sql(query: str) -> str:
    """The query with no rows: its columns and types, cheaply."""
    return f"SELECT * FROM (\n{query}\n) AS q LIMIT 0"


def ordered_sql(query: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """The query's ``columns``, each row led by the hash of its ``key``, in hash order.

    A newline ends the operator's text, so a trailing ``--`` comment stays a comment.
    """
    cells = ", ".join(f"q.{quote(c)}" for c in columns)
    hashed = ", ".join(f"q.{quote(c)}" for c in key or columns)
    return (f'SELECT md5(row({hashed})::text) COLLATE "C" AS {HASH_COLUMN}, {cells}\n'
            f"FROM (\n{query}\n) AS q\nORDER BY 1")


def explain_sql(query: str) -> str:
    """The plan of the query, which names every relation it scans."""
    return f"EXPLAIN (FORMAT JSON, VERBOSE)\n{query}"


def scanned_relations(plan: Any) -> set[tuple[str, str]]:
    """The (schema, relation) pairs an ``EXPLAIN (FORMAT JSON, VERBOSE)`` plan scans."""
    if isinstance(plan, str):
        plan = json.loads(plan)
    found: set[tuple[str, str]] = set()
    nodes = [entry.get("Plan", {}) for entry in plan] if isinstance(plan, list) else []
    while nodes:
        node = nodes.pop()
        if "Relation Name" in node:
            found.add((str(node.get("Schema", "")), str(node["Relation Name"])))
        nodes.extend(node.get("Plans", []))
    return found


def relation_name(schema: str, relation: str) -> str:
    """``"schema"."relation"``, for ``to_regclass``."""
    return f"{quote(schema)}.{quote(relation)}" if schema else quote(relation)
