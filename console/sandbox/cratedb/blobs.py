"""``/_blobs/<table>/<digest>``: CrateDB's blob HTTP API on one node, as a raw ASGI app.

Raw ASGI because the protocol's own rules decide every byte: ``Range`` is
honoured only in the form ``bytes=<start>-[<end>]`` (anything else gets the
whole blob with ``200``), a start past the end is ``416``, an end past the
end is not clamped (notes §13), ``HEAD`` of an empty blob is ``404``, and a
node that does not hold the blob's shard answers ``307`` for ``GET``,
``HEAD`` and a ``PUT`` that expects ``100-continue``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from typing import Any

import anyio.to_thread

from console.sandbox.cratedb.cluster import BlobTable, Cluster

_PATH = re.compile(r"^/_blobs/([^_/][^/]*)/([0-9a-f]{40})$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
CHUNK = 256 * 1024
_CACHE = [
    (b"accept-ranges", b"bytes"),
    (b"expires", b"Thu, 31 Dec 2037 23:59:59 GMT"),
    (b"cache-control", b"max-age=315360000"),
]

Send = Any
Receive = Any


class _CutOff(logging.Filter):
    """A body cut on purpose (a fault switch, a node going down) is not an error to log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_CutOff())


class BlobApp:
    """The blob API of node ``node`` of ``cluster``."""

    def __init__(self, cluster: Cluster, node: int) -> None:
        self.cluster = cluster
        self.node = node

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        match = _PATH.match(scope["path"])
        if match is None:
            return await _reply(send, 404)
        method = scope["method"]
        if method not in ("GET", "HEAD", "PUT", "DELETE"):
            return await _reply(send, 405)
        name, digest = match.groups()
        table = self.cluster.table(name)
        if table is None:
            text = f"Invalid request sent: blobs table '{name}' does not exist" * (method == "PUT")
            return await _reply(send, 404, text)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        holder = self.cluster.owner(table, digest)
        if holder is None:
            return await _reply(send, 500, f"Invalid request sent: no active shard holds "
                                           f"blob {digest} of table '{name}'")
        if holder != self.node and _redirected(method, headers):
            location = self.cluster.urls[holder] + scope["path"]
            return await _reply(send, 307, extra=[(b"location", location.encode())])
        if method == "PUT":
            return await self._put(table, digest, headers, receive, send)
        if method == "DELETE":
            return await self._delete(table, digest, send)
        return await self._get(table, digest, method, headers, send)

    async def _get(self, table: BlobTable, digest: str, method: str, headers: dict[str, str],
                   send: Send) -> None:
        path = self.cluster.blob_path(table.name, digest)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return await _reply(send, 404)
        if method == "HEAD":
            if size < 1:
                return await _reply(send, 404)
            await _start(send, 200, size, [])
            return await send({"type": "http.response.body", "body": b""})
        start, end = 0, size - 1
        wanted = _RANGE.match(headers.get("range", "").strip())
        status, extra = 200, []
        if wanted is not None:
            start = int(wanted.group(1))
            end = int(wanted.group(2)) if wanted.group(2) else size - 1
            if start > size:
                return await _reply(send, 416)
            status = 206
            extra = [(b"content-range", f"bytes {start}-{end}/{size}".encode())]
        length = max(0, end - start + 1)
        await _start(send, status, length, extra)
        if length == 0:
            return await send({"type": "http.response.body", "body": b""})
        await self._stream(path, start, end, send)

    async def _stream(self, path: os.PathLike[str], start: int, end: int, send: Send) -> None:
        """Send bytes ``start..end``; stop short (cutting the body) on a fault or node stop."""
        cut = self._take_cut()
        sent = 0
        with open(path, "rb") as handle:
            handle.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = handle.read(min(CHUNK, left))
                if not chunk:
                    return  # asked past the end: the body stays short, as CrateDB's does
                if cut is not None and sent + len(chunk) >= cut:
                    await send({"type": "http.response.body", "body": chunk[: cut - sent],
                                "more_body": True})
                    return
                if self.node not in self.cluster.live:
                    return
                left -= len(chunk)
                sent += len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": left > 0})
                if self.cluster.faults.chunk_delay:
                    await asyncio.sleep(self.cluster.faults.chunk_delay)

    def _take_cut(self) -> int | None:
        with self.cluster.lock:
            cut, self.cluster.faults.cut_after = self.cluster.faults.cut_after, None
            return cut

    async def _put(self, table: BlobTable, digest: str, headers: dict[str, str],
                   receive: Receive, send: Send) -> None:
        path = self.cluster.blob_path(table.name, digest)
        if path.exists():
            return await _reply(send, 409)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{digest}.{os.getpid()}.{id(receive)}.part")
        hasher = hashlib.sha1()
        size = 0
        try:
            with open(temp, "wb") as out:
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    hasher.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                    if not message.get("more_body"):
                        break
            if hasher.hexdigest() != digest:
                return await _reply(send, 400, "Invalid request sent: digest mismatch: the "
                                               f"content's SHA-1 is {hasher.hexdigest()}")
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
        await anyio.to_thread.run_sync(self.cluster.stored, table, digest, size)
        await _reply(send, 201)

    async def _delete(self, table: BlobTable, digest: str, send: Send) -> None:
        path = self.cluster.blob_path(table.name, digest)
        try:
            path.unlink()
        except FileNotFoundError:
            return await _reply(send, 404)
        await anyio.to_thread.run_sync(self.cluster.removed, table, digest)
        await _reply(send, 204)


def _redirected(method: str, headers: dict[str, str]) -> bool:
    if method in ("GET", "HEAD"):
        return True
    return method == "PUT" and headers.get("expect", "").lower() == "100-continue"


async def _start(send: Send, status: int, length: int, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [(b"content-length", str(length).encode()), *_CACHE, *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})


async def _reply(send: Send, status: int, text: str = "",
                 extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    headers = [(b"content-length", str(len(body)).encode()), *(extra or [])]
    if body:
        headers.append((b"content-type", b"text/plain; charset=UTF-8"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
