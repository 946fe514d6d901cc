"""Cache configurations: read from ``CREATE_WITH_CONFIGURATION``, written for ``GET_CONFIGURATION``.

A configuration is kept as ``{property code: value}``; query entities keep a
field's default value as the object bytes they came as.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.sandbox.ignite import objects, wire
from console.sandbox.ignite.wire import Malformed, Reader

NAME, CACHE_MODE, ATOMICITY, BACKUPS, WRITE_SYNC = 0, 1, 2, 3, 4
QUERY_ENTITIES, SQL_SCHEMA, KEY_CONFIGURATION, EXPIRY_POLICY = 200, 203, 401, 407
PARTITIONED, REPLICATED = 2, 1
ATOMIC, TRANSACTIONAL = 1, 0

_STRINGS = (0, 100, 203, 400)
_INTS = (1, 2, 3, 4, 201, 202, 204, 206, 300, 303, 305, 403, 404)
_BOOLS = (5, 6, 101, 205, 405, 406)
_LONGS = (301, 302, 304, 306, 402)

REPLY_ORDER = (2, 3, 1, 5, 100, 405, 406, 400, 402, 403, 206, 0, 101, 404, 202, 201, 6, 303,
               304, 301, 300, 305, 306, 302, 205, 204, 203, 4, 401, 200, 407)
"""The order a ``GET_CONFIGURATION`` reply lists values in (no codes on the wire)."""

DEFAULTS: dict[int, Any] = {
    2: ATOMIC, 3: 0, 1: PARTITIONED, 5: True, 100: None, 405: True, 406: False, 400: None,
    402: 0, 403: 500, 206: 1024, 101: False, 404: 4, 202: 0, 201: 1, 6: True, 303: 524288,
    304: 3, 301: 0, 300: 1, 305: 0, 306: 0, 302: 10000, 205: False, 204: -1, 203: None,
    4: 2, 401: [], 200: [], 407: None,
}
"""What a node reports for properties nobody set (Ignite 2.x defaults)."""


def _read_key_configuration(reader: Reader) -> list[dict[str, Any]]:
    return [{"type_name": reader.string(), "affinity_key_field_name": reader.string()}
            for _ in range(_count(reader))]


def _write_key_configuration(value: list[dict[str, Any]]) -> bytes:
    return wire.i32(len(value)) + b"".join(
        wire.string(k["type_name"]) + wire.string(k["affinity_key_field_name"]) for k in value)


def _read_expiry(reader: Reader) -> tuple[int, int, int] | None:
    if not reader.u8():
        return None
    return reader.i64(), reader.i64(), reader.i64()


def _write_expiry(value: tuple[int, int, int] | None) -> bytes:
    if value is None:
        return b"\x00"
    return b"\x01" + b"".join(wire.i64(v) for v in value)


def _read_field(reader: Reader) -> dict[str, Any]:
    return {"name": reader.string(), "type_name": reader.string(),
            "is_key_field": reader.boolean(), "is_notnull_constraint_field": reader.boolean(),
            "default_value": objects.skip(reader), "precision": reader.i32(),
            "scale": reader.i32()}


def _write_field(field: dict[str, Any]) -> bytes:
    return (wire.string(field["name"]) + wire.string(field["type_name"])
            + wire.boolean(field["is_key_field"])
            + wire.boolean(field["is_notnull_constraint_field"])
            + field["default_value"] + wire.i32(field["precision"]) + wire.i32(field["scale"]))


def _read_index(reader: Reader) -> dict[str, Any]:
    name, kind, inline = reader.string(), reader.u8(), reader.i32()
    fields = [{"name": reader.string(), "is_descending": reader.boolean()}
              for _ in range(_count(reader))]
    return {"index_name": name, "index_type": kind, "inline_size": inline, "fields": fields}


def _write_index(index: dict[str, Any]) -> bytes:
    fields = b"".join(wire.string(f["name"]) + wire.boolean(f["is_descending"])
                      for f in index["fields"])
    return (wire.string(index["index_name"]) + bytes([index["index_type"]])
            + wire.i32(index["inline_size"]) + wire.i32(len(index["fields"])) + fields)


def read_entity(reader: Reader) -> dict[str, Any]:
    """Read one query entity."""
    entity: dict[str, Any] = {
        key: reader.string()
        for key in ("key_type_name", "value_type_name", "table_name", "key_field_name",
                    "value_field_name")
    }
    entity["query_fields"] = [_read_field(reader) for _ in range(_count(reader))]
    entity["field_name_aliases"] = [{"field_name": reader.string(), "alias": reader.string()}
                                    for _ in range(_count(reader))]
    entity["query_indexes"] = [_read_index(reader) for _ in range(_count(reader))]
    return entity


def write_entity(entity: dict[str, Any]) -> bytes:
    """Write one query entity."""
    head = b"".join(wire.string(entity[key]) for key in (
        "key_type_name", "value_type_name", "table_name", "key_field_name", "value_field_name"))
    fields = entity["query_fields"]
    aliases = entity["field_name_aliases"]
    indexes = entity["query_indexes"]
    return (head + wire.i32(len(fields)) + b"".join(_write_field(f) for f in fields)
            + wire.i32(len(aliases))
            + b"".join(wire.string(a["field_name"]) + wire.string(a["alias"]) for a in aliases)
            + wire.i32(len(indexes)) + b"".join(_write_index(i) for i in indexes))


def _count(reader: Reader) -> int:
    count = reader.i32()
    if count < 0 or count > reader.remaining():
        raise Malformed(f"bad element count {count}")
    return count


_READ: dict[int, Callable[[Reader], Any]] = {
    **dict.fromkeys(_STRINGS, Reader.string),
    **dict.fromkeys(_INTS, Reader.i32),
    **dict.fromkeys(_BOOLS, Reader.boolean),
    **dict.fromkeys(_LONGS, Reader.i64),
    KEY_CONFIGURATION: _read_key_configuration,
    QUERY_ENTITIES: lambda r: [read_entity(r) for _ in range(_count(r))],
    EXPIRY_POLICY: _read_expiry,
}
_WRITE: dict[int, Callable[[Any], bytes]] = {
    **dict.fromkeys(_STRINGS, wire.string),
    **dict.fromkeys(_INTS, wire.i32),
    **dict.fromkeys(_BOOLS, wire.boolean),
    **dict.fromkeys(_LONGS, wire.i64),
    KEY_CONFIGURATION: _write_key_configuration,
    QUERY_ENTITIES: lambda v: wire.i32(len(v)) + b"".join(write_entity(e) for e in v),
    EXPIRY_POLICY: _write_expiry,
}


def read_configuration(reader: Reader) -> dict[int, Any]:
    """Read a create request's configuration; its leading length is not trusted (pyignite's is
    wrong), as Ignite's own reader does not trust it."""
    reader.i32()
    props: dict[int, Any] = {}
    for _ in range(reader.i16()):
        code = reader.i16()
        read = _READ.get(code)
        if read is None:
            raise Malformed(f"unknown cache property code {code}")
        props[code] = read(reader)
    if not props.get(NAME):
        raise Malformed("a cache configuration needs a name")
    return props


def write_configuration(props: dict[int, Any], *, expiry: bool = True) -> bytes:
    """Write a ``GET_CONFIGURATION`` reply body: ``int32 len`` then every value in order."""
    order = REPLY_ORDER if expiry else REPLY_ORDER[:-1]
    body = b"".join(_WRITE[code](props[code] if code in props else DEFAULTS[code])
                    for code in order)
    return wire.i32(len(body)) + body
