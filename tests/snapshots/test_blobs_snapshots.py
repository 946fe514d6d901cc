"""Snapshots of the Blobs pane in the real app, at 80x24 and 120x40.

Deterministic: the stand-in is seeded with a fixed epoch and seed, the node
that answered is shown as a fixed name (ports change run to run), and every
worker is awaited before the picture is taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from console import profiles
from console.profiles.settings import ProfileSettings
from console.ui.app import FleetConsole
from console.ui.panes.blobs import BlobsPane
from tests.integration.crate_standin import PASSWORD, StandInCluster, running_standin
from tests.snapshots.test_sql_databases_snapshots import settle

PROFILE = "blobs-snap"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture(scope="module")
def standin(local_pg: object) -> Iterator[StandInCluster]:
    with running_standin("snap", big_mb="3,4") as running:
        if PROFILE not in profiles.names():
            profiles.add(PROFILE, ProfileSettings(cratedb=running.settings()))
        profiles.set_secret(PROFILE, "cratedb", "password", PASSWORD)
        yield running


class TestBlobsPane:
    @SIZES
    def test_tables_and_blobs(self, snap_compare: Any, standin: StandInCluster,
                              size: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(BlobsPane, "refresh_seconds", None, raising=False)

        async def browse(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            pane = await pilot.app.workspace.open("blobs")
            assert isinstance(pane, BlobsPane)
            pane.refresh_seconds = None
            await settle(pilot)
            pane.server = "crate-1"
            pane._status()
            await settle(pilot)

        app = FleetConsole(profiles.load(PROFILE), start_services=False)
        assert snap_compare(app, terminal_size=size, run_before=browse)
