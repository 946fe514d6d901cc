"""Cache administration, binary types, partitions and cluster state (op codes 1050 to 1101,
3002, 3003, 5000 and 5001)."""

from __future__ import annotations

from console.sandbox.ignite import config, objects, wire
from console.sandbox.ignite.kv_ops import Op, cache_info
from console.sandbox.ignite.session import ClientSession
from console.sandbox.ignite.store import ACTIVE, ACTIVE_READ_ONLY, INACTIVE, BinaryType, Refused
from console.sandbox.ignite.wire import Reader


def _names(session: ClientSession, reader: Reader) -> bytes:
    session.store.check_active()
    with session.store.lock:
        names = [cache.name for cache in session.store.caches.values()]
    return wire.i32(len(names)) + b"".join(wire.string(n) for n in names)


def _create_named(if_absent: bool) -> Op:
    def op(session: ClientSession, reader: Reader) -> bytes:
        session.store.check_active(write=True)
        name = reader.string()
        if not name:
            raise Refused(1, "Cache name must not be null or empty")
        session.store.create({config.NAME: name}, if_absent=if_absent)
        return b""

    return op


def _create_configured(if_absent: bool) -> Op:
    def op(session: ClientSession, reader: Reader) -> bytes:
        session.store.check_active(write=True)
        session.store.create(config.read_configuration(reader), if_absent=if_absent)
        return b""

    return op


def _configuration(session: ClientSession, reader: Reader) -> bytes:
    return config.write_configuration(cache_info(session, reader).config)


def _destroy(session: ClientSession, reader: Reader) -> bytes:
    session.store.check_active(write=True)
    session.store.destroy(reader.i32())  # no flags byte after the id, unlike other cache ops
    return b""


def _partitions(session: ClientSession, reader: Reader) -> bytes:
    """Every cache asked about is partition-aware: 1024 partitions, round robin over nodes."""
    store = session.store
    wanted = [reader.i32() for _ in range(reader.i32())]
    known = [c for c in wanted if c in store.caches]
    head = wire.i64(store.topology_version) + wire.i32(0)
    if not known:
        return head + wire.i32(0)
    caches = wire.i32(len(known)) + b"".join(wire.i32(c) + wire.i32(0) for c in known)
    nodes = wire.i32(len(store.nodes)) + b"".join(
        bytes([objects.UUID_CODE]) + wire.uuid_payload(node) + _int_list(store.partitions_of(i))
        for i, node in enumerate(store.nodes))
    return head + wire.i32(1) + wire.boolean(True) + caches + nodes


def _int_list(values: list[int]) -> bytes:
    return wire.i32(len(values)) + b"".join(wire.i32(v) for v in values)


def read_type(reader: Reader) -> BinaryType:
    """Read a binary type body (``PUT_BINARY_TYPE``)."""
    type_id, name, affinity = reader.i32(), reader.string() or "", reader.string()
    fields = {}
    for _ in range(reader.i32()):
        field_name, code, field_id = reader.string() or "", reader.i32(), reader.i32()
        fields[field_id] = objects.BinaryField(field_name, code, field_id)
    is_enum = reader.boolean()
    values = [(reader.string() or "", reader.i32()) for _ in range(reader.i32())] if is_enum else []
    schemas = {}
    for _ in range(reader.i32()):
        schema = reader.i32()
        schemas[schema] = [reader.i32() for _ in range(reader.i32())]
    return BinaryType(type_id, name, affinity, fields, is_enum, values, schemas)


def write_type(known: BinaryType) -> bytes:
    """Write a binary type body (``GET_BINARY_TYPE`` reply, after ``exists``)."""
    fields = b"".join(wire.string(f.name) + wire.i32(f.type_code) + wire.i32(f.field_id)
                      for f in known.fields.values())
    out = (wire.i32(known.type_id) + wire.string(known.name) + wire.string(known.affinity_key_field)
           + wire.i32(len(known.fields)) + fields + wire.boolean(known.is_enum))
    if known.is_enum:
        out += wire.i32(len(known.enum_values)) + b"".join(
            wire.string(name) + wire.i32(ordinal) for name, ordinal in known.enum_values)
    return out + wire.i32(len(known.schemas)) + b"".join(
        wire.i32(schema) + _int_list(ids) for schema, ids in known.schemas.items())


def _get_type(session: ClientSession, reader: Reader) -> bytes:
    with session.store.lock:
        known = session.store.types.get(reader.i32())
        return wire.boolean(False) if known is None else wire.boolean(True) + write_type(known)


def _put_type(session: ClientSession, reader: Reader) -> bytes:
    session.store.put_type(read_type(reader))
    return b""


def _cluster_state(session: ClientSession, reader: Reader) -> bytes:
    return bytes([session.store.state])


def _change_state(session: ClientSession, reader: Reader) -> bytes:
    state = reader.u8()
    if state not in (INACTIVE, ACTIVE, ACTIVE_READ_ONLY):
        raise Refused(1, f"Unknown cluster state: {state}")
    session.store.state = state
    return b""


OPS: dict[int, Op] = {
    1050: _names,
    1051: _create_named(if_absent=False),
    1052: _create_named(if_absent=True),
    1053: _create_configured(if_absent=False),
    1054: _create_configured(if_absent=True),
    1055: _configuration,
    1056: _destroy,
    1101: _partitions,
    3002: _get_type,
    3003: _put_type,
    5000: _cluster_state,
    5001: _change_state,
}
