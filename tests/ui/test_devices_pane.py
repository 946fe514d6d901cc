"""The Devices pane driven by keys against the stand-in: sort, filter, paging, live, bulk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from console.backends.balena import BalenaClient
from console.profiles import Profile, ProfileSettings
from console.sandbox.balena.app import create_app
from console.sandbox.serve import ServerThread
from console.ui.balena.bulk import BulkActionScreen, BulkResultScreen
from console.ui.balena.device_detail import DeviceDetailScreen
from console.ui.confirm import ConfirmScreen
from console.ui.panes.devices import DevicesPane

TOKEN = "ui-token-devices"


class PaneApp(App[None]):
    def __init__(self, pane: DevicesPane) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield self.pane


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(create_app(token=TOKEN, simulate=False)) as running:
        yield running


@pytest.fixture
async def client(server: ServerThread) -> AsyncIterator[BalenaClient]:
    async with BalenaClient(server.url, TOKEN) as balena:
        yield balena


def make_pane(client: BalenaClient, tmp_path: Path, refresh: float | None = None) -> DevicesPane:
    profile = Profile("uitest", ProfileSettings(), tmp_path)
    return DevicesPane(profile, client=client, refresh_seconds=refresh)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let posted messages start their workers, wait for them, then let results draw."""
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_opens_with_first_page_sorted_by_name(client: BalenaClient, tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        names = [d.name for d in pane.table.devices.values()]
        assert len(names) == 100 and pane.total == 300
        assert names == sorted(names)


async def test_sort_key_and_order_flip_ask_the_server(client: BalenaClient, tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # name → status
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        statuses = [d.status or "" for d in pane.table.devices.values()]
        assert pane.sort == "status" and pane.descending
        assert statuses == sorted(statuses, reverse=True)


async def test_filter_runs_on_the_server_and_bad_filter_keeps_the_old(
    client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane.apply_filter("offline fleet=lab/kiosks")
        await settle(pilot)
        shown = list(pane.table.devices.values())
        assert shown and pane.total == len(shown)
        assert all(not d.is_online and d.name.startswith("kiosk") for d in shown)
        pane.apply_filter("colour=red")
        await settle(pilot)
        assert pane.filter_text == "offline fleet=lab/kiosks"
        assert list(pane.table.devices.values()) == shown


async def test_scrolling_near_the_end_loads_the_next_page(
    client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        assert len(pane.table.devices) == 200
        assert len(set(pane.table.devices)) == 200


async def test_live_refresh_updates_changed_cells_by_key(
    client: BalenaClient, server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path, refresh=0.2)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = next(iter(pane.table.devices.values()))
        store = server.app.state.balena.store
        row = store.get("device", first.id)
        rows_before = pane.table.row_count
        store.update("device", row, {"is_online": not row["is_online"], "download_progress": None})
        for _ in range(40):
            await pilot.pause(0.05)
            if (str(first.id), "online") in pane.table.marked:
                break
        assert (str(first.id), "online") in pane.table.marked
        assert pane.table.devices[first.id].is_online is not first.is_online
        assert pane.table.row_count == rows_before
        store.update("device", row, {"is_online": first.is_online})


async def test_bulk_reboot_confirms_with_count_and_reports_each(
    client: BalenaClient, server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        pane.apply_filter("online name^sensor-0")
        await settle(pilot)
        await pilot.press("space", "down", "space", "down", "space")
        chosen = set(pane.table.selected)
        assert len(chosen) == 3
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BulkActionScreen)
        await pilot.press("down", "enter")  # Reboot
        await pilot.pause()
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen) and "3 device(s)" in confirm.message
        await pilot.press("y")
        await settle(pilot)
        result = pilot.app.screen
        assert isinstance(result, BulkResultScreen)
        assert len(result.results) == 3
        ok_ids = {r.device.id for r in result.results if r.ok and r.device}
        locked = {d["id"] for d in server.app.state.balena.store.rows("device") if d.get("_locked")}
        assert ok_ids == chosen - locked
        # Rebooted devices are offline now: the refresh after the action drops them from
        # this "online" list (and from the selection).
        assert not ok_ids & set(pane.table.devices) and not ok_ids & pane.table.selected


async def test_bulk_cancelled_at_confirmation_sends_nothing(
    client: BalenaClient, server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        version = server.app.state.balena.store.version
        await pilot.press("space", "b")
        await pilot.pause()
        await pilot.press("end", "enter")  # Deactivate
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert server.app.state.balena.store.version == version
        assert pilot.app.screen is pilot.app.screen_stack[0]


async def test_enter_opens_detail_with_tags_and_services(
    client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DeviceDetailScreen)
        await settle(pilot)
        assert screen.loaded
        assert screen.query_one("#detail-tags").row_count >= 1
        assert screen.query_one("#detail-services").row_count == 2
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, DeviceDetailScreen)


async def test_bulk_tag_asks_for_its_value_then_confirms(
    client: BalenaClient, server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        pane.apply_filter("name^kiosk-02")
        await settle(pilot)
        await pilot.press("a", "b")  # every loaded device, then the action menu
        await pilot.pause()
        await pilot.press(*["down"] * 8, "enter")  # "Set a tag…"
        await pilot.pause()
        await pilot.press("enter")  # nothing typed: the dialog stays
        await pilot.pause()
        assert isinstance(pilot.app.screen, BulkActionScreen)
        await pilot.press(*"batch=b7", "enter")
        await pilot.pause()
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen) and "10 device(s)" in confirm.message
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BulkResultScreen)
        assert all(r.ok for r in pilot.app.screen.results)
        store = server.app.state.balena.store
        tagged = {t["device"] for t in store.rows("device_tag") if t["tag_key"] == "batch"}
        assert tagged == set(pane.table.devices)


async def test_pane_builds_its_client_from_the_profile_and_counts_down_a_429(
    server: ServerThread, tmp_path: Path
) -> None:
    from pydantic import SecretStr

    from console.profiles import BalenaSettings

    settings = ProfileSettings(balena=BalenaSettings(url=server.url))
    profile = Profile("ui429", settings, tmp_path, {"balena": {"token": SecretStr(TOKEN)}})
    pane = DevicesPane(profile, refresh_seconds=None)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        server.app.state.faults.set({"rate_limited": 1, "retry_after": 1})
        pane.reload()
        await settle(pilot)
        messages = [n.message for n in pilot.app._notifications]
        assert any("retrying in 1 s" in m for m in messages)
        assert len(pane.table.devices) == 100
        assert TOKEN not in " ".join(messages)


async def test_names_and_values_are_shown_literally_never_as_markup(
    client: BalenaClient, server: ServerThread, tmp_path: Path
) -> None:
    """A device named like Rich markup must neither crash the table nor lose characters."""
    store = server.app.state.balena.store
    device = store.get("device", 299)
    store.update("device", device, {"device_name": "[/]aaa[bold"})
    store.insert("device_tag", {"device": 299, "tag_key": "[red]", "value": "[/]"})
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert str(pane.table.get_cell("299", "name")) == "[/]aaa[bold"
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DeviceDetailScreen) and screen.loaded
        tags = screen.query_one("#detail-tags")
        assert ("[red]", "[/]") in [
            tuple(str(c) for c in tags.get_row_at(i)) for i in range(tags.row_count)
        ]


async def wait_until(pilot, condition) -> None:  # type: ignore[no-untyped-def]
    """Let refreshes come round until ``condition()`` holds (fail after ~10 s)."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the pane never got there")


async def test_live_refresh_adds_new_devices_and_follows_the_total(
    client: BalenaClient, server: ServerThread, tmp_path: Path
) -> None:
    """A device that enters the loaded page (new, or renamed into it) appears in its
    sorted place, the total follows, and rows that did not change keep their cells."""
    pane = make_pane(client, tmp_path, refresh=0.2)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        total, loaded = pane.total, list(pane.table.devices)
        await pilot.press(*["down"] * 5)
        under_cursor = pane.table.current()
        assert under_cursor is not None
        untouched = str(loaded[50])
        cell = pane.table.get_cell(untouched, "name")
        beyond = (await client.devices.list(top=1, skip=250)).devices[0]
        assert beyond.id not in pane.table.devices
        await client.devices.rename(beyond.id, "!renamed")  # "!" sorts before any name
        dtype = await client.fleets.device_type_id("raspberrypi4-64")
        body = {"belongs_to__application": 1, "is_of__device_type": dtype, "device_name": "!s-new"}
        added = (await client.post("device", body, "add a device"))["id"]
        try:
            await wait_until(pilot, lambda: pane.total == total + 1 and added in pane.table.devices)
            order = list(pane.table.devices)
            assert order == [d.id for d in (await client.devices.list(top=len(loaded))).devices]
            assert order[:2] == [beyond.id, added]
            assert order[2:] == loaded[:-2]  # the last two moved on to the next page
            assert pane.table.row_count == len(loaded)
            assert [str(pane.table.get_row_at(i)[1]) for i in range(2)] == ["!renamed", "!s-new"]
            assert pane.table.get_cell(untouched, "name") is cell  # not redrawn, not refilled
            assert pane.table.current() == under_cursor  # the cursor stayed on its device
            status = str(pane.query_one("#devices-status").render())
            assert f"100 of {total + 1:,}" in status
        finally:
            await client.delete("device", added, "remove the added device")
            await client.devices.rename(beyond.id, beyond.name)
        await wait_until(pilot, lambda: pane.total == total and added not in pane.table.devices)
        assert list(pane.table.devices) == loaded

