"""Read a query's rows for an export: a named cursor, a batch at a time, read-only.

The query runs in a ``READ ONLY`` transaction of its own on a server-side
cursor (flat memory on any size), so even a SELECT calling a function that
writes cannot change anything. JSON columns may be kept as the server's text
(Parquet and XLSX write it as it is) instead of being parsed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg2
import psycopg2.extras

from console.backends.datajobs import JobHandle
from console.backends.postgres._errors import map_pg_errors
from console.errors import BadQuery

if TYPE_CHECKING:
    from console.backends.postgres._client import PostgresClient

Params = Sequence[Any] | Mapping[str, Any] | None
_names = itertools.count(1)
UNCONSTRAINED = 65535
"""psycopg2's precision and scale for a ``numeric`` declared without them."""


@dataclass(frozen=True)
class OutColumn:
    """A result column as an export needs it."""

    name: str
    oid: int
    precision: int | None
    scale: int | None


@dataclass
class RowBatches:
    """The columns of a running export query and its rows, ``batch`` at a time."""

    columns: list[OutColumn]
    batches: Iterator[list[tuple[Any, ...]]]


@contextmanager
def read_batches(client: PostgresClient, database: str, query: str, params: Params,
                 handle: JobHandle | None, *, batch: int,
                 raw_json: bool = False) -> Iterator[RowBatches]:
    """Run ``query`` on a named cursor in a read-only transaction and stream its rows.

    Raises:
        BadQuery: the query is refused by the server, or returns no rows.
        Cancelled: the job was cancelled (``handle``).
        ConsoleError: as ``map_pg_errors``.
    """
    pool = client.pool(database)
    conn = pool.acquire()
    active = True

    def cancel() -> None:
        if active:
            conn.cancel()

    profile = client.profile.name
    try:
        conn.autocommit = False
        if handle is not None:
            handle.on_cancel(cancel)
        with map_pg_errors("export rows", profile=profile):
            conn.cursor().execute("SET TRANSACTION READ ONLY")
            cursor = conn.cursor(name=f"fleet_console_export_{next(_names)}")
            if raw_json:
                psycopg2.extras.register_default_json(cursor, loads=lambda text: text)
                psycopg2.extras.register_default_jsonb(cursor, loads=lambda text: text)
            cursor.execute(query, params)
            first = cursor.fetchmany(batch)
        if cursor.description is None:
            raise BadQuery("the statement returns no rows", operation="export rows")
        columns = [OutColumn(c.name, c.type_code, _known(c.precision), _known(c.scale))
                   for c in cursor.description]
        yield RowBatches(columns, _batches(cursor, first, batch, handle, profile))
    finally:
        active = False
        broken = bool(conn.closed)
        if not broken:
            try:
                conn.rollback()  # read only: nothing to keep; closes the cursor too
            except psycopg2.Error:
                broken = True
        pool.release(conn, discard=broken)


def _known(value: int | None) -> int | None:
    return None if value is None or value == UNCONSTRAINED else value


def _batches(cursor: Any, first: list[tuple[Any, ...]], batch: int,
             handle: JobHandle | None, profile: str | None) -> Iterator[list[tuple[Any, ...]]]:
    rows = first
    while rows:
        yield rows
        if len(rows) < batch:
            return
        if handle is not None:
            handle.check()
        with map_pg_errors("export rows", profile=profile):
            rows = cursor.fetchmany(batch)
