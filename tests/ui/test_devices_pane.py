"""The Devices pane driven by keys against the stand-in: sort, filter, paging, live, bulk."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from console.backends.balena import BalenaClient
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.sandbox.serve import ServerThread
from console.ui.balena.bulk import BulkActionScreen, BulkResultScreen
from console.ui.balena.device_detail import DeviceDetailScreen
from console.ui.confirm import ConfirmScreen
from console.ui.panes.devices import DevicesPane
from tests.conftest import BALENA_TOKEN
from tests.pilot import settle
from tests.ui.hosts import PaneApp

TOKEN = BALENA_TOKEN


def make_pane(
    balena_client: BalenaClient, tmp_path: Path, refresh: float | None = None
) -> DevicesPane:
    profile = Profile("uitest", ProfileSettings(), tmp_path)
    return DevicesPane(Clients(profile, balena=balena_client), refresh_seconds=refresh)


async def test_opens_with_first_page_sorted_by_name(
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        names = [d.name for d in pane.table.devices.values()]
        assert len(names) == 100 and pane.total == 300
        assert names == sorted(names)


async def test_sort_key_and_order_flip_ask_the_server(
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
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
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
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
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        assert len(pane.table.devices) == 200
        assert len(set(pane.table.devices)) == 200


async def test_live_refresh_updates_changed_cells_by_key(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path, refresh=0.2)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = next(iter(pane.table.devices.values()))
        store = balena_server.app.state.balena.store
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
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
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
        locked = {
            d["id"] for d in balena_server.app.state.balena.store.rows("device") if d.get("_locked")
        }
        assert ok_ids == chosen - locked
        # Rebooted devices are offline now: the refresh after the action drops them from
        # this "online" list (and from the selection).
        assert not ok_ids & set(pane.table.devices) and not ok_ids & pane.table.selected


async def test_bulk_cancelled_at_confirmation_sends_nothing(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        version = balena_server.app.state.balena.store.version
        await pilot.press("space", "b")
        await pilot.pause()
        await pilot.press("end", "up", "enter")  # Deactivate (host OS update is last)
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert balena_server.app.state.balena.store.version == version
        assert pilot.app.screen is pilot.app.screen_stack[0]


def table_rows(screen: DeviceDetailScreen, selector: str) -> set[tuple[str, ...]]:
    table = screen.query_one(selector, DataTable)
    return {tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)}


async def test_enter_opens_detail_with_tags_variables_and_services(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    """The detail's three tables hold exactly what the stand-in has for the device."""
    store = balena_server.app.state.balena.store
    device = store.find("device", device_name="kiosk-031")
    assert device is not None
    store.insert("device_tag", {"device": device["id"], "tag_key": "shelf", "value": "B4"})
    store.insert(
        "device_environment_variable",
        {"device": device["id"], "name": "UI_DETAIL", "value": "on screen"},
    )
    store.insert(
        "device_config_variable",
        {"device": device["id"], "name": "BALENA_HOST_CONFIG_gpu_mem", "value": "128"},
    )
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        pane.apply_filter("name=kiosk-031")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DeviceDetailScreen)
        await settle(pilot)
        assert screen.loaded and screen.device.id == device["id"]
        mine = [r for r in store.rows("device_tag") if r["device"] == device["id"]]
        assert table_rows(screen, "#detail-tags") == {(r["tag_key"], r["value"]) for r in mine}
        variables = {
            (kind, r["name"], r["value"])
            for kind, resource in (
                ("env", "device_environment_variable"),
                ("config", "device_config_variable"),
            )
            for r in store.rows(resource)
            if r["device"] == device["id"]
        }
        assert ("env", "UI_DETAIL", "on screen") in variables
        assert table_rows(screen, "#detail-vars") == variables
        installs = [r for r in store.rows("image_install") if r["device"] == device["id"]]
        services = {
            store.get("service", store.get("image", r["image"])["is_a_build_of__service"])[
                "service_name"
            ]
            for r in installs
        }
        shown = table_rows(screen, "#detail-services")
        assert {row[0] for row in shown} == services == {"main", "agent"}
        assert {row[1] for row in shown} == {r["status"] for r in installs}
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, DeviceDetailScreen)


async def test_bulk_tag_asks_for_its_value_then_confirms(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
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
        store = balena_server.app.state.balena.store
        tagged = {t["device"] for t in store.rows("device_tag") if t["tag_key"] == "batch"}
        assert tagged == set(pane.table.devices)


async def test_registry_builds_the_client_from_the_profile_and_reports_a_429_wait(
    balena_server: ServerThread, tmp_path: Path
) -> None:
    from pydantic import SecretStr

    from console.profiles import BalenaSettings

    settings = ProfileSettings(balena=BalenaSettings(url=balena_server.url))
    profile = Profile("ui429", settings, tmp_path, {"balena": {"token": SecretStr(TOKEN)}})
    waits: list[float] = []
    pane = DevicesPane(Clients(profile, on_wait=waits.append), refresh_seconds=None)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        balena_server.app.state.faults.set({"rate_limited": 1, "retry_after": 1})
        pane.reload()
        await settle(pilot)
        assert waits == [1.0]
        assert len(pane.table.devices) == 100
        messages = [n.message for n in pilot.app._notifications]
        assert TOKEN not in " ".join(messages)


async def test_names_and_values_are_shown_literally_never_as_markup(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    """A device named like Rich markup must neither crash the table nor lose characters."""
    store = balena_server.app.state.balena.store
    device = store.get("device", 299)
    store.update("device", device, {"device_name": "[/]aaa[bold"})
    store.insert("device_tag", {"device": 299, "tag_key": "[red]", "value": "[/]"})
    pane = make_pane(balena_client, tmp_path)
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
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    """A device that enters the loaded page (new, or renamed into it) appears in its
    sorted place, the total follows, and rows that did not change keep their cells."""
    pane = make_pane(balena_client, tmp_path, refresh=0.2)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        total, loaded = pane.total, list(pane.table.devices)
        await pilot.press(*["down"] * 5)
        under_cursor = pane.table.current()
        assert under_cursor is not None
        untouched = str(loaded[50])
        cell = pane.table.get_cell(untouched, "name")
        beyond = (await balena_client.devices.list(top=1, skip=250)).devices[0]
        assert beyond.id not in pane.table.devices
        await balena_client.devices.rename(beyond.id, "!renamed")  # "!" sorts before any name
        dtype = await balena_client.fleets.device_type_id("raspberrypi4-64")
        body = {"belongs_to__application": 1, "is_of__device_type": dtype, "device_name": "!s-new"}
        added = (await balena_client.post("device", body, "add a device"))["id"]
        try:
            await wait_until(pilot, lambda: pane.total == total + 1 and added in pane.table.devices)
            order = list(pane.table.devices)
            assert order == [
                d.id for d in (await balena_client.devices.list(top=len(loaded))).devices
            ]
            assert order[:2] == [beyond.id, added]
            assert order[2:] == loaded[:-2]  # the last two moved on to the next page
            assert pane.table.row_count == len(loaded)
            assert [str(pane.table.get_row_at(i)[1]) for i in range(2)] == ["!renamed", "!s-new"]
            assert pane.table.get_cell(untouched, "name") is cell  # not redrawn, not refilled
            assert pane.table.current() == under_cursor  # the cursor stayed on its device
            status = str(pane.query_one("#devices-status").render())
            assert f"100 of {total + 1:,}" in status
        finally:
            await balena_client.delete("device", added, "remove the added device")
            await balena_client.devices.rename(beyond.id, beyond.name)
        await wait_until(pilot, lambda: pane.total == total and added not in pane.table.devices)
        assert list(pane.table.devices) == loaded


async def choose(pilot, steps: int, param: str | None = None) -> ConfirmScreen:  # type: ignore[no-untyped-def]
    """Open the action menu, take the action ``steps`` down, type its parameter."""
    await pilot.press("b")
    await pilot.pause()
    assert isinstance(pilot.app.screen, BulkActionScreen)
    await pilot.press(*["down"] * steps, "enter")
    await pilot.pause()
    if param is not None:
        await pilot.press(*param, "enter")
        await pilot.pause()
    confirm = pilot.app.screen
    assert isinstance(confirm, ConfirmScreen)
    return confirm


async def confirmed_results(pilot) -> BulkResultScreen:  # type: ignore[no-untyped-def]
    await pilot.press("y")
    await settle(pilot)
    result = pilot.app.screen
    assert isinstance(result, BulkResultScreen)
    return result


def names_filter(*names: str) -> str:
    return "name=" + ",".join(names)


async def test_bulk_pin_to_release_confirms_and_pins_each(
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        pane.apply_filter("name^gw-00")
        await settle(pilot)
        await pilot.press("space", "down", "space", "down", "space")
        chosen = sorted(pane.table.selected)
        confirm = await choose(pilot, 5, "1.1.0")  # "Pin to release…"
        assert "Pin to release" in confirm.message and "3 device(s)" in confirm.message
        result = await confirmed_results(pilot)
        assert sorted(r.device.id for r in result.results if r.device) == chosen
        assert all(r.ok and r.message == "pinned" for r in result.results)
        try:
            after = await balena_client.devices.by_ids(chosen)
            assert {d.pinned.raw_version if d.pinned else None for d in after} == {"1.1.0"}
            assert all("pinned" in str(pane.table.get_cell(str(i), "release")) for i in chosen)
        finally:
            await balena_client.devices.bulk("track", list(chosen))


async def test_bulk_move_reports_the_device_that_cannot_join(
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    """Two gateways move to an aarch64 fleet; the armv7 sensor is refused, on its own line."""
    target = await balena_client.fleets.create("spare-gateways", "jetson-nano", "acme")
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        pane.apply_filter(names_filter("gw-040", "gw-041", "sensor-040"))
        await settle(pilot)
        await pilot.press("a")
        chosen = {d.name: d for d in pane.table.devices.values()}
        confirm = await choose(pilot, 7, target.slug)  # "Move to fleet…"
        assert "Move to fleet 3 device(s)?" in confirm.message
        result = await confirmed_results(pilot)
        outcome = {r.device.name: r for r in result.results if r.device}
        assert set(outcome) == set(chosen)
        assert outcome["gw-040"].ok and outcome["gw-041"].ok
        assert not outcome["sensor-040"].ok
        assert "CPU architecture" in outcome["sensor-040"].message
        try:
            fresh = await balena_client.devices.by_ids([d.id for d in chosen.values()])
            after = {d.name: d for d in fresh}
            assert after["gw-040"].fleet_id == after["gw-041"].fleet_id == target.id
            assert after["sensor-040"].fleet_id == chosen["sensor-040"].fleet_id
        finally:
            await balena_client.devices.bulk("move", ["gw-040", "gw-041"], fleet="acme/gateways")


async def test_bulk_restart_asks_online_devices_and_reports_the_offline_one(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    from console.backends.balena.logs import DeviceLogs

    store = balena_server.app.state.balena.store
    gateways = sorted(
        (d for d in store.rows("device") if d["device_name"].startswith("gw-1")),
        key=lambda d: d["device_name"],
    )
    online = [d for d in gateways if d["is_connected_to_vpn"] and not d["_locked"]][:2]
    offline = next(d for d in gateways if not d["is_connected_to_vpn"])
    targets = [*online, offline]
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        pane.apply_filter(names_filter(*(d["device_name"] for d in targets)))
        await settle(pilot)
        await pilot.press("a")
        confirm = await choose(pilot, 0)  # "Restart services"
        assert "Restart services 3 device(s)?" in confirm.message
        result = await confirmed_results(pilot)
        by_id = {r.device.id: r for r in result.results if r.device}
        assert set(by_id) == {d["id"] for d in targets}
        assert all(by_id[d["id"]].ok for d in online)
        assert not by_id[offline["id"]].ok and "offline" in by_id[offline["id"]].message
    reader = DeviceLogs(balena_client)
    for device in targets:
        history = await reader.history(device["uuid"])
        restarted = any(line.is_system and "Restarting" in line.message for line in history)
        assert restarted is (device is not offline)


async def test_bulk_deactivate_confirms_and_deactivates_each(
    balena_client: BalenaClient, tmp_path: Path
) -> None:
    pane = make_pane(balena_client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        pane.apply_filter(names_filter("kiosk-050", "kiosk-051"))
        await settle(pilot)
        await pilot.press("a")
        ids = sorted(pane.table.devices)
        confirm = await choose(pilot, 9)  # "Deactivate"
        assert "Deactivate 2 device(s)?" in confirm.message
        assert "interrupts" in confirm.message
        result = await confirmed_results(pilot)
        assert sorted(r.device.id for r in result.results if r.device) == ids
        assert all(r.ok and r.message == "deactivated" for r in result.results)
        try:
            assert {d.is_active for d in await balena_client.devices.by_ids(ids)} == {False}
        finally:
            await balena_client.patch(
                "device", {"id": {"$in": ids}}, {"is_active": True}, "reactivate"
            )


@pytest.fixture(scope="module")
def console_profile(balena_server: ServerThread, fleet_home: Path) -> str:
    """A profile of the whole console pointed at this module's stand-in."""
    from console import profiles
    from console.profiles import BalenaSettings

    name = "devices-ui"
    if name not in profiles.names():
        profiles.add(name, ProfileSettings(balena=BalenaSettings(url=balena_server.url)))
        profiles.set_secret(name, "balena", "token", TOKEN)
    return name


def whole_console(name: str):  # type: ignore[no-untyped-def]
    from console import profiles
    from console.ui.app import FleetConsole

    return FleetConsole(profiles.load(name), start_services=False)


def devices_of(app) -> DevicesPane:  # type: ignore[no-untyped-def]
    pane = app.workspace.pane("devices")
    assert isinstance(pane, DevicesPane)
    return pane


def status_of(pane: DevicesPane) -> str:
    return str(pane.query_one("#devices-status").render())


async def test_slash_in_the_console_filters_the_devices_on_the_server(
    balena_server: ServerThread, console_profile: str
) -> None:
    """`/`, typed key by key, reaches the Devices pane; the rows are what the server matched."""
    store = balena_server.app.state.balena.store
    kiosks = store.find("application", slug="lab/kiosks")
    expected = sorted(
        d["device_name"]
        for d in store.rows("device")
        if d["belongs_to__application"] == kiosks["id"] and not d["is_online"]
    )
    async with whole_console(console_profile).run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        pane = devices_of(pilot.app)
        await settle(pilot)
        assert pane.total == len(list(store.rows("device")))
        await pilot.press("slash", *"offline fleet=lab/kiosks", "enter")
        await settle(pilot)
        assert pane.filter_text == "offline fleet=lab/kiosks"
        assert [d.name for d in pane.table.devices.values()] == expected
        assert pane.total == len(expected)
        assert "filter: offline fleet=lab/kiosks" in status_of(pane)
        # Half-typed terms on the way ("fleet=") were not notifications, one per key.
        assert not [n for n in pilot.app._notifications if n.severity == "error"]
        await pilot.press("slash", "end", *["backspace"] * len("lab/kiosks"))
        await settle(pilot)
        assert "not applied: filter: 'fleet=' needs a value" in status_of(pane)
        assert pane.filter_text == "offline fleet=l"  # the last text that parsed
        await pilot.press("escape")  # clears the bar, the filter and the complaint
        await settle(pilot)
        assert pane.filter_text == "" and "not applied" not in status_of(pane)
        assert pane.total == len(list(store.rows("device")))


async def test_devices_command_shows_one_fleet_then_all(
    balena_server: ServerThread, console_profile: str
) -> None:
    """`:devices fleet=ORG/NAME FILTER` shows that fleet; a typo changes nothing; `all`."""
    store = balena_server.app.state.balena.store
    sensors = store.find("application", slug="acme/sensors")
    in_fleet = [d for d in store.rows("device") if d["belongs_to__application"] == sensors["id"]]
    async with whole_console(console_profile).run_test(size=(120, 40)) as pilot:
        await pilot.press(*":devices fleet=acme/sensors", "enter")
        await settle(pilot)
        pane = devices_of(pilot.app)
        assert pilot.app.workspace.current is pane
        assert (pane.fleet_id, pane.fleet_label) == (sensors["id"], "acme/sensors")
        assert pane.total == len(in_fleet)
        assert {d.fleet_id for d in pane.table.devices.values()} == {sensors["id"]}
        assert "acme/sensors" in status_of(pane)
        await pilot.press(*f":devices fleet={sensors['id']} online", "enter")  # by id
        await settle(pilot)
        assert pane.total == sum(1 for d in in_fleet if d["is_online"])
        assert all(d.is_online for d in pane.table.devices.values())
        await pilot.press(*":devices fleet=acme/nope -x", "enter")
        await settle(pilot)
        assert any("acme/nope" in n.message for n in pilot.app._notifications)
        assert (pane.fleet_label, pane.filter_text) == ("acme/sensors", "online")
        await pilot.press(*":devices fleet=all", "enter")
        await settle(pilot)
        assert pane.fleet_id is None and pane.filter_text == ""
        assert pane.total == len(list(store.rows("device")))


async def test_fleets_pane_d_shows_that_fleets_devices(
    balena_server: ServerThread, console_profile: str
) -> None:
    store = balena_server.app.state.balena.store
    kiosks = store.find("application", slug="lab/kiosks")
    async with whole_console(console_profile).run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        fleets = pilot.app.workspace.pane("fleets")
        fleets.table.move_cursor(row=fleets.table.get_row_index(str(kiosks["id"])))
        await pilot.press("d")
        await settle(pilot)
        pane = devices_of(pilot.app)
        assert pilot.app.workspace.current is pane
        assert (pane.fleet_id, pane.fleet_label) == (kiosks["id"], "lab/kiosks")
        in_fleet = [d for d in store.rows("device") if d["belongs_to__application"] == kiosks["id"]]
        assert pane.total == len(in_fleet)
        assert {d.fleet_id for d in pane.table.devices.values()} == {kiosks["id"]}
