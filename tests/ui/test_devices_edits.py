"""Device edits in the TUI (rename, tags, variables), the column chooser, host OS updates
with progress, force only where the API has it, and actions that are not confirmed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, DataTable, Input, SelectionList

from console.backends.balena import BalenaClient
from console.sandbox.balena import hup
from console.sandbox.balena.app import create_app
from console.sandbox.serve import ServerThread
from console.ui.balena.bulk import BulkResultScreen
from console.ui.balena.columns import ColumnChooser
from console.ui.balena.device_detail import DeviceDetailScreen
from console.ui.balena.fleet_dialogs import KeyValueScreen
from console.ui.confirm import ConfirmScreen
from tests.ui.hosts import PaneApp
from tests.ui.test_devices_pane import choose, make_pane, settle

TOKEN = "ui-token-edits"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(create_app(token=TOKEN, simulate=False)) as running:
        yield running


@pytest.fixture
def store(server: ServerThread) -> Any:
    return server.app.state.balena.store


@pytest.fixture
async def client(server: ServerThread) -> AsyncIterator[BalenaClient]:
    async with BalenaClient(server.url, TOKEN) as balena:
        yield balena


async def open_detail(pilot: Any, pane: Any, name: str) -> DeviceDetailScreen:
    pane.apply_filter(f"name={name}")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DeviceDetailScreen) and screen.loaded
    return screen


async def fill(pilot: Any, key: str | None, value: str) -> None:
    form = pilot.app.screen
    assert isinstance(form, KeyValueScreen)
    if key is not None:
        form.query_one("#kv-key", Input).value = key
    form.query_one("#kv-value", Input).value = value
    await pilot.click("#kv-save")
    await settle(pilot)


def rows(screen: DeviceDetailScreen, selector: str) -> list[tuple[str, ...]]:
    table = screen.query_one(selector, DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_rename_tag_untag_and_variables_from_the_detail(
    client: BalenaClient, store: Any, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path)
    row = store.find("device", device_name="kiosk-020")
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, pane, "kiosk-020")
        await pilot.press("n")
        await fill(pilot, None, "kiosk-twenty")
        assert row["device_name"] == "kiosk-twenty" and "kiosk-twenty" in str(
            screen.query_one("#detail-summary").render()
        )
        await pilot.press("t")
        await fill(pilot, "zone", "north")
        await pilot.press("v")
        await fill(pilot, "main/DEBUG", "1")
        await pilot.press("v")
        await fill(pilot, "LEVEL", "high")
        assert ("zone", "north") in rows(screen, "#detail-tags")
        assert ("service main", "DEBUG", "1") in rows(screen, "#detail-vars")
        assert ("env", "LEVEL", "high") in rows(screen, "#detail-vars")
        tags = screen.query_one("#detail-tags", DataTable)
        tags.move_cursor(row=screen.tags.index("zone"))
        await pilot.press("u")
        await pilot.press("y")
        await settle(pilot)
        assert "zone" not in screen.tags
        variables = screen.query_one("#detail-vars", DataTable)
        variables.move_cursor(row=screen.variables.index(("service main", "DEBUG")))
        await pilot.press("x")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert ("service main", "DEBUG") not in screen.variables
    mine = {(r["tag_key"]) for r in store.rows("device_tag") if r["device"] == row["id"]}
    assert "zone" not in mine
    assert not list(store.rows("device_service_environment_variable"))


async def test_a_refused_rename_stays_in_the_form(
    client: BalenaClient, store: Any, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await open_detail(pilot, pane, "kiosk-021")
        await pilot.press("n")
        await fill(pilot, None, "   ")
        form = pilot.app.screen
        assert isinstance(form, KeyValueScreen)
        assert "non-empty" in str(form.query_one(".dialog--error").render())
    assert store.find("device", device_name="kiosk-021") is not None


async def test_column_chooser_shows_the_ticked_columns(
    client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        chooser = pilot.app.screen
        assert isinstance(chooser, ColumnChooser)
        options = chooser.query_one(SelectionList)
        options.deselect("os")
        options.deselect("release")
        options.select("fleet")
        options.select("ip")
        await pilot.press("enter")
        await pilot.pause()
        assert pane.table.shown == (
            "sel",
            "name",
            "uuid",
            "online",
            "status",
            "seen",
            "fleet",
            "ip",
        )
        first = next(iter(pane.table.devices.values()))
        assert str(pane.table.get_cell(str(first.id), "fleet")) == first.fleet_slug
        assert len(pane.table.columns) == 8 and pane.table.row_count == 100


async def test_host_os_update_from_the_pane_shows_its_progress(
    client: BalenaClient, store: Any, tmp_path: Path
) -> None:
    row = next(
        d
        for d in store.rows("device")
        if d["device_name"].startswith("gw")
        and d["is_online"]
        and d["os_version"].endswith("5.3.21")
    )
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        pane.apply_filter(f"name={row['device_name']}")
        await settle(pilot)
        confirm = await choose(pilot, 10, "6.1.4")
        assert "Update host OS" in confirm.message and not confirm.query(Checkbox)
        await pilot.press("y")
        await settle(pilot)
        result = pilot.app.screen
        assert isinstance(result, BulkResultScreen) and result.results[0].ok
        await pilot.press("escape")
        hup.advance(store, row, lambda *_: None)
        pane._refresh_now()
        await settle(pilot)
        assert str(pane.table.get_cell(str(row["id"]), "status")) == "OS downloading 25%"


@pytest.mark.parametrize(("steps", "forceable"), [(0, False), (1, True), (4, False)])
async def test_force_is_offered_only_where_the_api_takes_it(
    client: BalenaClient, tmp_path: Path, steps: int, forceable: bool
) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        confirm = await choose(pilot, steps)  # restart, reboot, purge
        assert bool(confirm.query(Checkbox)) is forceable


async def test_an_unanswered_action_is_not_confirmed_not_failed(
    server: ServerThread, store: Any, tmp_path: Path
) -> None:
    row = next(d for d in store.rows("device") if d["is_online"] and not d.get("_locked"))
    faults = server.app.state.balena.faults
    async with BalenaClient(server.url, TOKEN, action_timeout=0.2) as quick:
        pane = make_pane(quick, tmp_path)
        async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
            pane.apply_filter(f"name={row['device_name']}")
            await settle(pilot)
            await choose(pilot, 2)  # blink
            faults.slow = 0.5
            try:
                await pilot.press("y")
                await settle(pilot)
            finally:
                faults.slow = 0.0
            result = pilot.app.screen
            assert isinstance(result, BulkResultScreen)
            summary = str(result.query_one("#bulk-summary").render())
            assert "0 failed, 1 not confirmed" in summary
            cells = result.query_one("#bulk-results", DataTable).get_row_at(0)
            assert str(cells[2]) == "not confirmed"
