"""Since last look in the Devices pane, against the balena stand-in over loopback.

The previous look is written with the store (as the pane writes it on leaving), the
stand-in's own state is changed (a device taken offline, one deleted, one added), then
the pane opens once: the summary names each change and the rows carry their marks.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from console import profiles
from console.backends.balena import BalenaClient
from console.clients import Clients
from console.lastlook.devices import DeviceLook, remember
from console.profiles import ProfileSettings, last_look
from console.profiles.settings import BalenaSettings
from console.sandbox.serve import ServerThread
from console.ui.app import FleetConsole
from console.ui.panes.devices import DevicesPane
from console.ui.widgets.status_line import StatusLine
from tests.conftest import BALENA_TOKEN
from tests.pilot import settle
from tests.ui.hosts import PaneApp

_names = itertools.count()


def make_pane(client: BalenaClient) -> DevicesPane:
    profile = profiles.add(f"since-devices-{next(_names)}", ProfileSettings())
    return DevicesPane(Clients(profile, balena=client), refresh_seconds=None)


def since_text(pane: DevicesPane) -> str:
    line = pane.query_one("#devices-since", StatusLine)
    return str(line.render()) if line.display else ""


async def test_first_open_says_nothing_and_quitting_saves_what_was_seen(
    balena_client: BalenaClient
) -> None:
    pane = make_pane(balena_client)
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert since_text(pane) == ""
        shown = dict(pane.table.devices)
    look = last_look.load(pane.profile.name, "devices")
    assert look is not None
    saved = DeviceLook.from_data(look.data)
    assert set(saved.devices) == set(shown)
    assert saved.max_id == max((await balena_client.devices.list(sort="id", descending=True,
                                                               top=1)).devices[0].id, 0)


async def test_reopen_names_what_changed_and_marks_the_rows(
    balena_client: BalenaClient, balena_server: ServerThread
) -> None:
    store: Any = balena_server.app.state.balena.store
    pane = make_pane(balena_client)
    first = (await balena_client.devices.list(top=100)).devices
    newest = (await balena_client.devices.list(sort="id", descending=True, top=1)).devices[0]
    look = remember(None, first, max_id=newest.id)
    last_look.save(pane.profile.name, "devices", look.to_data(), taken_at=time.time() - 7300)
    went = next(d for d in first if d.is_online)
    doomed = next(d for d in reversed(first) if d.id != went.id)
    went_row, doomed_row = store.get("device", went.id), dict(store.get("device", doomed.id))
    store.update("device", went_row, {"is_online": False})
    store.delete("device", store.get("device", doomed.id))
    dtype = await balena_client.fleets.device_type_id("raspberrypi4-64")
    body = {"belongs_to__application": 1, "is_of__device_type": dtype, "device_name": "!fresh"}
    added = (await balena_client.post("device", body, "add a device"))["id"]
    try:
        async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            text = since_text(pane)
            assert text.startswith("Since last look (2 h ago):")
            assert "▼ 1 went offline" in text and "+ 1 new" in text
            assert f"1 gone ({doomed.name})" in text
            assert str(pane.table.get_cell(str(went.id), "sel")) == "▼"
            assert str(pane.table.get_cell(str(added), "sel")) == "+"  # "!fresh" sorts first
            await pilot.press("z")
            await settle(pilot)
            assert since_text(pane) == ""
            assert str(pane.table.get_cell(str(went.id), "sel")) == " "
        saved = DeviceLook.from_data(last_look.load(pane.profile.name, "devices").data)  # type: ignore[union-attr]
        assert saved.devices[went.id].online is False
        assert doomed.id not in saved.devices and added in saved.devices
    finally:
        store.update("device", went_row, {"is_online": True})
        store.delete("device", store.get("device", added))
        store.insert("device", doomed_row)


async def test_in_the_console_a_lazily_built_pane_saves_its_look_on_a_profile_switch(
    balena_server: ServerThread,
) -> None:
    """The Devices tab of profile A, opened late, is left for profile B (A's tabs are kept):
    A's look is saved then, B has none of its own until its Devices tab is seen."""
    names = []
    for _ in range(2):
        name = f"since-devices-{next(_names)}"
        profiles.add(name, ProfileSettings(balena=BalenaSettings(url=balena_server.url)))
        profiles.set_secret(name, "balena", "token", BALENA_TOKEN)
        names.append(name)
    first, second = names
    app = FleetConsole(profiles.load(first), start_services=False)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await app.workspace.open("devices")
        await settle(pilot)
        assert isinstance(pane, DevicesPane) and pane.since.checked
        assert last_look.load(first, "devices") is None  # not left yet
        await app.switch_profile(second)
        await settle(pilot)
        saved = last_look.load(first, "devices")
        assert saved is not None
        assert set(DeviceLook.from_data(saved.data).devices) == set(pane.table.devices)
        assert last_look.load(second, "devices") is None
