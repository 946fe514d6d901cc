"""Scans, SQL fields queries and their cursors (op codes 0, 2000, 2001, 2004, 2005)."""

from __future__ import annotations

import sqlite3
from typing import Any

from console.sandbox.ignite import config, objects, tables, wire
from console.sandbox.ignite.kv_ops import Op, cache_info
from console.sandbox.ignite.session import ClientSession, Cursor, entry_bytes, page_size, row_bytes
from console.sandbox.ignite.sql_text import Statement
from console.sandbox.ignite.store import PARTITIONS, Cache, Refused
from console.sandbox.ignite.wire import Reader

SELECT, UPDATE = 1, 2


def _close(session: ClientSession, reader: Reader) -> bytes:
    session.close_cursor(reader.i64())
    return b""


def _scan(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader)
    if objects.skip(reader) != bytes([objects.NULL]):
        raise Refused(1, "Scan filters are Java classes; the stand-in runs none")
    size, partition, _local = page_size(reader.i32()), reader.i32(), reader.boolean()
    cursor_id, count, data, more = session.open(Cursor(_entries(session, cache, partition),
                                                       entry_bytes), size)
    return wire.i64(cursor_id) + wire.i32(count) + data + wire.boolean(more)


def _entries(session: ClientSession, cache: Cache, partition: int) -> Any:
    if cache.table is not None:
        rows = tables.entries(cache, session.sql)
    else:
        with session.store.lock:  # a snapshot of references: later writes do not move it
            rows = iter(list(cache.entries.items()))
    if partition < 0:
        return rows
    if partition >= PARTITIONS:
        raise Refused(1, f"Invalid partition number: {partition}")
    return (entry for entry in rows if objects.partition(entry[0], PARTITIONS) == partition)


def _scan_page(session: ClientSession, reader: Reader) -> bytes:
    count, data, more = session.next_page(reader.i64())
    return wire.i32(count) + data + wire.boolean(more)


def _sql_fields(session: ClientSession, reader: Reader) -> bytes:
    cache_id, _flags = reader.i32(), reader.u8()
    schema = reader.string()
    size, max_rows = page_size(reader.i32()), reader.i32()
    sql = reader.string() or ""
    args = [objects.read(reader) for _ in range(reader.i32())]
    expected = reader.u8()
    reader.take(6)  # distributed joins, local, replicated only, join order, collocated, lazy
    reader.i64()  # timeout: statements here finish long before any
    with_names = reader.boolean()
    session.store.check_active()
    schema = schema or _cache_schema(session, cache_id)
    statement, cursor = session.sql.run(schema, sql, args)
    if expected in (SELECT, UPDATE) and statement.returns_rows != (expected == SELECT):
        raise Refused(1, "Given statement type does not match that declared by JDBC driver")
    _apply_ddl(session, statement)
    if cursor.description is not None:
        names = [column[0] for column in cursor.description]
        rows: Any = cursor
    else:
        names, rows = ["UPDATED"], iter([(max(cursor.rowcount, 0),)])
    limit = max_rows if max_rows > 0 else -1
    cursor_id, count, data, more = session.open(Cursor(rows, row_bytes, limit), size)
    fields = (wire.i32(len(names)) + b"".join(wire.string(n) for n in names) if with_names
              else wire.i32(len(names)))
    return wire.i64(cursor_id) + fields + wire.i32(count) + data + wire.boolean(more)


def _cache_schema(session: ClientSession, cache_id: int) -> str:
    if cache_id == 0:
        return "PUBLIC"
    cache = session.store.cache(cache_id)
    return cache.config.get(config.SQL_SCHEMA) or cache.name


def _apply_ddl(session: ClientSession, statement: Statement) -> None:
    """A table made or dropped by SQL is a cache made or destroyed, as on a node."""
    store = session.store
    if statement.created is not None:
        tables.register(store, session.sql, *statement.created, statement.options)
    if statement.dropped is not None:
        with store.lock:
            for cache_id, cache in list(store.caches.items()):
                if cache.table == statement.dropped:
                    del store.caches[cache_id]


def _sql_page(session: ClientSession, reader: Reader) -> bytes:
    try:
        count, data, more = session.next_page(reader.i64())
    except sqlite3.Error as exc:
        raise Refused(1, str(exc)) from exc
    return wire.i32(count) + data + wire.boolean(more)


OPS: dict[int, Op] = {
    0: _close,
    2000: _scan,
    2001: _scan_page,
    2004: _sql_fields,
    2005: _sql_page,
}
