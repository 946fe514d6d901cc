"""Snapshots of the Caches pane at 80x24 and 120x40 against a seeded three-node stand-in.

The nodes listen on fixed ports and partition awareness is off, so the node
line (addresses, which one answers) is the same on every run; the seed and
its clock are fixed, so every size, key and value is too. Each test has a
cluster of its own: a test waiting for the ports is how two xdist workers take
turns (the ports sit below Linux's ephemeral range, so nothing else holds them).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from console.backends.ignite import IgniteClient
from console.clients import Clients
from console.profiles import IgniteSettings, Profile, ProfileSettings
from console.sandbox.ignite import build_cluster
from console.sandbox.serve import TcpServerThread
from console.ui.panes.caches import CachesPane
from tests.pilot import settle_quietly as settle

PASSWORD = "snapshot-password"
PORTS = (21591, 21592, 21593)
WAIT_FOR_PORTS = 120.0
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[TcpServerThread]]:
    nodes = build_cluster(tmp_path, password=PASSWORD, options={"entries": 500, "rows": 300})
    running: list[TcpServerThread] = []
    deadline = time.monotonic() + WAIT_FOR_PORTS
    try:
        for node, port in zip(nodes, PORTS):
            while True:
                try:
                    running.append(TcpServerThread(node, port=port).start())
                    break
                except OSError:  # another worker's snapshot test holds the port: wait
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield running
    finally:
        for server in running:
            server.stop()


class CachesApp(App[None]):
    def __init__(self, servers: list[TcpServerThread]) -> None:
        super().__init__()
        self.servers = servers

    def compose(self) -> ComposeResult:
        settings = IgniteSettings(nodes=[s.address for s in self.servers], username="ignite",
                                  partition_aware=False, timeout=30.0, connect_timeout=30.0)
        client = IgniteClient(settings, password=PASSWORD)
        profile = Profile("snap", ProfileSettings(), Path("/nonexistent"))
        yield CachesPane(Clients(profile, ignite=client), refresh_seconds=None)


class TestCachesPane:
    @SIZES
    def test_cache_list(self, snap_compare: Any, servers: list[TcpServerThread],
                        size: tuple[int, int]) -> None:
        assert snap_compare(CachesApp(servers), terminal_size=size, run_before=settle)

    @SIZES
    def test_complex_entries(self, snap_compare: Any, servers: list[TcpServerThread],
                             size: tuple[int, int]) -> None:
        async def opened(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            pilot.app.query_one(CachesPane).open_cache("people")
            await settle(pilot)
            await pilot.press("down")
            await settle(pilot)

        assert snap_compare(CachesApp(servers), terminal_size=size, run_before=opened)

    @SIZES
    def test_node_down(self, snap_compare: Any, servers: list[TcpServerThread],
                       size: tuple[int, int]) -> None:
        async def down(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            servers[2].stop()
            try:
                await pilot.press("r")
                await settle(pilot)
            finally:
                servers[2].start()

        assert snap_compare(CachesApp(servers), terminal_size=size, run_before=down)
