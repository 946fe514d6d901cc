"""Ignite as a ``SqlEngine``: the cluster's SQL schemas are the targets.

A session gets connections of its own (``IgniteClient.fork``), so a long
result streaming into the editor never holds up the Caches pane. The catalog
comes from the caches' query entities (every Ignite table is one), so it
needs no ``SYS`` views. Column types are read from the first rows' values and
named as PostgreSQL names them; Ignite's SQL fields reply carries no types.
"""

from __future__ import annotations

import datetime as dt
import decimal
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from console.backends.ignite._admin import describe
from console.backends.ignite._client import IgniteClient
from console.backends.ignite._sql import SqlCursor, first_word
from console.backends.ignite._values import plain
from console.backends.sql import (
    Catalog,
    ResultColumn,
    Statement,
    Target,
    WithoutTransactions,
    split_statements,
)
from console.errors import Cancelled

ENGINE = "ignite"
DEFAULT_SCHEMA = "PUBLIC"


class IgniteEngine:
    """Run the SQL editor's statements on the profile's Ignite cluster."""

    name = ENGINE
    title = "Apache Ignite"

    def __init__(self, client: IgniteClient) -> None:
        self.client = client

    def _schemas(self) -> dict[str, dict[str, list[str]]]:
        def read(c: Any) -> dict[str, dict[str, list[str]]]:
            found: dict[str, dict[str, list[str]]] = {DEFAULT_SCHEMA: {}}
            for name in c.get_cache_names():
                info = describe(name, self.client.settings_of(c, name), None)
                if not info.entities:
                    continue
                schema = info.sql_schema or name
                for entity in info.entities:
                    found.setdefault(schema, {})[entity.table] = [f.name for f in entity.fields]
            return found

        return self.client.call("read SQL catalog", read)

    def targets(self) -> list[Target]:
        """The cluster's SQL schemas, ``PUBLIC`` first."""
        names = sorted(self._schemas(), key=lambda s: (s != DEFAULT_SCHEMA, s))
        return [Target(ENGINE, name) for name in names]

    def default_target(self) -> Target:
        return Target(ENGINE, DEFAULT_SCHEMA)

    def session(self, target: Target) -> IgniteSession:
        """Open a session on ``target`` with connections of its own."""
        return IgniteSession(self.client.fork(), target.name)

    def catalog(self, target: Target) -> Catalog:
        """Every schema's tables and their columns (the target's too)."""
        return self._schemas()

    def split(self, text: str) -> list[Statement]:
        """Standard SQL quoting, as Ignite's parser reads it."""
        return split_statements(text)


class IgniteSession(WithoutTransactions):
    """Statements in one schema, one at a time; Ignite's thin client has no SQL transactions."""

    def __init__(self, client: IgniteClient, schema: str) -> None:
        self.client = client
        self.schema = schema
        self._current: IgniteRun | None = None

    def run(self, sql: str, *, params: Sequence[Any] | None = None, batch: int = 500,
            on_start: Callable[[IgniteRun], None] | None = None) -> IgniteRun:
        """Run one statement and read its first ``batch`` rows.

        Raises:
            ReadOnlyRefused: a write on a read-only profile (nothing is sent).
            BadQuery: the cluster refused the statement, in its own words.
            ConsoleError: any other failure.
        """
        self._end_current()
        run = IgniteRun(sql)
        self._current = run
        if on_start is not None:
            on_start(run)
        run.start(self.client, self.schema, params or (), batch)
        return run

    def _end_current(self) -> None:
        run, self._current = self._current, None
        if run is not None:
            run.close()

    def close(self) -> None:
        self._end_current()
        self.client.close()


class IgniteRun:
    """One statement's result, as the SQL editor reads it (``SqlRun``)."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.columns: list[ResultColumn] = []
        self.first_rows: list[tuple[Any, ...]] = []
        self.has_rows = False
        self.exhausted = False
        self.rowcount = 0
        self.status = ""
        self.elapsed = 0.0
        self._cursor: SqlCursor | None = None
        self._cancelled = False

    def start(self, client: IgniteClient, schema: str, params: Sequence[Any], batch: int) -> None:
        if self._cancelled:
            raise Cancelled("query cancelled", operation="run SQL")
        began = time.perf_counter()
        cursor = SqlCursor.start(client, self.sql, args=params, schema=schema,
                                 page_size=max(batch, 1))
        self._cursor = cursor
        self.elapsed = time.perf_counter() - began
        changed = cursor.rowcount
        if changed is not None and not cursor.is_read:
            self.rowcount = changed
            self.status = f"{first_word(self.sql)} {changed}"
            self.exhausted = True
            cursor.close()
            return
        self.has_rows = True
        self.first_rows = [tuple(plain(v) for v in row) for row in cursor.first_rows]
        self.columns = [ResultColumn(name, _pg_type(self.first_rows, i))
                        for i, name in enumerate(cursor.columns)]
        self._advance(len(self.first_rows), batch, cursor)

    def fetch(self, n: int) -> list[tuple[Any, ...]]:
        """Read up to ``n`` more rows (``[]`` once exhausted)."""
        cursor = self._cursor
        if cursor is None or self.exhausted or n <= 0:
            return []
        rows = [tuple(plain(v) for v in row) for row in cursor.fetch(n)]
        self._advance(len(rows), n, cursor)
        return rows

    def _advance(self, got: int, wanted: int, cursor: SqlCursor) -> None:
        self.rowcount += got
        self.status = f"SELECT {self.rowcount}"
        if got < wanted or cursor.exhausted:
            self.exhausted = True

    def cancel(self) -> None:
        """Stop the rows: the fetch in flight (or the next) raises ``Cancelled``."""
        self._cancelled = True
        if self._cursor is not None:
            self._cursor.cancel()

    def close(self) -> None:
        cursor, self._cursor = self._cursor, None
        self.exhausted = True
        if cursor is not None:
            cursor.close()


_PG_TYPES: list[tuple[type, str]] = [
    (bool, "boolean"), (int, "bigint"), (float, "double precision"),
    (decimal.Decimal, "numeric"), (str, "text"), (dt.datetime, "timestamp with time zone"),
    (dt.date, "date"), (dt.timedelta, "interval"), (uuid.UUID, "uuid"), (bytes, "bytea"),
    (dict, "json"), (list, "json"),
]


def _pg_type(rows: list[tuple[Any, ...]], index: int) -> str:
    """Name a column's type as PostgreSQL would, from its first non-null value."""
    value = next((row[index] for row in rows if row[index] is not None), None)
    for python_type, name in _PG_TYPES:
        if isinstance(value, python_type):
            return name
    return "text"
