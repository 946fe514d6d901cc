"""The Fleets pane against the stand-in: counts, create-fleet dialog, tag and variable editor."""

from __future__ import annotations

from pathlib import Path

import httpx
from textual.widgets import Input, Select, Static, TabbedContent

from console.backends.balena import BalenaClient
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.sandbox.serve import ServerThread
from console.ui.balena.fleet_detail import FleetDetailScreen
from console.ui.balena.fleet_dialogs import CreateFleetScreen, KeyValueScreen
from console.ui.panes.fleets import FleetsPane
from tests.conftest import BALENA_TOKEN
from tests.pilot import settle
from tests.ui.hosts import PaneApp

TOKEN = BALENA_TOKEN


def make_pane(balena_client: BalenaClient, tmp_path: Path) -> FleetsPane:
    profile = Profile("uitest", ProfileSettings(), tmp_path)
    return FleetsPane(Clients(profile, balena=balena_client), refresh_seconds=None)


def counts(balena_server: ServerThread, fleet_id: int) -> tuple[int, int]:
    devices = [
        d
        for d in balena_server.app.state.balena.store.rows("device")
        if d["belongs_to__application"] == fleet_id
    ]
    return len(devices), sum(1 for d in devices if d["is_online"])


async def test_fleets_with_device_and_online_counts(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert pane.table.row_count == len(pane.fleets) >= 3
        for fleet in pane.fleets.values():
            assert (fleet.device_count, fleet.online_count) == counts(balena_server, fleet.id)
        cell = pane.table.get_cell(str(next(iter(pane.fleets))), "devices")
        assert str(cell).replace(",", "").isdigit()


async def test_create_fleet_dialog_keeps_input_on_error(
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, CreateFleetScreen)
        await pilot.press(*"ab", "enter")
        await pilot.pause()
        assert "4 to 100" in str(dialog.query_one(".dialog--error", Static).render())
        dialog.query_one("#fleet-type", Select).value = "raspberrypi3"
        dialog.query_one("#fleet-org", Select).value = "acme"
        await pilot.press(*"cd", "enter")  # the name typed before the error is still there
        await settle(pilot)
        assert pilot.app.screen is not dialog
        assert any(f.slug == "acme/abcd" for f in pane.fleets.values())


async def test_duplicate_fleet_error_shows_in_the_dialog(
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = pilot.app.screen
        dialog.query_one("#fleet-type", Select).value = "raspberrypi3"
        dialog.query_one("#fleet-org", Select).value = "acme"
        await pilot.press(*"sensors", "enter")
        await settle(pilot)
        assert pilot.app.screen is dialog
        assert "unique" in str(dialog.query_one(".dialog--error", Static).render())
        assert dialog.query_one("#fleet-name", Input).value == "sensors"


async def test_fleet_detail_releases_and_tag_editor(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, FleetDetailScreen) and detail.loaded
        fleet_id = detail.fleet.id
        releases = [
            r
            for r in balena_server.app.state.balena.store.rows("release")
            if r["belongs_to__application"] == fleet_id
        ]
        assert detail.table("fleet-releases").row_count == len(releases)
        detail.query_one(TabbedContent).active = "fleet-tags"
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, KeyValueScreen)
        await pilot.press(*"site", "tab", *"north", "enter")
        await settle(pilot)
        assert pilot.app.screen is detail
        assert str(detail.table("fleet-tags").get_cell("site", "value")) == "north"
        detail.table("fleet-tags").move_cursor(row=detail.table("fleet-tags").get_row_index("site"))
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert "site" not in {row.value for row in detail.table("fleet-tags").rows}


async def test_bad_variable_name_stays_in_the_editor(
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = pilot.app.screen
        detail.query_one(TabbedContent).active = "fleet-config"
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        editor = pilot.app.screen
        await pilot.press(*"GPU_MEM", "tab", *"64", "enter")
        await settle(pilot)
        assert pilot.app.screen is editor
        assert "BALENA_" in str(editor.query_one(".dialog--error", Static).render())
        assert editor.query_one("#kv-value", Input).value == "64"


async def test_reload_updates_counts_in_place(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        store = balena_server.app.state.balena.store
        device = next(d for d in store.rows("device") if d["belongs_to__application"] == 1)
        row_keys = [row.value for row in pane.table.rows]
        store.update("device", device, {"is_online": not device["is_online"]})
        await pilot.press("r")
        await settle(pilot)
        assert [row.value for row in pane.table.rows] == row_keys
        online = counts(balena_server, 1)[1]
        assert str(pane.table.get_cell("1", "online")) == f"{online:,}"


async def test_create_dialog_makes_a_block_chosen_by_keys(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    """The class is a choice in the dialog (fleet, app, block), reached and picked by keys."""
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, CreateFleetScreen)
        classes = dialog.query_one("#fleet-class", Select)
        assert classes.value == "fleet"
        await pilot.press(*"edge-agent")
        dialog.query_one("#fleet-type", Select).value = "raspberrypi4-64"
        dialog.query_one("#fleet-org", Select).value = "acme"
        await pilot.press("tab", "tab", "tab")  # name → device type → organization → class
        assert classes.has_focus
        await pilot.press("enter", "down", "enter")
        assert classes.value == "app"
        await pilot.press("enter", "down", "enter")
        assert classes.value == "block"
        await pilot.click("#fleet-create")
        await settle(pilot)
        assert pilot.app.screen is not dialog
        row = balena_server.app.state.balena.store.find("application", slug="acme/edge-agent")
        assert row is not None and row["is_of__class"] == "block"
        assert str(pane.table.get_cell(str(row["id"]), "class")) == "block"
        assert any(n.message == "Created block acme/edge-agent" for n in pilot.app._notifications)


async def test_the_first_show_loads_the_fleets_once(
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    """The workspace mounts a pane, then tells it it is shown: one list request, not two
    (the second used to cancel the first, which the service had already answered);
    shown again after being hidden, it fetches afresh."""
    asked: list[str] = []

    async def record(request: httpx.Request) -> None:
        url = request.url
        if url.path.endswith("/application") and b"orderby" in url.query:  # one per load
            asked.append(url.path)

    balena_client.http.event_hooks["request"].append(record)
    pane = make_pane(balena_client, tmp_path)
    try:
        async with PaneApp(pane).run_test(size=(100, 30)) as pilot:
            pane.pane_shown()  # as Workspace.show does once the pane is mounted
            await settle(pilot)
            assert len(asked) == 1 and pane.table.row_count
            pane.pane_hidden()
            pane.pane_shown()
            await settle(pilot)
            assert len(asked) == 2
    finally:
        balena_client.http.event_hooks["request"].remove(record)
