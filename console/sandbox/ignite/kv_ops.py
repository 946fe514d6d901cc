"""Key-value operations (op codes 1000 to 1021): each reads its request body, returns its reply.

Keys and values are compared and kept as bytes (unwrapped); replies wrap a
complex object as a node does (type 27), or pyignite cannot read it.
"""

from __future__ import annotations

from collections.abc import Callable

from console.sandbox.ignite import objects, tables, wire
from console.sandbox.ignite.session import ClientSession
from console.sandbox.ignite.store import Cache, Refused
from console.sandbox.ignite.wire import Reader

Op = Callable[[ClientSession, Reader], bytes]
NULL = bytes([objects.NULL])


def cache_info(session: ClientSession, reader: Reader, *, write: bool = False) -> Cache:
    """Read ``cache id + flags`` (and what the flags add) and find the cache."""
    cache_id, flags = reader.i32(), reader.u8()
    if flags & 0x02:  # inside a transaction: its id follows
        reader.i32()
    if flags & 0x04:  # expiry policy: create, update, access
        reader.take(24)
    session.store.check_active(write=write)
    cache = session.store.cache(cache_id)
    if write and cache.table is not None:
        raise Refused(1, f"Cache {cache.name} holds the rows of SQL table {'.'.join(cache.table)}: "
                         "the stand-in changes them only through SQL (INSERT, UPDATE, DELETE)")
    return cache


def key(reader: Reader) -> bytes:
    return objects.unwrapped(objects.skip(reader))


def _keys(reader: Reader) -> list[bytes]:
    return [key(reader) for _ in range(_count(reader))]


def _count(reader: Reader) -> int:
    count = reader.i32()
    if count < 0 or count > reader.remaining():
        raise wire.Malformed(f"bad element count {count}")
    return count


def _value(found: bytes | None) -> bytes:
    return NULL if found is None else objects.wrapped(found)


def _get(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader)
    wanted = key(reader)
    if cache.table is not None:
        return _value(tables.lookup(cache, session.sql, wanted))
    return _value(cache.entries.get(wanted))


def _put(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader, write=True)
    k, v = key(reader), key(reader)
    with session.store.lock:
        cache.entries[k] = v
    return b""


def _swap(mode: str, returns_old: bool) -> Op:
    """Put-like ops: ``put``, ``absent`` (only if missing), ``replace`` (only if present)."""

    def op(session: ClientSession, reader: Reader) -> bytes:
        cache = cache_info(session, reader, write=True)
        k, v = key(reader), key(reader)
        with session.store.lock:
            old = cache.entries.get(k)
            done = mode == "put" or (mode == "absent") == (old is None)
            if done:
                cache.entries[k] = v
        return _value(old) if returns_old else wire.boolean(done)

    return op


def _replace_if_equals(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader, write=True)
    k, old, new = key(reader), key(reader), key(reader)
    with session.store.lock:
        done = cache.entries.get(k) == old
        if done:
            cache.entries[k] = new
    return wire.boolean(done)


def _get_all(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader)
    found = []
    for k in _keys(reader):
        v = tables.lookup(cache, session.sql, k) if cache.table else cache.entries.get(k)
        if v is not None:
            found.append(objects.wrapped(k) + objects.wrapped(v))
    return wire.i32(len(found)) + b"".join(found)


def _put_all(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader, write=True)
    pairs = [(key(reader), key(reader)) for _ in range(_count(reader))]
    with session.store.lock:
        cache.entries.update(pairs)
    return b""


def _get_and_remove(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader, write=True)
    k = key(reader)
    with session.store.lock:
        return _value(cache.entries.pop(k, None))


def _contains_key(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader)
    k = key(reader)
    if cache.table is not None:
        return wire.boolean(tables.lookup(cache, session.sql, k) is not None)
    return wire.boolean(k in cache.entries)


def _contains_keys(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader)
    return wire.boolean(all(k in cache.entries for k in _keys(reader)))


def _remove_key(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader, write=True)
    k = key(reader)
    with session.store.lock:
        return wire.boolean(cache.entries.pop(k, None) is not None)


def _clear_key(session: ClientSession, reader: Reader) -> bytes:
    _remove_key(session, reader)
    return b""


def _remove_if_equals(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader, write=True)
    k, v = key(reader), key(reader)
    with session.store.lock:
        done = cache.entries.get(k) == v
        if done:
            del cache.entries[k]
    return wire.boolean(done)


def _remove_keys(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader, write=True)
    with session.store.lock:
        for k in _keys(reader):
            cache.entries.pop(k, None)
    return b""


def _clear_all(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader, write=True)
    with session.store.lock:
        cache.entries.clear()
    return b""


def _get_size(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader)
    reader.take(_count(reader))  # peek modes: every entry is primary here
    if cache.table is not None:
        return wire.i64(session.sql.count(*cache.table))
    return wire.i64(len(cache.entries))


def _local_peek(session: ClientSession, reader: Reader) -> bytes:
    cache = cache_info(session, reader)
    k = key(reader)
    reader.take(_count(reader))
    return _value(cache.entries.get(k))


OPS: dict[int, Op] = {
    1000: _get,
    1001: _put,
    1002: _swap("absent", returns_old=False),
    1003: _get_all,
    1004: _put_all,
    1005: _swap("put", returns_old=True),
    1006: _swap("replace", returns_old=True),
    1007: _get_and_remove,
    1008: _swap("absent", returns_old=True),
    1009: _swap("replace", returns_old=False),
    1010: _replace_if_equals,
    1011: _contains_key,
    1012: _contains_keys,
    1013: _clear_all,
    1014: _clear_key,
    1015: _remove_keys,
    1016: _remove_key,
    1017: _remove_if_equals,
    1018: _remove_keys,
    1019: _clear_all,
    1020: _get_size,
    1021: _local_peek,
}
"""Op code → handler."""
