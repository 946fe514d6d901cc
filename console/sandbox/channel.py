"""The control channel to a running supervisor: JSON lines over a unix socket.

The socket lives in the profile's sandbox directory (mode 0600, so only the
operator's own processes can connect). Each request is one JSON object on one
line, answered by one line: ``{"ok": true, ...}`` or ``{"ok": false, "error": ...}``.

Requests: ``{"op": "nodes"}`` lists every node; ``{"op": "stop" | "start",
"name": NAME, "index": N}`` stops or starts one node and returns it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

CONTROL_SOCKET = "control.sock"
REQUEST_TIMEOUT = 30.0
"""Seconds a request may take: a node stop waits for its server to close."""
_MAX_UNIX_PATH = 100
"""Unix socket paths are limited to 108 bytes (104 on macOS)."""

Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


async def serve(path: Path, handler: Handler) -> asyncio.AbstractServer:
    """Answer requests on the unix socket ``path`` with ``handler`` (replacing a stale socket)."""
    path.unlink(missing_ok=True)  # left by a supervisor that crashed; this one holds the lock

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                writer.write(json.dumps(await _reply(handler, line)).encode() + b"\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    with _address(path) as address:
        server = await asyncio.start_unix_server(answer, path=address)
    os.chmod(path, 0o600)
    return server


async def _reply(handler: Handler, line: bytes) -> dict[str, Any]:
    try:
        request = json.loads(line)
    except ValueError:
        return {"ok": False, "error": "a request must be one JSON object per line"}
    if not isinstance(request, dict):
        return {"ok": False, "error": "a request must be a JSON object"}
    try:
        return {"ok": True, **await handler(request)}
    except Exception as exc:  # one bad request must not take the supervisor down
        return {"ok": False, "error": str(exc) or type(exc).__name__}


def request(
    path: Path, message: dict[str, Any], timeout: float = REQUEST_TIMEOUT
) -> dict[str, Any]:
    """Send one request to the supervisor listening on ``path`` and return its reply.

    Raises:
        OSError: nothing listens there (no supervisor), or it did not answer in time.
        ValueError: the reply was not a JSON object.
    """
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        with _address(path) as address:
            sock.connect(address)
        sock.sendall(json.dumps(message).encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionResetError("the supervisor closed the control channel")
            reply += chunk
    data = json.loads(reply)
    if not isinstance(data, dict):
        raise ValueError("the supervisor's reply is not a JSON object")
    return data


@contextlib.contextmanager
def _address(path: Path) -> Iterator[str]:
    """A name for ``path`` short enough for a unix socket (via ``/proc`` when it is long)."""
    if len(os.fsencode(str(path))) <= _MAX_UNIX_PATH or not Path("/proc/self/fd").is_dir():
        yield str(path)
        return
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        yield f"/proc/self/fd/{folder}/{path.name}"
    finally:
        os.close(folder)
