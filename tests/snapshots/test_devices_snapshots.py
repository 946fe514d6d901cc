"""Snapshots of the Devices pane at 80x24 and 120x40 against the seeded, still stand-in.

The stand-in's simulator is off and its seed fixed, so every row, status and
time on screen is the same on every run; times are shown absolute, never "ago".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from console.backends.balena import BalenaClient
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.sandbox.balena.app import create_app
from console.sandbox.serve import ServerThread
from console.ui.panes.devices import DevicesPane

TOKEN = "snapshot-token"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(create_app(token=TOKEN, simulate=False)) as running:
        yield running


class DevicesApp(App[None]):
    def __init__(self, url: str, filter_text: str = "") -> None:
        super().__init__()
        self.url = url
        self.filter_text = filter_text

    def compose(self) -> ComposeResult:
        profile = Profile("snap", ProfileSettings(), Path("/nonexistent"))
        client = BalenaClient(self.url, TOKEN)
        yield DevicesPane(Clients(profile, balena=client), refresh_seconds=None)

    def on_mount(self) -> None:
        if self.filter_text:
            self.query_one(DevicesPane).apply_filter(self.filter_text)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs, including workers started by finishing ones."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)


class TestDevicesPane:
    @SIZES
    def test_first_page(
        self, snap_compare: Any, server: ServerThread, size: tuple[int, int]
    ) -> None:
        assert snap_compare(DevicesApp(server.url), terminal_size=size, run_before=settle)

    @SIZES
    def test_filtered_and_selected(
        self, snap_compare: Any, server: ServerThread, size: tuple[int, int]
    ) -> None:
        async def select_two(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await pilot.press("space", "down", "space", "s")
            await settle(pilot)

        app = DevicesApp(server.url, "offline fleet=acme/sensors")
        assert snap_compare(app, terminal_size=size, run_before=select_two)
