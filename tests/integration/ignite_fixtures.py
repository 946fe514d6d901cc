"""An in-process three-node Ignite stand-in, and clients of it, for the Ignite tests.

Each node is a ``TcpServerThread``: ``cluster.stop(i)`` cuts node ``i`` and its
clients as a dying node would, ``cluster.start(i)`` brings it back on the same
port. Import the fixtures into a test module to use them.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from console.backends.ignite import IgniteClient
from console.profiles import IgniteSettings
from console.sandbox.ignite import USERNAME, Node, build_cluster
from console.sandbox.serve import TcpServerThread

PASSWORD = "stand-in-secret-42"
OPTIONS = {"entries": 3000, "rows": 2500}
"""Smaller than the sandbox's 100,000 each: every test module seeds its own cluster."""


@dataclass
class Cluster:
    """Three nodes on loopback over one store."""

    nodes: list[Node]
    servers: list[TcpServerThread]
    password: str | None

    @property
    def store(self) -> Any:
        return self.nodes[0].store

    @property
    def addresses(self) -> list[str]:
        return [server.address for server in self.servers]

    def settings(self, **overrides: Any) -> IgniteSettings:
        values: dict[str, Any] = {"nodes": self.addresses, "timeout": 5.0,
                                  "connect_timeout": 2.0}
        if self.password:
            values["username"] = USERNAME
        values.update(overrides)
        return IgniteSettings(**values)

    def client(self, *, password: str | None = "", profile: str | None = None,
               read_only: bool = False, **overrides: Any) -> IgniteClient:
        """A client of this cluster (the right password unless one is given)."""
        secret = self.password if password == "" else password
        return IgniteClient(self.settings(**overrides), password=secret, profile=profile,
                            read_only=read_only)

    def stop(self, index: int) -> None:
        self.servers[index].stop()

    def start(self, index: int) -> None:
        self.servers[index].start()

    @contextlib.contextmanager
    def stopped(self, index: int) -> Iterator[None]:
        """Node ``index`` is down inside the block, back after it."""
        self.stop(index)
        try:
            yield
        finally:
            self.start(index)

    def close(self) -> None:
        for server in self.servers:
            server.stop()


def make_cluster(data_dir: Path, *, password: str | None = PASSWORD,
                 options: dict[str, Any] | None = None,
                 tls: ssl.SSLContext | None = None) -> Cluster:
    """Build and start a cluster; close it when done."""
    nodes = build_cluster(data_dir, password=password, options=options or OPTIONS)
    servers = [TcpServerThread(node, ssl=tls).start() for node in nodes]
    return Cluster(nodes, servers, password)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A seeded cluster for one test module."""
    running = make_cluster(tmp_path_factory.mktemp("ignite"))
    yield running
    running.close()


@pytest.fixture
def client(cluster: Cluster) -> Iterator[IgniteClient]:
    """A client of the module's cluster, closed after the test."""
    with cluster.client() as made:
        yield made
