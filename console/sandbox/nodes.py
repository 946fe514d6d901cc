"""The listeners a supervisor runs, one per node of each stand-in, each stoppable alone.

A node keeps its address for life: stopped, it closes its listener and drops
its connections (as a crashed server would); started again, it binds the same
port, so clients that retry find it where it was.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from typing import Any

from console.sandbox import serve

STOP_TIMEOUT = 10.0
"""Seconds a node may take to stop (uvicorn waits 2 s for requests to finish)."""


class NodeError(RuntimeError):
    """A node could not be found, started or stopped; the message says why."""


@dataclass
class Node:
    """One listener of a stand-in: what it serves, where, and whether it runs."""

    name: str
    index: int
    app: Any
    transport: str
    port: int
    url: str
    sock: socket.socket | None = None
    server: Any = None
    task: asyncio.Future[Any] | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        """Whether it serves now."""
        return self.task is not None and not self.task.done()

    def describe(self) -> dict[str, Any]:
        """The node as ``sandbox status`` reports it."""
        state = "running" if self.running else "stopped"
        return {"name": self.name, "node": self.index, "url": self.url, "state": state}

    async def start(self) -> None:
        """Serve on its port (binding it again after a stop); return once it accepts.

        Raises:
            NodeError: the port is taken by another process, or the server failed.
        """
        if self.running:
            return
        if self.sock is None:
            try:
                self.sock = serve.bind(port=self.port)
            except OSError as exc:
                raise NodeError(f"{self.label} cannot listen on {self.url}: {exc}") from exc
        if self.transport == "tcp":
            self.server = serve.TcpServer(self.app)
        else:
            self.server = serve.make_server(self.app)
        self.task = asyncio.ensure_future(self.server.serve(sockets=[self.sock]))
        self.sock = None  # the server owns it now and closes it when it stops
        while not self.server.started:
            if self.task.done():
                error = self.task.exception()
                raise NodeError(f"{self.label} stopped while starting: {error}")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop serving: close the listener and drop every open connection."""
        if not self.running:
            return
        assert self.task is not None
        self.server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self.task), STOP_TIMEOUT)
        except asyncio.TimeoutError:
            self.task.cancel()
        except Exception:  # a server that failed while stopping has stopped all the same
            pass

    @property
    def label(self) -> str:
        """``name node N``, for messages."""
        return f"{self.name} node {self.index}"


class Nodes:
    """Every node of every stand-in the supervisor runs."""

    def __init__(self, nodes: list[Node]) -> None:
        self.all = nodes

    def find(self, name: str, index: int) -> Node:
        """Return one node.

        Raises:
            NodeError: no stand-in of that name, or no node of that index.
        """
        same = [node for node in self.all if node.name == name]
        if not same:
            known = ", ".join(sorted({node.name for node in self.all})) or "none"
            raise NodeError(f"no stand-in called '{name}' (running: {known})")
        for node in same:
            if node.index == index:
                return node
        raise NodeError(f"{name} has {len(same)} node(s), numbered 0 to {len(same) - 1}")

    async def start_all(self) -> None:
        """Start every node (raises ``NodeError`` for the first that fails)."""
        for node in self.all:
            await node.start()

    async def stop_all(self) -> None:
        """Stop every node."""
        await asyncio.gather(*(node.stop() for node in self.all))

    def describe(self) -> list[dict[str, Any]]:
        """Every node as ``sandbox status`` reports it."""
        return [node.describe() for node in self.all]

    def ports(self) -> dict[str, list[int]]:
        """Each stand-in's ports, by node index (to bind the same ones next time)."""
        found: dict[str, list[int]] = {}
        for node in self.all:
            found.setdefault(node.name, []).append(node.port)
        return found
