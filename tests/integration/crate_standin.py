"""The CrateDB stand-in on two loopback nodes, for tests: a cluster a module starts once.

Each node is its own ``ServerThread``, so a test can stop one (same port kept)
and start it again while the other serves on. The stand-in's database lives in
the session's embedded PostgreSQL (the ``local_pg`` fixture must be active).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from console.profiles.settings import CrateSettings
from console.sandbox import serve
from console.sandbox.cratedb import USERNAME, Cluster, build
from console.sandbox.registry import StandInContext

PASSWORD = "crate-test-secret"
EPOCH = "2026-01-15T12:00:00+00:00"


@dataclass
class StandInCluster:
    """A running two-node stand-in."""

    cluster: Cluster
    threads: list[serve.ServerThread]
    urls: list[str]

    def settings(self, **changes: object) -> CrateSettings:
        """``[cratedb]`` settings that reach both nodes."""
        return CrateSettings.model_validate({"nodes": self.urls, "username": USERNAME,
                                             **changes})

    def stop(self, node: int) -> None:
        """Stop one node (its port stays reserved for ``start``)."""
        self.cluster.live.discard(node)  # streams it is sending stop at the next chunk
        self.threads[node].stop()

    def start(self, node: int) -> None:
        """Start a stopped node again on the same port."""
        self.threads[node].start()

    def holder(self, table: str, digest: str) -> int:
        """The node holding a blob's shard while both are up."""
        info = self.cluster.table(table)
        assert info is not None
        return self.cluster.shard_of(info, digest) % len(self.urls)


@contextlib.contextmanager
def running_standin(name: str, *, big_mb: str = "2,3", blobs: int = 40,
                    password: str = PASSWORD) -> Iterator[StandInCluster]:
    """Build and serve a stand-in whose database is ``crate_<name>``; remove it after."""
    sockets = [serve.bind() for _ in range(2)]
    ports = [sock.getsockname()[1] for sock in sockets]
    urls = [serve.url_of(sock) for sock in sockets]
    for sock in sockets:
        sock.close()
    data_dir = Path(tempfile.mkdtemp(prefix=f"crate-{name}-"))
    database = f"crate_{name}"
    context = StandInContext(profile="local", data_dir=data_dir,
                             credentials={"password": password},
                             options={"crate_database": database, "crate_big_mb": big_mb,
                                      "crate_blobs": blobs, "epoch": EPOCH}, urls=urls)
    apps = build(context)
    cluster = apps[0].cluster
    threads = [serve.ServerThread(app, port=port) for app, port in zip(apps, ports)]
    try:
        for thread in threads:
            thread.start()
        yield StandInCluster(cluster, threads, urls)
    finally:
        for thread in threads:
            thread.stop()
        cluster.db.close()
        _drop(cluster, database)
        shutil.rmtree(data_dir, ignore_errors=True)


def _drop(cluster: Cluster, database: str) -> None:
    dsn = dict(cluster.db._dsn)
    conn = psycopg2.connect(dbname="postgres", **dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        conn.close()
