"""Caches that ``CREATE TABLE`` makes: their configuration, and their rows as entries.

On a node, a table's rows are its cache's entries: the primary key is the
entry's key and the other columns a complex object. The stand-in keeps the
rows in sqlite and builds those entries when a scan or a get asks.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from console.sandbox.ignite import config, objects, wire
from console.sandbox.ignite.sql import JAVA_TYPES, Column, SqlSession
from console.sandbox.ignite.store import Cache, Refused, Store

_CODES = {
    "INT": objects.INT, "INTEGER": objects.INT, "BIGINT": objects.LONG,
    "SMALLINT": objects.SHORT, "TINYINT": objects.BYTE, "BOOLEAN": objects.BOOL,
    "BOOL": objects.BOOL, "DOUBLE": objects.DOUBLE, "FLOAT": objects.DOUBLE,
    "REAL": objects.FLOAT, "DECIMAL": objects.DECIMAL, "NUMERIC": objects.DECIMAL,
    "UUID": objects.UUID_CODE, "TIMESTAMP": objects.TIMESTAMP, "DATE": objects.DATE,
}
"""Declared type → the type code of the field a row's object holds (else String)."""


@dataclass(frozen=True)
class Shape:
    """How a table's rows become entries."""

    schema: str
    table: str
    columns: list[Column]
    value_type: str
    key_type: str

    @property
    def keys(self) -> list[int]:
        found = [i for i, c in enumerate(self.columns) if c.key]
        return found or [0]

    def entry(self, row: tuple[Any, ...]) -> tuple[bytes, bytes]:
        """One row as (key object, value object)."""
        keys = self.keys
        if len(keys) == 1:
            key = typed(row[keys[0]], self.columns[keys[0]].type_name)
        else:
            key = self._object(self.key_type, [(self.columns[i], row[i]) for i in keys])
        rest = [(c, row[i]) for i, c in enumerate(self.columns) if i not in keys]
        return key, self._object(self.value_type, rest)

    @staticmethod
    def _object(type_name: str, values: list[tuple[Column, Any]]) -> bytes:
        built, _ = objects.complex_object(type_name, [(c.name, typed(v, c.type_name))
                                                      for c, v in values])
        return built

    def fields(self, indexes: list[int]) -> list[objects.BinaryField]:
        return [objects.BinaryField(self.columns[i].name, _CODES.get(self.columns[i].type_name,
                                                                     objects.STRING),
                                    wire.entity_id(self.columns[i].name)) for i in indexes]


def typed(value: Any, type_name: str) -> bytes:
    """A column's value as the object its declared type makes (null if it does not fit)."""
    code = _CODES.get(type_name, objects.STRING)
    if value is None:
        return bytes([objects.NULL])
    try:
        return _TYPED[code](value) if code in _TYPED else wire.string(str(value))
    except (TypeError, ValueError, ArithmeticError):
        return bytes([objects.NULL])


_TYPED = {
    objects.INT: lambda v: bytes([objects.INT]) + wire.i32(int(v)),
    objects.LONG: lambda v: bytes([objects.LONG]) + wire.i64(int(v)),
    objects.SHORT: lambda v: bytes([objects.SHORT]) + wire.i16(int(v)),
    objects.BYTE: lambda v: bytes([objects.BYTE]) + wire.i8(int(v)),
    objects.BOOL: lambda v: bytes([objects.BOOL, int(bool(v))]),
    objects.DOUBLE: lambda v: bytes([objects.DOUBLE]) + wire.f64(float(v)),
    objects.FLOAT: lambda v: objects.write(float(v)),
    objects.DECIMAL: lambda v: objects.write_decimal(decimal.Decimal(str(v))),
    objects.UUID_CODE: lambda v: objects.write(v if isinstance(v, uuid.UUID) else uuid.UUID(v)),
    objects.TIMESTAMP: lambda v: objects.write_timestamp(
        v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(str(v))),
    objects.DATE: lambda v: objects.write(v if isinstance(v, dt.date)
                                          else dt.date.fromisoformat(str(v))),
}


def register(store: Store, session: SqlSession, schema: str, table: str,
             options: dict[str, str]) -> Cache | None:
    """Make the cache a new table is, with its query entity and binary types."""
    name = options.get("CACHE_NAME") or f"SQL_{schema}_{table}"
    value_type = options.get("VALUE_TYPE") or f"SQL_{schema}_{table}_{_suffix(name)}"
    key_type = options.get("KEY_TYPE") or f"{value_type}_KEY"
    shape = Shape(schema, table, session.columns(schema, table), value_type, key_type)
    keys = shape.keys
    rest = [i for i in range(len(shape.columns)) if i not in keys]
    store.register(value_type, shape.fields(rest))
    if len(keys) > 1:
        store.register(key_type, shape.fields(keys))
    props = {
        config.NAME: name,
        config.CACHE_MODE: config.REPLICATED if options.get("TEMPLATE", "").lower()
        == "replicated" else config.PARTITIONED,
        config.BACKUPS: int(options.get("BACKUPS", "0") or 0),
        config.ATOMICITY: config.TRANSACTIONAL if options.get("ATOMICITY", "").upper()
        == "TRANSACTIONAL" else config.ATOMIC,
        config.SQL_SCHEMA: schema,
        config.QUERY_ENTITIES: [_entity(shape)],
    }
    try:
        return store.create(props, if_absent=False, table=(schema, table))
    except Refused:
        return None


def _suffix(name: str) -> str:
    return f"{wire.java_hash(name) & 0xFFFFFFFF:08x}"


def _entity(shape: Shape) -> dict[str, Any]:
    keys = shape.keys
    single = shape.columns[keys[0]] if len(keys) == 1 else None
    return {
        "key_type_name": JAVA_TYPES.get(single.type_name, "java.lang.String") if single
        else shape.key_type,
        "value_type_name": shape.value_type, "table_name": shape.table,
        "key_field_name": single.name if single else None, "value_field_name": None,
        "query_fields": [
            {"name": c.name, "type_name": JAVA_TYPES.get(c.type_name, "java.lang.String"),
             "is_key_field": i in keys, "is_notnull_constraint_field": c.not_null,
             "default_value": bytes([objects.NULL]), "precision": -1, "scale": -1}
            for i, c in enumerate(shape.columns)
        ],
        "field_name_aliases": [], "query_indexes": [],
    }


def shape_of(cache: Cache, session: SqlSession) -> Shape:
    """Describe a table cache's rows (the table may have changed since it was made)."""
    assert cache.table is not None
    schema, table = cache.table
    entity = cache.config[config.QUERY_ENTITIES][0]
    value_type = entity["value_type_name"]
    return Shape(schema, table, session.columns(schema, table), value_type,
                 entity["key_type_name"] if entity["key_field_name"] is None
                 else f"{value_type}_KEY")


def entries(cache: Cache, session: SqlSession) -> Iterator[tuple[bytes, bytes]]:
    """Every row of a table cache as an entry, in rowid order."""
    shape = shape_of(cache, session)
    for row in session.rows(shape.schema, shape.table):
        yield shape.entry(row)


def lookup(cache: Cache, session: SqlSession, key: bytes) -> bytes | None:
    """The value object of the row whose (single-column) key is ``key``."""
    shape = shape_of(cache, session)
    if len(shape.keys) != 1:
        return None
    try:
        wanted = objects.read(wire.Reader(key))
    except wire.Malformed:
        return None
    column = shape.columns[shape.keys[0]].name
    for row in session.select_where(shape.schema, shape.table, column, wanted):
        if shape.entry(row)[0] == key:
            return shape.entry(row)[1]
    return None
