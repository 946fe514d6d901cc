"""The Devices pane's live refresh re-reads only the rows around the screen.

Deep in a long list, a refresh must ask the stand-in for the pages under the visible
rows (and a page of margin), not for every loaded page. What was asked for and how
many rows were served is recorded by a small ASGI wrapper around the real stand-in,
over loopback: the pane's own HTTP is what is observed, nothing is mocked.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from textual.pilot import Pilot

from console.backends.balena import BalenaClient
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.sandbox.balena.app import create_app
from console.sandbox.serve import ServerThread
from console.ui.panes.devices import PAGE, DevicesPane
from tests.pilot import settle
from tests.ui.hosts import PaneApp

TOKEN = "ui-token-devices-refresh"
DEVICES = 1500
LOADED_PAGES = 10
"""How deep the tests scroll: 1,000 rows loaded, so a whole re-read would be obvious."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class Served:
    """One device list request: what it asked for and how many rows it got."""

    skip: int
    top: int
    rows: int


class ListRecorder:
    """ASGI wrapper around the stand-in recording each ``GET /v7/device`` list."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state = app.state  # the stand-in's store, for the tests to change upstream
        self.lists: list[Served] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) != ("GET", "/v7/device"):
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope["query_string"].decode())
        if "$top" not in query:  # a lookup by id (the since-last-look check), not a page
            await self.app(scope, receive, send)
            return
        body = bytearray()

        async def forward(message: Message) -> None:
            if message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    # Recorded before the last byte leaves, so the client never sees a
                    # reply that is not in the log yet.
                    self.lists.append(
                        Served(
                            skip=int(query.get("$skip", ["0"])[0]),
                            top=int(query["$top"][0]),
                            rows=len(json.loads(bytes(body))["d"]),
                        )
                    )
            await send(message)

        await self.app(scope, receive, forward)


@pytest.fixture(scope="module")
def recorder() -> ListRecorder:
    return ListRecorder(create_app(token=TOKEN, devices=DEVICES, simulate=False))


@pytest.fixture(scope="module")
def server(recorder: ListRecorder) -> Iterator[ServerThread]:
    with ServerThread(recorder) as running:
        yield running


@pytest.fixture
async def client(server: ServerThread) -> AsyncIterator[BalenaClient]:
    async with BalenaClient(server.url, TOKEN) as balena:
        yield balena


def make_pane(client: BalenaClient, tmp_path: Path) -> DevicesPane:
    # No timer: each test asks for one refresh itself (as switching to the pane does),
    # so the recorded requests are exactly that refresh's.
    profile = Profile("uirefresh", ProfileSettings(), tmp_path)
    return DevicesPane(Clients(profile, balena=client), refresh_seconds=None)


async def scroll_deep(pilot: Pilot[None], pane: DevicesPane, row: int) -> None:
    """Load ``LOADED_PAGES`` pages by scrolling to the end, then put the cursor on ``row``."""
    await settle(pilot)
    while len(pane.table.devices) < LOADED_PAGES * PAGE:
        before = len(pane.table.devices)
        await pilot.press("end")
        await settle(pilot)
        assert len(pane.table.devices) > before, "scrolling to the end loaded nothing"
    pane.table.move_cursor(row=row)
    await settle(pilot)


def visible_rows(pane: DevicesPane) -> range:
    table = pane.table
    first = table.scroll_offset.y
    return range(first, first + table.scrollable_content_region.height - table.header_height)


async def refresh(pilot: Pilot[None], pane: DevicesPane) -> None:
    pane.pane_shown()  # what the workspace calls on switching to the pane: refresh now
    await settle(pilot)


async def test_refresh_deep_in_the_list_reads_only_the_window_on_screen(
    client: BalenaClient, recorder: ListRecorder, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await scroll_deep(pilot, pane, 650)
        shown = visible_rows(pane)
        assert 650 in shown and shown.start > 2 * PAGE  # deep, not near the top
        recorder.lists.clear()
        await refresh(pilot, pane)
        assert len(recorder.lists) == 1
        asked = recorder.lists[0]
        # The pages under the screen and one either side: rows 500..799 here.
        assert asked.skip <= shown.start - PAGE and shown.stop + PAGE <= asked.skip + asked.top
        assert asked.top <= 3 * PAGE and asked.rows == asked.top
        assert len(pane.table.devices) == LOADED_PAGES * PAGE  # the rest kept, not dropped
        assert pane.total == DEVICES


async def test_change_on_screen_shows_after_refresh_and_far_rows_are_left(
    client: BalenaClient, recorder: ListRecorder, tmp_path: Path
) -> None:
    store = recorder.state.balena.store
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await scroll_deep(pilot, pane, 900)
        on_screen = pane.table.current()
        far = next(iter(pane.table.devices.values()))  # row 0: far above the screen
        assert on_screen is not None and on_screen.id != far.id
        rows = [store.get("device", on_screen.id), store.get("device", far.id)]
        for row in rows:
            store.update("device", row, {"is_online": not row["is_online"]})
        try:
            await refresh(pilot, pane)
            fresh = pane.table.devices[on_screen.id]
            assert fresh.is_online is not on_screen.is_online
            assert (str(on_screen.id), "online") in pane.table.marked
            assert pane.table.devices[far.id] == far  # re-read once scrolled back to
            await pilot.press("home")
            await refresh(pilot, pane)
            assert pane.table.devices[far.id].is_online is not far.is_online
        finally:
            store.update("device", rows[0], {"is_online": on_screen.is_online})
            store.update("device", rows[1], {"is_online": far.is_online})


async def test_device_added_above_the_window_shifts_it_and_shows_at_the_top(
    client: BalenaClient, recorder: ListRecorder, tmp_path: Path
) -> None:
    """A device added upstream (sorting first) shifts every deep row by one: the window
    follows the server, the total counts it, and it appears once the top is on screen."""
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await scroll_deep(pilot, pane, 650)
        under_cursor = pane.table.current()
        dtype = await client.fleets.device_type_id("raspberrypi4-64")
        body = {"belongs_to__application": 1, "is_of__device_type": dtype, "device_name": "!new"}
        added = (await client.post("device", body, "add a device"))["id"]
        try:
            recorder.lists.clear()
            await refresh(pilot, pane)
            (asked,) = recorder.lists
            order = list(pane.table.devices)
            window = [
                d.id for d in (await client.devices.list(top=asked.top, skip=asked.skip)).devices
            ]
            # The window is the server's, in its order. Its first device was the last row
            # above it before the shift: it moved in and left its old place (each device
            # is loaded once), so the window now starts one row higher in the table.
            start = order.index(window[0])
            assert start == asked.skip - 1
            assert order[start : start + len(window)] == window
            assert len(order) == len(set(order))
            assert pane.total == DEVICES + 1
            assert f"of {DEVICES + 1:,}" in str(pane.query_one("#devices-status").render())
            assert added not in pane.table.devices  # the top was not on screen
            assert pane.table.current() == under_cursor
            await pilot.press("home")
            await refresh(pilot, pane)
            assert next(iter(pane.table.devices)) == added
            assert str(pane.table.get_row_at(0)[1]) == "!new"
        finally:
            await client.delete("device", added, "remove the added device")
