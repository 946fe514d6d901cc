"""Serve ASGI apps on loopback sockets, in this thread's loop or a thread of its own.

A server stopped here drops the connections it holds, as a node that died would
(a log stream is not left to run out a graceful timeout), and never touches the
process's signal handlers: the supervisor stops and starts single nodes while it
keeps SIGTERM for itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import uvicorn


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """Open a listening TCP socket; port 0 picks a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this. asyncio sets it only on sockets made with
    # IPPROTO_TCP, so without it uvicorn's two writes per reply meet the client's
    # delayed ACK and every request costs ~40 ms on loopback.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket, transport: str = "http") -> str:
    """Return where a bound socket is reached: a base URL, or ``host:port`` for ``tcp``."""
    host, port = sock.getsockname()[:2]
    return f"{host}:{port}" if transport == "tcp" else f"http://{host}:{port}"


class _Server(uvicorn.Server):
    """uvicorn's server without its signal handlers, cutting open connections on shutdown."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn swaps SIGINT/SIGTERM handlers while it serves and puts the old ones back
        # when it stops: a node stopped alone would undo the supervisor's own handlers.
        yield

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in getattr(self, "servers", []):
            server.close()  # no new connection while the old ones are cut
        for connection in list(self.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.close()
        await super().shutdown(sockets=sockets)


def make_server(app: Any, *, lifespan: str = "on") -> uvicorn.Server:
    """Build a quiet uvicorn server for one app (stopped by setting ``should_exit``)."""
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan=lifespan,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=2,
    )
    return _Server(config)


class ServerThread:
    """Run one app on loopback in a background thread (tests, benchmarks).

    Use as a context manager: ``with ServerThread(app) as server: server.url``.
    ``stop()`` then ``start()`` again keeps the same port, to simulate a restart.
    """

    def __init__(self, app: Any, *, port: int = 0) -> None:
        self.app = app
        self._port = port
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ServerThread:
        """Bind and serve; returns once the server accepts connections."""
        sock = bind(port=self._port)
        self._port = sock.getsockname()[1]
        self.url = url_of(sock)
        self._server = make_server(self.app)
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[sock])),  # type: ignore[union-attr]
            name=f"stand-in {self.url}",
            daemon=True,
        )
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"stand-in at {self.url} failed to start")
            threading.Event().wait(0.01)
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class TcpServer:
    """A raw TCP listener serving one ``async (reader, writer)`` handler, like uvicorn's
    ``Server`` in what the supervisor uses of it: ``serve(sockets=...)``, ``started`` and
    ``should_exit``."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.started = False
        self.should_exit = False
        self._writers: set[asyncio.StreamWriter] = set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            await self.handler(reader, writer)
        finally:
            self._writers.discard(writer)

    async def serve(self, sockets: Sequence[socket.socket]) -> None:
        """Accept connections on the given sockets until ``should_exit``; then cut them all."""
        servers = [await asyncio.start_server(self._handle, sock=sock) for sock in sockets]
        self.started = True
        try:
            while not self.should_exit:
                await asyncio.sleep(0.05)
        finally:
            for server in servers:
                server.close()
            for writer in list(self._writers):  # a stopped node drops its clients, as a dead one
                writer.close()
            for server in servers:
                await server.wait_closed()


class TcpServerThread:
    """Serve one raw TCP handler (``async (reader, writer)``) on loopback in a thread of its own.

    The TCP twin of ``ServerThread``, for tests and benchmarks: ``stop()`` closes the
    listener and cuts every client, as a node that dies; ``start()`` again listens on the
    same port, as the node coming back. ``ssl`` (an ``ssl.SSLContext``) serves TLS.
    """

    def __init__(self, handler: Any, *, port: int = 0, ssl: Any = None) -> None:
        self.handler = handler
        self.ssl = ssl
        self._port = port
        self.address = ""
        """``127.0.0.1:PORT`` once started."""
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def port(self) -> int:
        return self._port

    def start(self) -> TcpServerThread:
        """Bind and serve; returns once the listener accepts connections."""
        sock = bind(port=self._port)
        self._port = sock.getsockname()[1]
        self.address = url_of(sock, "tcp")
        self._ready.clear()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve(sock)),
                                        name=f"tcp stand-in {self.address}", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError(f"stand-in at {self.address} failed to start")
        return self

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            await self.handler(reader, writer)
        finally:
            self._writers.discard(writer)

    async def _serve(self, sock: socket.socket) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._handle, sock=sock, ssl=self.ssl)
        self._ready.set()
        await self._stopping.wait()
        server.close()
        for writer in list(self._writers):
            writer.close()
        await asyncio.sleep(0)

    def stop(self) -> None:
        """Close the listener and every connection; wait for the thread."""
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._thread = self._loop = self._stopping = None

    def __enter__(self) -> TcpServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
