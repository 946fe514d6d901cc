"""Snapshots of the Devices pane at 80x24 and 120x40 against the seeded, still stand-in.

The stand-in's simulator is off and its seed fixed, so every row, status and
time on screen is the same on every run; times are shown absolute, never "ago".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from console.backends.balena import BalenaClient, Device
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.sandbox.balena.computed import overall_status
from console.sandbox.serve import ServerThread
from console.ui.panes.devices import DevicesPane
from tests.conftest import BALENA_TOKEN
from tests.pilot import settle_quietly as settle

TOKEN = BALENA_TOKEN
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


class DevicesApp(App[None]):
    def __init__(self, url: str, filter_text: str = "", *, profile: str = "snap") -> None:
        super().__init__()
        self.url = url
        self.filter_text = filter_text
        self.profile = profile

    def compose(self) -> ComposeResult:
        profile = Profile(self.profile, ProfileSettings(), Path("/nonexistent"))
        client = BalenaClient(self.url, TOKEN)
        yield DevicesPane(Clients(profile, balena=client), refresh_seconds=None)

    def on_mount(self) -> None:
        if self.filter_text:
            self.query_one(DevicesPane).apply_filter(self.filter_text)


class TestDevicesPane:
    @SIZES
    def test_first_page(
        self, snap_compare: Any, balena_server: ServerThread, size: tuple[int, int]
    ) -> None:
        assert snap_compare(DevicesApp(balena_server.url), terminal_size=size, run_before=settle)

    @SIZES
    def test_filtered_and_selected(
        self, snap_compare: Any, balena_server: ServerThread, size: tuple[int, int]
    ) -> None:
        async def select_two(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await pilot.press("space", "down", "space", "s")
            await settle(pilot)

        app = DevicesApp(balena_server.url, "offline fleet=acme/sensors")
        assert snap_compare(app, terminal_size=size, run_before=select_two)


class TestAt80x24:
    """What a newcomer's first hour found empty or cut at 80x24 (issue 16)."""

    def test_device_detail_scrolls_to_tags_variables_and_services(
        self, snap_compare: Any, balena_server: ServerThread
    ) -> None:
        async def open_detail(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("end")  # the box scrolls: its sections take their own height
            await settle(pilot)

        assert snap_compare(DevicesApp(balena_server.url), terminal_size=(80, 24),
                            run_before=open_detail)

    def test_a_long_filter_error_wraps_in_the_status_line(
        self, snap_compare: Any, balena_server: ServerThread
    ) -> None:
        app = DevicesApp(balena_server.url, "online colour=red")
        assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


class TestSinceLastLook:
    """The summary line and the row marks of issue 15 (item 6), at 80x24."""

    def test_summary_and_marks_after_a_device_went_offline_and_one_is_gone(
        self, snap_compare: Any, balena_server: ServerThread
    ) -> None:
        from console.lastlook.devices import remember
        from console.profiles import last_look

        store = balena_server.app.state.balena.store
        rows = sorted(store.rows("device"), key=lambda row: row["device_name"])[:30]
        went = next(row for row in rows[:10] if row["is_online"])
        doomed = dict(rows[12])
        devices = [Device.from_api({**row, "overall_status": overall_status(store, row)})
                   for row in rows]
        look = remember(None, devices, max_id=max(row["id"] for row in store.rows("device")))
        last_look.save("snap-since", "devices", look.to_data(), taken_at=time.time() - 7300)
        store.update("device", store.get("device", went["id"]), {"is_online": False})
        store.delete("device", store.get("device", doomed["id"]))
        try:
            app = DevicesApp(balena_server.url, profile="snap-since")
            assert snap_compare(app, terminal_size=(80, 24), run_before=settle)
        finally:
            store.update("device", store.get("device", went["id"]), {"is_online": True})
            store.insert("device", doomed)
