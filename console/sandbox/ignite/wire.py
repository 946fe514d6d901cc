"""Little-endian reading and writing of thin-client frames, and the hashes Ignite names things by.

Everything here follows ``shared/protocols/ignite-thin.md``: frames are an
``int32`` length and a payload; numbers are little-endian; a ``String`` object
is ``09 <int32 n> <utf8>`` or the null object ``65``. Ids are Java hash codes,
computed as Java does (over UTF-16 code units), because that is what a real
node does, whatever a client computes.
"""

from __future__ import annotations

import struct
import uuid

NULL = 101
STRING = 9

_I8, _I16 = struct.Struct("<b"), struct.Struct("<h")
_I32, _I64 = struct.Struct("<i"), struct.Struct("<q")
_F32, _F64 = struct.Struct("<f"), struct.Struct("<d")


class Malformed(Exception):
    """Bytes that do not parse as the protocol says (answered with an error status)."""


class Reader:
    """Read protocol values from one frame's payload, front to back."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def take(self, n: int) -> bytes:
        """Return the next ``n`` bytes."""
        end = self.pos + n
        if n < 0 or end > len(self.data):
            raise Malformed(f"frame ends {end - len(self.data)} bytes early")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def _unpack(self, fmt: struct.Struct) -> int:
        value = fmt.unpack_from(self.data, self.pos)[0]
        self.pos += fmt.size
        return value  # type: ignore[no-any-return]

    def i8(self) -> int:
        self._need(1)
        return self._unpack(_I8)

    def u8(self) -> int:
        self._need(1)
        self.pos += 1
        return self.data[self.pos - 1]

    def i16(self) -> int:
        self._need(2)
        return self._unpack(_I16)

    def i32(self) -> int:
        self._need(4)
        return self._unpack(_I32)

    def i64(self) -> int:
        self._need(8)
        return self._unpack(_I64)

    def f32(self) -> float:
        self._need(4)
        return self._unpack(_F32)

    def f64(self) -> float:
        self._need(8)
        return self._unpack(_F64)

    def boolean(self) -> bool:
        return self.u8() != 0

    def string(self) -> str | None:
        """Read a ``String`` object (or null)."""
        code = self.u8()
        if code == NULL:
            return None
        if code != STRING:
            raise Malformed(f"expected a String object, found type code {code}")
        return self.take(self.i32()).decode("utf-8")

    def remaining(self) -> int:
        return len(self.data) - self.pos

    def _need(self, n: int) -> None:
        if self.pos + n > len(self.data):
            raise Malformed("frame ends early")


def i8(value: int) -> bytes:
    return _I8.pack(value)


def i16(value: int) -> bytes:
    return _I16.pack(value)


def i32(value: int) -> bytes:
    return _I32.pack(value)


def i64(value: int) -> bytes:
    return _I64.pack(value)


def f64(value: float) -> bytes:
    return _F64.pack(value)


def boolean(value: bool) -> bytes:
    return b"\x01" if value else b"\x00"


def string(value: str | None) -> bytes:
    """Write a ``String`` object (or null)."""
    if value is None:
        return bytes([NULL])
    data = value.encode("utf-8")
    return bytes([STRING]) + _I32.pack(len(data)) + data


def uuid_payload(value: uuid.UUID) -> bytes:
    """A UUID as Ignite writes it: the high and the low half, each an int64 LE."""
    msb, lsb = value.int >> 64, value.int & ((1 << 64) - 1)
    return struct.pack("<QQ", msb, lsb)


def read_uuid(payload: bytes) -> uuid.UUID:
    msb, lsb = struct.unpack("<QQ", payload)
    return uuid.UUID(int=(msb << 64) | lsb)


def signed32(value: int) -> int:
    """Wrap an integer to Java's ``int``."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def java_hash(text: str) -> int:
    """Java's ``String.hashCode()``: over UTF-16 code units, wrapped to 32 bits."""
    units = text.encode("utf-16-le")
    h = 0
    for i in range(0, len(units), 2):
        h = (31 * h + (units[i] | units[i + 1] << 8)) & 0xFFFFFFFF
    return signed32(h)


def cache_id(name: str) -> int:
    """A cache's id: the hash of its exact (case-sensitive) name."""
    return java_hash(name)


def entity_id(name: str) -> int:
    """A binary type's or field's id: the hash of its lower-cased name."""
    return java_hash(name.lower())


def schema_id(field_ids: list[int]) -> int:
    """FNV-1 over the field ids, four bytes each, least significant first (0 if none)."""
    if not field_ids:
        return 0
    h = 0x811C9DC5
    for field in field_ids:
        for shift in (0, 8, 16, 24):
            h ^= (field >> shift) & 0xFF
            h = (h * 0x01000193) & 0xFFFFFFFF
    return signed32(h)


def bytes_hash(data: bytes) -> int:
    """A complex object's hash: ``h = 31*h + b`` over its field bytes (signed), from 1."""
    h = 1
    for b in data:
        h = (31 * h + (b - 256 if b > 127 else b)) & 0xFFFFFFFF
    return signed32(h)
