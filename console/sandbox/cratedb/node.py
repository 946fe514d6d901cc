"""One CrateDB node over HTTP: ``GET /``, ``POST /_sql`` and ``/_blobs``, behind Basic auth.

A raw ASGI app (no framework between the wire and the protocol's rules). Its
lifespan tells the cluster the node is up or down, so the other node takes
over its blobs while it is stopped.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread

from console.sandbox.cratedb import sql
from console.sandbox.cratedb.blobs import BlobApp
from console.sandbox.cratedb.cluster import Cluster

VERSION = "5.10.3"
MAX_SQL_BODY = 64 * 1024 * 1024


class NodeApp:
    """Node ``node`` of ``cluster``; ``username``/``password`` are what clients must send."""

    def __init__(self, cluster: Cluster, node: int, *, username: str, password: str) -> None:
        self.cluster = cluster
        self.node = node
        self.username = username
        self.password = password
        self.blobs = BlobApp(cluster, node)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] != "http":
            return None
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(headers)
        if refusal:
            return await _send(send, 401, refusal.encode(), b"text/plain; charset=UTF-8",
                               [(b"www-authenticate", b'Basic realm="CrateDB"')])
        path = scope["path"]
        if path.startswith("/_blobs/"):
            return await self.blobs(scope, receive, send)
        if path == "/" and scope["method"] in ("GET", "HEAD"):
            return await self._info(scope["method"], send)
        if path == "/_sql" and scope["method"] == "POST":
            return await self._sql(scope, headers, receive, send)
        return await _send(send, 404 if path != "/_sql" else 405, b"", b"text/plain")

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.cluster.live.add(self.node)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.cluster.live.discard(self.node)
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _refusal(self, headers: dict[str, str]) -> str | None:
        """Why the request is refused, or ``None``: Basic credentials must match."""
        if not self.password:
            return None
        scheme, _, encoded = headers.get("authorization", "").partition(" ")
        try:
            user, _, given = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, given = "", ""
        if scheme.lower() == "basic" and user == self.username and given == self.password:
            return None
        who = user or headers.get("x-user") or "crate"
        return f'password authentication failed for user "{who}"'

    async def _info(self, method: str, send: Any) -> None:
        blocked = self.cluster.faults.sql_unavailable
        info = {"ok": not blocked, "status": 200, "name": self.cluster.names[self.node],
                "cluster_name": "fleet",
                "version": {"number": VERSION, "build_hash": "0" * 40,
                            "build_timestamp": "2026-01-01T00:00:00Z", "build_snapshot": False,
                            "lucene_version": "9.12.1"}}
        body = json.dumps(info).encode() if method == "GET" else b""
        await _send(send, 503 if blocked else 200, body, b"application/json")

    async def _sql(self, scope: dict[str, Any], headers: dict[str, str], receive: Any,
                   send: Any) -> None:
        if self.cluster.faults.sql_unavailable:
            return await _send(send, 503, b"", b"text/plain")
        query = parse_qs(scope.get("query_string", b"").decode())
        raw = await _body(receive)
        try:
            if headers.get("content-encoding", "").lower() == "gzip":
                raw = gzip.decompress(raw)
            body = json.loads(raw)
        except (OSError, EOFError, zlib.error, ValueError):
            status, reply = 400, {"error": {"message": "SQLParseException[Failed to parse "
                                                       "source]", "code": 4000}}
        else:
            schema = headers.get("default-schema") or "doc"
            types = query.get("types", ["false"])[-1].lower() in ("true", "")
            status, reply = await anyio.to_thread.run_sync(
                lambda: sql.answer(self.cluster, body, schema=schema, types=types))
        await _send(send, status, json.dumps(reply, default=str).encode(), b"application/json")


async def _body(receive: Any) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        parts.append(message.get("body", b""))
        size += len(parts[-1])
        if size > MAX_SQL_BODY or not message.get("more_body"):
            break
    return b"".join(parts)


async def _send(send: Any, status: int, body: bytes, content_type: bytes,
                extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
               *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
