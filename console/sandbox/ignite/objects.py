"""Data objects (``type code + payload``): skip one, read one, write one, build a complex one.

The stand-in keeps keys and values as the bytes it was sent; it only needs to
know where an object ends (``skip``). SQL arguments and results cross into
sqlite as Python values (``read`` / ``write``). Seeded complex objects are
built here as a node would send them (compact footer, schema registered).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import struct
import uuid
from dataclasses import dataclass

from console.sandbox.ignite import wire
from console.sandbox.ignite.wire import Malformed, Reader

BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, CHAR, BOOL, STRING, UUID_CODE, DATE = range(1, 12)
DECIMAL, TIMESTAMP, TIME = 30, 33, 36
BYTE_ARRAY = 12
WRAPPED, COMPLEX, NULL = 27, 103, 101

_FIXED = {BYTE: 1, SHORT: 2, INT: 4, LONG: 8, FLOAT: 4, DOUBLE: 8, CHAR: 2, BOOL: 1,
          UUID_CODE: 16, DATE: 8, TIMESTAMP: 12, TIME: 8, 28: 8, 38: 8, NULL: 0}
_PRIMITIVE_ARRAYS = {12: 1, 13: 2, 14: 4, 15: 8, 16: 4, 17: 8, 18: 2, 19: 1}
_OBJECT_ARRAYS = {20, 21, 22, 31, 34, 37}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class SqlInt(int):
    """An integer sqlite read from an ``INT`` column: sent back as Ignite's Int, not Long."""


class SqlShort(int):
    """An integer from a ``SMALLINT`` column."""


class SqlByte(int):
    """An integer from a ``TINYINT`` column."""


def skip(reader: Reader) -> bytes:
    """Return the raw bytes of the object at the reader, moving past it."""
    start = reader.pos
    code = reader.u8()
    if code in _FIXED:
        reader.take(_FIXED[code])
    elif code == STRING:
        reader.take(reader.i32())
    elif code == DECIMAL:
        reader.i32()
        reader.take(reader.i32())
    elif code in _PRIMITIVE_ARRAYS:
        reader.take(reader.i32() * _PRIMITIVE_ARRAYS[code])
    elif code in _OBJECT_ARRAYS:
        _skip_many(reader, reader.i32())
    elif code in (23, 29):  # object array, enum array: type id, count, objects
        reader.i32()
        _skip_many(reader, reader.i32())
    elif code == 24:  # collection: count, kind, objects
        count = reader.i32()
        reader.u8()
        _skip_many(reader, count)
    elif code == 25:  # map: count, kind, key and value objects
        count = reader.i32()
        reader.u8()
        _skip_many(reader, 2 * count)
    elif code == WRAPPED:
        reader.take(reader.i32())
        reader.i32()
    elif code == COMPLEX:
        reader.pos = start
        length = struct.unpack_from("<i", reader.data, start + 12)[0] if reader.remaining() >= 16 \
            else -1
        if length < 24:
            raise Malformed("complex object with a bad length")
        reader.take(length)
    else:
        raise Malformed(f"unknown type code {code}")
    return bytes(reader.data[start : reader.pos])


def _skip_many(reader: Reader, count: int) -> None:
    if count < 0:
        raise Malformed("negative element count")
    for _ in range(count):
        skip(reader)


def read(reader: Reader) -> object:
    """Read one standard object as a Python value (SQL arguments, SQL-table keys).

    Raises:
        Malformed: an object sqlite cannot take (arrays, maps, complex objects).
    """
    code = reader.u8()
    reader_for = _READERS.get(code)
    if reader_for is None:
        raise Malformed(f"type code {code} cannot be an SQL value")
    return reader_for(reader)


def _read_decimal(reader: Reader) -> decimal.Decimal:
    scale = reader.i32()
    data = bytearray(reader.take(reader.i32()))
    negative = bool(data and data[0] & 0x80)
    if data:
        data[0] &= 0x7F
    magnitude = int.from_bytes(data, "big")
    return decimal.Decimal((1 if negative else 0, tuple(int(d) for d in str(magnitude)), -scale))


def _read_timestamp(reader: Reader) -> dt.datetime:
    millis, nanos = reader.i64(), reader.i32()
    return _EPOCH + dt.timedelta(milliseconds=millis, microseconds=nanos // 1000)


_READERS = {
    NULL: lambda r: None,
    BYTE: Reader.i8, SHORT: Reader.i16, INT: Reader.i32, LONG: Reader.i64,
    FLOAT: Reader.f32, DOUBLE: Reader.f64, BOOL: Reader.boolean,
    CHAR: lambda r: r.take(2).decode("utf-16-le"),
    STRING: lambda r: r.take(r.i32()).decode("utf-8"),
    UUID_CODE: lambda r: wire.read_uuid(r.take(16)),
    DATE: lambda r: _EPOCH + dt.timedelta(milliseconds=r.i64()),
    TIMESTAMP: _read_timestamp,
    TIME: lambda r: dt.timedelta(milliseconds=r.i64()),
    DECIMAL: _read_decimal,
}


def write(value: object) -> bytes:
    """Write a Python value as the object a node would send for it."""
    if value is None:
        return bytes([NULL])
    if isinstance(value, bool):
        return bytes([BOOL, int(value)])
    if isinstance(value, int):
        return _write_int(value)
    if isinstance(value, float):
        return bytes([DOUBLE]) + wire.f64(value)
    if isinstance(value, str):
        return wire.string(value)
    if isinstance(value, decimal.Decimal):
        return write_decimal(value)
    if isinstance(value, dt.datetime):
        return write_timestamp(value)
    if isinstance(value, dt.date):
        return bytes([DATE]) + wire.i64(_millis(dt.datetime(value.year, value.month, value.day)))
    if isinstance(value, uuid.UUID):
        return bytes([UUID_CODE]) + wire.uuid_payload(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes([BYTE_ARRAY]) + wire.i32(len(value)) + bytes(value)
    raise TypeError(f"cannot send {type(value).__name__}")


def _write_int(value: int) -> bytes:
    if isinstance(value, SqlInt):
        return bytes([INT]) + wire.i32(value)
    if isinstance(value, SqlShort):
        return bytes([SHORT]) + wire.i16(value)
    if isinstance(value, SqlByte):
        return bytes([BYTE]) + wire.i8(value)
    return bytes([LONG]) + wire.i64(value)


def write_decimal(value: decimal.Decimal) -> bytes:
    """Scale, then the magnitude big-endian with the sign in the first byte's top bit."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise TypeError("NaN and infinity are not decimals Ignite stores")
    magnitude = int("".join(map(str, digits)) or "0")
    data = bytearray(magnitude.to_bytes(max(1, math.ceil((magnitude.bit_length() + 1) / 8)), "big"))
    if sign:
        data[0] |= 0x80
    return bytes([DECIMAL]) + wire.i32(-exponent) + wire.i32(len(data)) + bytes(data)


def write_timestamp(value: dt.datetime) -> bytes:
    millis = _millis(value)
    nanos = value.microsecond % 1000 * 1000
    return bytes([TIMESTAMP]) + wire.i64(millis) + wire.i32(nanos)


def _millis(value: dt.datetime) -> int:
    aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    delta = aware - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def wrapped(obj: bytes) -> bytes:
    """Wrap a complex object as a node sends one at the top of a reply (type 27)."""
    if obj[:1] != bytes([COMPLEX]):
        return obj
    return bytes([WRAPPED]) + wire.i32(len(obj)) + obj + wire.i32(0)


def unwrapped(obj: bytes) -> bytes:
    """The object inside a wrapper, so stored bytes never depend on how they came."""
    if obj[:1] != bytes([WRAPPED]):
        return obj
    reader = Reader(obj, 1)
    inner = reader.take(reader.i32())
    offset = reader.i32()
    return bytes(inner[offset:]) if 0 <= offset < len(inner) else obj


@dataclass(frozen=True)
class BinaryField:
    """A field of a binary type, as ``PUT_BINARY_TYPE`` registers it."""

    name: str
    type_code: int
    field_id: int


def complex_object(
    type_name: str, fields: list[tuple[str, bytes]]
) -> tuple[bytes, list[BinaryField]]:
    """Build a complex object (compact footer) and the field list its type registers.

    Args:
        type_name: The binary type's name (its id is the hash of it lower-cased).
        fields: ``(name, object bytes)`` in schema order.
    """
    header = 24
    body = b"".join(value for _, value in fields)
    offsets, at = [], header
    for _, value in fields:
        offsets.append(at)
        at += len(value)
    width, flag = (1, 0x08) if max(offsets, default=0) <= 0xFF else (2, 0x10)
    if max(offsets, default=0) > 0xFFFF:
        width, flag = 4, 0
    footer = b"".join(o.to_bytes(width, "little") for o in offsets)
    ids = [wire.entity_id(name) for name, _ in fields]
    flags = 0x01 | 0x02 | 0x20 | flag
    length = header + len(body) + len(footer)
    head = (bytes([COMPLEX, 1]) + wire.i16(flags) + wire.i32(wire.entity_id(type_name))
            + wire.i32(wire.bytes_hash(body)) + wire.i32(length) + wire.i32(wire.schema_id(ids))
            + wire.i32(header + len(body)))
    described = [BinaryField(name, value[0], fid) for (name, value), fid in zip(fields, ids)]
    return head + body + footer, described


def java_hash(obj: bytes) -> int:
    """The Java ``hashCode()`` of a key object, which picks its partition."""
    reader = Reader(obj, 1)
    code = obj[0]
    if code in (BYTE, SHORT, INT, CHAR):
        return {BYTE: reader.i8, SHORT: reader.i16, INT: reader.i32,
                CHAR: lambda: int.from_bytes(reader.take(2), "little")}[code]()
    if code == LONG:
        value = reader.i64() & 0xFFFFFFFFFFFFFFFF
        return wire.signed32(value ^ (value >> 32))
    if code == BOOL:
        return 1231 if reader.boolean() else 1237
    if code == STRING:
        return wire.java_hash(reader.take(reader.i32()).decode("utf-8"))
    if code == UUID_CODE:
        msb, lsb = struct.unpack("<QQ", reader.take(16))
        folded = msb ^ lsb
        return wire.signed32(folded ^ (folded >> 32))
    if code == COMPLEX:
        return struct.unpack_from("<i", obj, 8)[0]
    return wire.bytes_hash(obj[1:])


def partition(obj: bytes, partitions: int) -> int:
    """RendezvousAffinityFunction's partition of a key (``partitions`` a power of two)."""
    h = java_hash(obj) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & (partitions - 1)
