"""One node of the stand-in cluster: the handshake, then one reply per request frame.

Protocol 1.7.0 only (what pyignite offers first): a client offering another
version is told 1.7.0, as a node tells it, and reconnects with it. The reply
header carries flags (error bit) and never the topology bit: the partition map
here does not move. An unknown op code gets status 2, a request that does not
parse status 1: the connection stays usable, never hangs.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import struct

from console.sandbox.ignite import kv_ops, meta_ops, query_ops, wire
from console.sandbox.ignite.session import ClientSession
from console.sandbox.ignite.sql_text import SqlSyntaxError
from console.sandbox.ignite.store import Refused, Store
from console.sandbox.ignite.wire import Malformed, Reader

VERSION = (1, 7, 0)
FEATURES = bytes([0x04])
"""Bit 2: the cluster API (state), so pyignite offers ``get_cluster()``."""
AUTH_FAILED, FAILED, INVALID_OP = 2000, 1, 2
MAX_FRAME = 256 << 20
OPS = {**kv_ops.OPS, **meta_ops.OPS, **query_ops.OPS}

log = logging.getLogger(__name__)


class Node:
    """The connection handler of node ``index``: ``await node(reader, writer)``."""

    def __init__(self, store: Store, index: int, *, username: str | None = None,
                 password: str | None = None) -> None:
        self.store = store
        self.index = index
        self.username = username
        self.password = password

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = ClientSession(self.store, self.index)
        try:
            frame = await _frame(reader)
            if frame is None:
                return
            reply, accepted = self.handshake(frame)
            writer.write(reply)
            await writer.drain()
            while accepted and (frame := await _frame(reader)) is not None:
                writer.write(self.answer(session, frame))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass  # the client went away; its cursors go with it
        finally:
            session.close()
            writer.close()

    # -- handshake ------------------------------------------------------------

    def handshake(self, frame: bytes) -> tuple[bytes, bool]:
        """Answer a handshake frame; say whether the client may send requests."""
        reader = Reader(frame)
        try:
            if reader.u8() != 1:
                return self._refuse("Handshake expected", FAILED), False
            version = (reader.i16(), reader.i16(), reader.i16())
            reader.u8()  # client code: 2, the thin client
            if version != VERSION:
                return self._refuse(f"Unsupported version: {'.'.join(map(str, version))}",
                                    FAILED), False
            if reader.remaining() and reader.u8() == 12:  # the client's features: none matter here
                reader.take(reader.i32())
            user = reader.string() if reader.remaining() else None
            password = reader.string() if reader.remaining() else None
        except Malformed as exc:
            return self._refuse(f"Malformed handshake: {exc}", FAILED), False
        problem = self._authenticate(user, password)
        if problem is not None:
            return self._refuse(problem, AUTH_FAILED, version=(0, 0, 0)), False
        node = self.store.nodes[self.index]
        body = (b"\x01" + bytes([12]) + wire.i32(len(FEATURES)) + FEATURES
                + bytes([10]) + wire.uuid_payload(node))
        return wire.i32(len(body)) + body, True

    def _authenticate(self, user: str | None, password: str | None) -> str | None:
        if not self.password:
            return None
        if not user or not password:
            return "Unauthenticated sessions are prohibited."
        if user != self.username or password != self.password:
            return f"The user name or password is incorrect [userName={user}]"
        return None

    @staticmethod
    def _refuse(message: str, status: int, version: tuple[int, int, int] = VERSION) -> bytes:
        body = (b"\x00" + b"".join(wire.i16(v) for v in version) + wire.string(message)
                + wire.i32(status))
        return wire.i32(len(body)) + body

    # -- requests ---------------------------------------------------------------

    def answer(self, session: ClientSession, frame: bytes) -> bytes:
        """Run one request frame; return the reply frame."""
        if len(frame) < 10:
            return _error(0, FAILED, "Malformed request: shorter than its header")
        op, request_id = struct.unpack_from("<hq", frame)
        handler = OPS.get(op)
        if handler is None:
            return _error(request_id, INVALID_OP, f"Invalid request op code: {op}")
        try:
            body = handler(session, Reader(frame, 10))
        except Refused as exc:
            return _error(request_id, exc.status, exc.message)
        except (sqlite3.Error, SqlSyntaxError) as exc:
            return _error(request_id, FAILED, _sql_message(exc))
        except Malformed as exc:
            return _error(request_id, FAILED, f"Malformed request: {exc}")
        except Exception as exc:  # a stand-in bug must be an answer, never a hang
            log.exception("op %s failed", op)
            return _error(request_id, FAILED, f"{type(exc).__name__}: {exc}")
        head = wire.i64(request_id) + wire.i16(0)
        return wire.i32(len(head) + len(body)) + head + body


def _sql_message(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, sqlite3.Error):
        return f"Failed to run SQL query: {text}"
    return text


def _error(request_id: int, status: int, message: str) -> bytes:
    body = wire.i64(request_id) + wire.i16(1) + wire.i32(status) + wire.string(message)
    return wire.i32(len(body)) + body


async def _frame(reader: asyncio.StreamReader) -> bytes | None:
    """Read one length-prefixed frame; ``None`` at a clean end of stream."""
    try:
        head = await reader.readexactly(4)
    except asyncio.IncompleteReadError:
        return None
    length = struct.unpack("<i", head)[0]
    if length < 0 or length > MAX_FRAME:
        raise ConnectionError(f"frame of {length} bytes")
    return await reader.readexactly(length)
