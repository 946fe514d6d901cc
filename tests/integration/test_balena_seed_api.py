"""The balena SDK's capabilities the console had left out, and its behaviours, against the
stand-in: fleet rename/remove/pin/track, service variables, host OS updates, short uuids
as short as the seed shows, names, the move rule, force, timeouts, filter lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from console.backends.balena import BalenaClient
from console.errors import BadQuery, Conflict, NotFound
from console.profiles import audit
from console.sandbox.balena import hup
from console.sandbox.serve import ServerThread

TOKEN = "seed-api-token-81c2"
AUDIT_PROFILE = "balena-seed"


@pytest.fixture
def server(balena_server: ServerThread) -> ServerThread:
    return balena_server


@pytest.fixture
def store(server: ServerThread) -> Any:
    return server.app.state.balena.store


@pytest.fixture
def client(balena_client: BalenaClient) -> BalenaClient:
    return balena_client


def online(store: Any, prefix: str) -> dict[str, Any]:
    return next(
        d
        for d in store.rows("device")
        if d["device_name"].startswith(prefix) and d["is_online"] and not d.get("_locked")
    )


async def test_fleet_rename_gives_a_new_slug(client: BalenaClient) -> None:
    made = await client.fleets.create("rename me", "raspberrypi3", "acme")
    renamed = await client.fleets.rename(made.slug, "renamed fleet")
    assert (renamed.id, renamed.slug) == (made.id, "acme/renamed fleet")
    with pytest.raises(BadQuery, match="4 to 100"):
        await client.fleets.rename(made.id, "abc")


async def test_fleet_remove_takes_its_devices_and_releases(
    client: BalenaClient, store: Any
) -> None:
    fleet = await client.fleets.create("doomed fleet", "raspberrypi3", "acme")
    device = online(store, "sensor")
    [moved] = await client.devices.bulk("move", [device["id"]], fleet=fleet.id)
    assert moved.ok
    gone = await client.fleets.remove(fleet.slug)
    assert gone.device_count == 1
    assert store.get("device", device["id"]) is None
    with pytest.raises(NotFound):
        await client.fleets.get(fleet.id)


async def test_fleet_pin_then_track_latest(client: BalenaClient, store: Any) -> None:
    fleet = await client.fleets.get("acme/gateways")
    oldest = (await client.fleets.releases(fleet, only_success=True))[-1]
    pinned = await client.fleets.pin(fleet.slug, oldest.commit[:8])
    assert (pinned.target_release_id, pinned.track_latest) == (oldest.id, False)
    tracking = await client.fleets.track_latest(fleet.id)
    newest = (await client.fleets.releases(fleet, only_success=True))[0]
    assert (tracking.target_release_id, tracking.track_latest) == (newest.id, True)


async def test_fleet_and_device_service_variables(client: BalenaClient, store: Any) -> None:
    fleet_vars = await client.service_variables.list("fleet", "acme/gateways")
    assert [(v.service, v.name, v.value) for v in fleet_vars] == [("main", "MODE", "normal")]
    await client.service_variables.set("fleet", "acme/gateways", "agent", "VERBOSE", "1")
    await client.service_variables.set("fleet", "acme/gateways", "agent", "VERBOSE", "2")
    names = {(v.service, v.name, v.value) for v in await client.service_variables.list("fleet", 1)}
    assert ("agent", "VERBOSE", "2") in names
    device = await client.devices.get("gw-004", by_name=True)
    await client.service_variables.set("device", device.id, "main", "DEBUG", "yes")
    [var] = await client.service_variables.list("device", device.uuid[:7])
    assert (var.service, var.name, var.value) == ("main", "DEBUG", "yes")
    await client.service_variables.remove("device", device.id, "main", "DEBUG")
    assert await client.service_variables.list("device", device.id) == []
    with pytest.raises(NotFound, match="its services: agent, main"):
        await client.service_variables.set("fleet", 1, "nope", "A", "b")


async def test_host_os_versions_are_the_host_apps_valid_releases(client: BalenaClient) -> None:
    found = [r.raw_version for r in await client.host_os.versions("raspberrypi4-64")]
    assert found == ["6.1.4", "6.0.13", "5.3.21"]  # 6.2.0 is invalidated


async def test_host_os_update_checks_the_target_then_shows_progress(
    client: BalenaClient, store: Any
) -> None:
    row = next(
        d
        for d in store.rows("device")
        if d["device_name"].startswith("gw")
        and d["is_online"]
        and d["os_version"] == "balenaOS 5.3.21"
    )
    with pytest.raises(BadQuery, match=r"may update to: 6\.1\.4, 6\.0\.13"):
        await client.host_os.start(row["id"], "7.0.0")
    with pytest.raises(BadQuery, match="not newer"):
        await client.host_os.start(row["id"], "5.3.21")
    started = await client.host_os.start(row["id"], "6.1.4")
    assert started.os_update == "downloading 0%"
    hup.advance(store, row, lambda *_: None)
    assert (await client.devices.get(row["id"])).os_update == "downloading 25%"
    for _ in range(5):
        hup.advance(store, row, lambda *_: None)
    done = await client.devices.get(row["id"])
    assert (done.os_update, done.os_version) == (None, "balenaOS 6.1.4")


async def test_an_offline_device_is_not_updated(client: BalenaClient, store: Any) -> None:
    row = next(d for d in store.rows("device") if not d["is_online"])
    [result] = await client.devices.bulk("os-update", [row["id"]], version="6.1.4")
    assert not result.ok and "offline" in result.message
    assert row.get("should_be_operated_by__release") is None


async def test_fleet_short_uuid_as_short_as_the_seed_shows(
    client: BalenaClient, store: Any
) -> None:
    fleet = store.find("application", slug="acme/sensors")
    assert (await client.fleets.get(fleet["uuid"][:5])).id == fleet["id"]


async def test_an_ambiguous_short_fleet_uuid_names_the_matches(
    client: BalenaClient, store: Any
) -> None:
    first = store.find("application", slug="acme/gateways")
    store.update("application", store.find("application", slug="lab/kiosks"), {
        "uuid": first["uuid"][:5] + "0" * 27
    })  # fmt: skip
    with pytest.raises(Conflict, match=r"acme/gateways.*lab/kiosks"):
        await client.fleets.get(first["uuid"][:5])


async def test_a_device_by_unique_name_and_an_ambiguous_one(
    client: BalenaClient, store: Any
) -> None:
    row = store.find("device", device_name="kiosk-010")
    assert (await client.devices.get("kiosk-010", by_name=True)).id == row["id"]
    with pytest.raises(BadQuery):
        await client.devices.get("kiosk-010")  # actions never guess from a name
    twin = store.find("device", device_name="kiosk-011")
    store.update("device", twin, {"device_name": "kiosk-010"})
    with pytest.raises(Conflict, match=r"kiosk-010.*kiosk-010"):
        await client.devices.get("kiosk-010", by_name=True)


@pytest.mark.parametrize(
    ("device", "fleet_type", "ok"),
    [
        ("gw", "raspberrypi3", True),  # aarch64 into armv7hf
        ("gw", "raspberry-pi", True),  # aarch64 into rpi
        ("sensor", "raspberry-pi", True),  # armv7hf into rpi
        ("sensor", "raspberrypi4-64", False),  # armv7hf into aarch64
        ("kiosk", "raspberrypi3", False),  # amd64 into armv7hf
    ],
)
async def test_move_follows_the_sdk_architecture_rule(
    client: BalenaClient, store: Any, device: str, fleet_type: str, ok: bool
) -> None:
    target = await client.fleets.create(f"{device} to {fleet_type}", fleet_type, "lab")
    [result] = await client.devices.bulk("move", [online(store, device)["id"]], fleet=target.id)
    assert result.ok is ok, result.message


@pytest.mark.parametrize("action", ["restart", "purge", "blink"])
async def test_force_is_refused_where_the_api_has_none(client: BalenaClient, action: str) -> None:
    with pytest.raises(BadQuery, match=f"{action} has no force"):
        await client.devices.bulk(action, [1], force=True)


async def test_a_locked_restart_does_not_suggest_force(client: BalenaClient, store: Any) -> None:
    locked = next(d for d in store.rows("device") if d.get("_locked") and d["is_online"])
    [held] = await client.devices.bulk("restart", [locked["id"]])
    assert not held.ok and "no force for restart" in held.message


async def test_an_action_the_device_does_not_answer_in_time_is_not_confirmed(
    server: ServerThread, store: Any
) -> None:
    device = online(store, "gw-05")
    faults = server.app.state.balena.faults
    async with BalenaClient(server.url, TOKEN, timeout=5, action_timeout=0.2) as quick:
        faults.slow = 0.5
        try:
            [result] = await quick.devices.bulk("reboot", [device["id"]])
        finally:
            faults.slow = 0.0
    assert (result.ok, result.confirmed, result.status) == (False, False, "not confirmed")
    assert "not confirmed" in result.message and "0.2 s" in result.message


async def test_id_lists_and_quoted_commas_in_the_filter(client: BalenaClient, store: Any) -> None:
    page = await client.devices.list(text="id=3,5,8", top=10)
    assert sorted(d.id for d in page.devices) == [3, 5, 8]
    row = store.get("device", 9)
    store.update("device", row, {"note": "rack a,b"})
    assert [d.id for d in (await client.devices.list(text='note="rack a,b"')).devices] == [9]


async def test_a_thousand_terms_run_or_are_refused_clearly(
    client: BalenaClient, server: ServerThread
) -> None:
    ran = await client.devices.list(text=" ".join(f"id!={n}" for n in range(1, 601)))
    assert ran.total == 0  # every seeded device has an id under 600
    with pytest.raises(BadQuery, match="too long for the balena API") as refused:
        await client.devices.list(text=" ".join(f"id!={n}" for n in range(1, 1001)))
    assert "id=1,2,3" in refused.value.message
    listed = await client.devices.list(text="-id=" + ",".join(map(str, range(1, 1001))))
    assert listed.total == 0
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as raw:
        terms = " and ".join(f"(id ne {n})" for n in range(1, 700))
        assert raw.get(f"/v7/device/$count?$filter={terms}").json() == {"d": 0}


async def test_writes_are_audited(client: BalenaClient) -> None:
    await client.fleets.rename("acme/sensors", "sensor fleet")
    await client.fleets.rename("acme/sensor fleet", "sensors")
    actions = [e.action for e in audit.read("balena-seed")]
    assert actions.count("balena.rename-fleet") >= 2
    assert all(e.outcome == "ok" for e in audit.read("balena-seed") if "rename" in e.action)
