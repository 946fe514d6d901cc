"""The balena client against the stand-in over loopback: lookups, lists, edits, actions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from console.backends.balena import BalenaClient
from console.backends.balena.logs import DeviceLogs
from console.errors import AuthError, BadQuery, Conflict, NotFound, ReadOnlyRefused
from console.sandbox.serve import ServerThread
from tests.conftest import BALENA_TOKEN

TOKEN = BALENA_TOKEN


def raw(balena_server: ServerThread) -> httpx.Client:
    return httpx.Client(base_url=balena_server.url, headers={"Authorization": f"Bearer {TOKEN}"})


def reachable(balena_server: ServerThread, prefix: str, count: int) -> list[dict[str, Any]]:
    """Devices named ``prefix…`` the supervisor proxy reaches: online, VPN up, no update lock."""
    found = [
        d
        for d in balena_server.app.state.balena.store.rows("device")
        if d["device_name"].startswith(prefix)
        and d["is_connected_to_vpn"]
        and not d.get("_locked")
        and not d.get("is_frozen")
    ]
    assert len(found) >= count, f"the seed has too few reachable {prefix}* devices"
    return found[:count]


async def system_messages(balena_client: BalenaClient, uuid: str) -> list[str]:
    """The supervisor's lines in a device's log, read back over the logs API."""
    return [
        line.message for line in await DeviceLogs(balena_client).history(uuid) if line.is_system
    ]


async def test_first_page_is_sorted_and_counted(balena_client: BalenaClient) -> None:
    page = await balena_client.devices.list(top=10)
    names = [d.name for d in page.devices]
    assert page.total == 300
    assert names == sorted(names)
    assert len(names) == 10


async def test_descending_sort_and_paging_do_not_overlap(balena_client: BalenaClient) -> None:
    first = await balena_client.devices.list(sort="seen", descending=True, top=20)
    second = await balena_client.devices.list(sort="seen", descending=True, top=20, skip=20)
    seen = [d.last_seen for d in first.devices + second.devices]
    assert seen == sorted(seen, reverse=True)
    assert not {d.id for d in first.devices} & {d.id for d in second.devices}


async def test_filter_text_runs_on_the_server(balena_client: BalenaClient) -> None:
    page = await balena_client.devices.list(text="offline name~SENSOR", top=500)
    assert page.total == len(page.devices) > 0
    assert all(not d.is_online and "sensor" in d.name for d in page.devices)


async def test_fleet_filter_by_slug_matches_fleet_id(balena_client: BalenaClient) -> None:
    fleet = await balena_client.fleets.get("acme/sensors")
    by_slug = await balena_client.devices.list(text="fleet=acme/sensors", top=1)
    by_id = await balena_client.devices.list(fleet_id=fleet.id, top=1)
    assert by_slug.total == by_id.total > 0


async def test_device_by_id_uuid_and_short_uuid(balena_client: BalenaClient) -> None:
    device = (await balena_client.devices.list(top=1)).devices[0]
    for identifier in (
        device.id,
        str(device.id),
        device.uuid,
        device.uuid[:7],
        device.uuid.upper(),
    ):
        assert (await balena_client.resolve_device(identifier)).id == device.id


async def test_ambiguous_short_uuid_names_both(
    balena_client: BalenaClient, balena_server: ServerThread
) -> None:
    with raw(balena_server) as http:
        for tail in ("a" * 24, "b" * 24):
            body = {
                "uuid": "abcdef12" + tail,
                "belongs_to__application": 1,
                "is_of__device_type": 1,
            }
            assert http.post("/v7/device", json=body).status_code == 201
    with pytest.raises(Conflict) as caught:
        await balena_client.resolve_device("abcdef1")
    assert "abcdef12aa" in caught.value.message and "abcdef12bb" in caught.value.message
    assert (await balena_client.resolve_device("abcdef12b")).uuid.endswith("b" * 24)


@pytest.mark.parametrize("identifier", ["fffffff", 999999, "0" * 32])
async def test_unknown_device_is_not_found(balena_client: BalenaClient, identifier: object) -> None:
    with pytest.raises(NotFound):
        await balena_client.resolve_device(identifier)  # type: ignore[arg-type]


async def test_junk_identifier_is_a_bad_query(balena_client: BalenaClient) -> None:
    with pytest.raises(BadQuery):
        await balena_client.resolve_device("gw 01; drop")


async def test_fleets_have_device_and_online_counts(balena_client: BalenaClient) -> None:
    fleets = {f.slug: f for f in await balena_client.fleets.list()}
    assert set(fleets) >= {"acme/gateways", "acme/sensors", "lab/kiosks"}
    gateways = fleets["acme/gateways"]
    online = await balena_client.devices.count(
        {"belongs_to__application": gateways.id, "is_online": True}
    )
    assert gateways.online_count == online
    assert gateways.device_count == await balena_client.devices.count(
        {"belongs_to__application": gateways.id}
    )


async def test_fleet_by_slug_uuid_and_id(balena_client: BalenaClient) -> None:
    fleet = await balena_client.fleets.get("ACME/Gateways")
    assert (await balena_client.fleets.get(fleet.uuid)).id == fleet.id
    assert (await balena_client.fleets.get(fleet.id)).slug == "acme/gateways"


async def test_fleet_by_short_uuid(balena_client: BalenaClient) -> None:
    fleet = await balena_client.fleets.get("acme/sensors")
    assert (await balena_client.fleets.get(fleet.uuid[:7])).id == fleet.id
    assert (await balena_client.resolve_fleet(fleet.uuid[:12].upper())).slug == "acme/sensors"
    with pytest.raises(NotFound):
        await balena_client.resolve_fleet("fedcba9")


async def test_ambiguous_fleet_short_uuid_names_both(
    balena_client: BalenaClient, balena_server: ServerThread
) -> None:
    store = balena_server.app.state.balena.store
    for name, tail in (("twin east", "e" * 24), ("twin west", "f" * 24)):
        made = await balena_client.fleets.create(name, "rpi4", "lab")
        store.update("application", store.get("application", made.id), {"uuid": "ab12cd34" + tail})
    with pytest.raises(Conflict) as caught:
        await balena_client.resolve_fleet("ab12cd3")
    message = caught.value.message
    assert "lab/twin east" in message and "lab/twin west" in message and "ambiguous" in message
    assert (await balena_client.resolve_fleet("ab12cd34f")).slug == "lab/twin west"
    assert (await balena_client.resolve_fleet("ab12cd34" + "e" * 24)).slug == "lab/twin east"


async def test_create_fleet_resolves_type_alias_and_org(balena_client: BalenaClient) -> None:
    fleet = await balena_client.fleets.create("Edge Blocks", "rpi4", "lab", "block")
    assert (fleet.slug, fleet.fleet_class, fleet.device_type) == (
        "lab/edge blocks",
        "block",
        "raspberrypi4-64",
    )
    with pytest.raises(Conflict):
        await balena_client.fleets.create("edge blocks", "rpi4", "lab")
    with pytest.raises(BadQuery):
        await balena_client.fleets.create("ab", "rpi4", "lab")
    with pytest.raises(NotFound):
        await balena_client.fleets.create("valid name", "toaster", "lab")


async def test_releases_newest_first(balena_client: BalenaClient) -> None:
    releases = await balena_client.fleets.releases("acme/gateways")
    assert [r.created_at for r in releases] == sorted(
        (r.created_at for r in releases), reverse=True
    )
    assert {r.status for r in releases} >= {"success", "failed"}


async def test_rename_then_read_back(balena_client: BalenaClient) -> None:
    device = (await balena_client.devices.list(text="name=gw-010", top=1)).devices[0]
    renamed = await balena_client.devices.rename(device.uuid[:8], "gw-010 lab bench")
    assert renamed.name == "gw-010 lab bench"
    with pytest.raises(BadQuery):
        await balena_client.devices.rename(device.id, "two\nlines")


async def test_pin_by_commit_then_track(balena_client: BalenaClient) -> None:
    device = (await balena_client.devices.list(text="name=gw-011", top=1)).devices[0]
    oldest = (await balena_client.fleets.releases(device.fleet_id, only_success=True))[-1]
    [pinned] = await balena_client.devices.bulk("pin", [device.uuid], release=oldest.commit[:10])
    assert (
        pinned.ok
        and pinned.device
        and pinned.device.pinned
        and pinned.device.pinned.id == oldest.id
    )
    [tracked] = await balena_client.devices.bulk("track", [device.id])
    assert tracked.ok and tracked.device and tracked.device.pinned is None


async def test_pin_to_a_failed_release_is_refused(balena_client: BalenaClient) -> None:
    device = (await balena_client.devices.list(text="name=gw-012", top=1)).devices[0]
    failed = next(
        r for r in await balena_client.fleets.releases(device.fleet_id) if r.status == "failed"
    )
    [result] = await balena_client.devices.bulk("pin", [device.id], release=failed.commit)
    assert not result.ok and "no successful release" in result.message


async def test_move_clears_pin_and_checks_architecture(balena_client: BalenaClient) -> None:
    gw = (await balena_client.devices.list(text="name=gw-013", top=1)).devices[0]
    nano_fleet = await balena_client.fleets.create("nano spares", "jetson-nano", "acme")
    await balena_client.devices.bulk(
        "pin", [gw.id], release=(await balena_client.fleets.releases(gw.fleet_id))[0].commit
    )
    [moved] = await balena_client.devices.bulk("move", [gw.id], fleet=nano_fleet.slug)
    assert moved.ok and moved.device and moved.device.fleet_id == nano_fleet.id
    assert moved.device.pinned is None
    kiosk = (await balena_client.devices.list(text="name=kiosk-001", top=1)).devices[0]
    [refused] = await balena_client.devices.bulk("move", [kiosk.id], fleet=nano_fleet.id)
    assert not refused.ok and "architecture" in refused.message


async def test_bulk_restart_reports_each_device(balena_client: BalenaClient) -> None:
    online = (await balena_client.devices.list(text="online name~sensor", top=2)).devices
    offline = (await balena_client.devices.list(text="offline name~sensor", top=1)).devices
    targets = [d.uuid[:7] for d in online] + [offline[0].id, "deadbee"]
    results = await balena_client.devices.bulk("restart", targets)
    assert [r.target for r in results] == [str(t) for t in targets]
    assert [r.ok for r in results] == [True, True, False, False]
    assert "offline" in results[2].message
    assert "no device" in results[3].message


async def test_update_lock_is_reported_and_force_overrides(
    balena_client: BalenaClient, balena_server: ServerThread
) -> None:
    state = balena_server.app.state.balena
    locked = next(d for d in state.store.rows("device") if d.get("_locked") and d["is_online"])
    [held] = await balena_client.devices.bulk("reboot", [locked["id"]])
    assert not held.ok and "lock" in held.message
    [forced] = await balena_client.devices.bulk("reboot", [locked["id"]], force=True)
    assert forced.ok


async def test_blink_reaches_each_device(
    balena_client: BalenaClient, balena_server: ServerThread
) -> None:
    first, second = reachable(balena_server, "gw-02", 2)
    results = await balena_client.devices.bulk("blink", [first["uuid"][:7], second["id"]])
    assert [(r.ok, r.message) for r in results] == [(True, "blinking")] * 2
    for device in (first, second):
        assert "Blinking the identification LED" in await system_messages(
            balena_client, device["uuid"]
        )


async def test_shutdown_takes_devices_offline(
    balena_client: BalenaClient, balena_server: ServerThread
) -> None:
    first, second = reachable(balena_server, "gw-03", 2)
    results = await balena_client.devices.bulk("shutdown", [first["uuid"], str(second["id"])])
    assert [(r.ok, r.message) for r in results] == [(True, "shutdown requested")] * 2
    after = await balena_client.devices.by_ids([first["id"], second["id"]])
    assert [(d.is_online, d.heartbeat) for d in after] == [(False, "offline")] * 2
    assert "Shutting down" in await system_messages(balena_client, first["uuid"])
    [again] = await balena_client.devices.bulk("shutdown", [first["id"]])
    assert not again.ok and "offline" in again.message


async def test_purge_is_acknowledged_and_the_device_stays_up(
    balena_client: BalenaClient, balena_server: ServerThread
) -> None:
    [device] = reachable(balena_server, "gw-04", 1)
    [result] = await balena_client.devices.bulk("purge", [device["uuid"][:8]])
    assert result.ok and result.message == "data purge requested"
    assert "Purging /data" in await system_messages(balena_client, device["uuid"])
    assert (await balena_client.resolve_device(device["id"])).is_online


async def test_deactivate_many_confirms_each(balena_client: BalenaClient) -> None:
    devices = (await balena_client.devices.list(text="name^kiosk-04", top=3)).devices
    results = await balena_client.devices.bulk("deactivate", [d.id for d in devices])
    assert all(r.ok for r in results) and len(results) == 3
    again = await balena_client.devices.by_ids([d.id for d in devices])
    assert {d.is_active for d in again} == {False}
    assert {d.status for d in again} == {"inactive"}


async def test_device_tags_upsert_list_remove(balena_client: BalenaClient) -> None:
    device = (await balena_client.devices.list(text="name=sensor-005", top=1)).devices[0]
    await balena_client.tags.set("device", device.uuid, "owner", "o'brien & co")
    await balena_client.tags.set("device", device.uuid, "owner", "lab team")
    tags = {t.key: t.value for t in await balena_client.tags.list("device", device.id)}
    assert tags["owner"] == "lab team"
    await balena_client.tags.remove("device", device.id, "owner")
    assert "owner" not in {t.key for t in await balena_client.tags.list("device", device.id)}


async def test_fleet_variables_env_and_config(balena_client: BalenaClient) -> None:
    await balena_client.variables.set(
        "fleet", "acme/sensors", "API URL".replace(" ", "_"), "https://x/?a=1&b=2"
    )
    await balena_client.variables.set(
        "fleet", "acme/sensors", "BALENA_HOST_CONFIG_gpu_mem", "64", "config"
    )
    env = {v.name: v.value for v in await balena_client.variables.list("fleet", "acme/sensors")}
    config = {
        v.name: v.value
        for v in await balena_client.variables.list("fleet", "acme/sensors", "config")
    }
    assert env["API_URL"] == "https://x/?a=1&b=2"
    assert config["BALENA_HOST_CONFIG_gpu_mem"] == "64"
    with pytest.raises(BadQuery):
        await balena_client.variables.set("fleet", "acme/sensors", "NOT_BALENA", "1", "config")
    await balena_client.variables.remove("fleet", "acme/sensors", "API_URL")
    assert "API_URL" not in {
        v.name for v in await balena_client.variables.list("fleet", "acme/sensors")
    }


async def test_device_env_and_config_variables(balena_client: BalenaClient) -> None:
    device = (await balena_client.devices.list(text="name=sensor-006", top=1)).devices[0]

    async def listed(var_kind: str) -> list[tuple[str, str]]:
        found = await balena_client.variables.list("device", device.uuid, var_kind)
        return [(v.name, v.value) for v in found if v.name in ("LOG_LEVEL", "BALENA_GPU")]

    await balena_client.variables.set("device", device.uuid[:7], "LOG_LEVEL", "debug")
    await balena_client.variables.set("device", device.uuid[:7], "LOG_LEVEL", "info & more")
    await balena_client.variables.set("device", device.id, "BALENA_GPU", "128", "config")
    assert await listed("env") == [("LOG_LEVEL", "info & more")]
    assert await listed("config") == [("BALENA_GPU", "128")]
    await balena_client.variables.remove("device", device.id, "LOG_LEVEL")
    assert await listed("env") == []
    assert await listed("config") == [("BALENA_GPU", "128")]
    await balena_client.variables.remove("device", device.id, "BALENA_GPU", "config")
    assert await listed("config") == []


async def test_fleet_tags_upsert_list_remove(balena_client: BalenaClient) -> None:
    fleet = await balena_client.fleets.get("lab/kiosks")
    await balena_client.tags.set("fleet", "lab/kiosks", "region", "eu west")
    await balena_client.tags.set("fleet", fleet.uuid[:7], "region", "eu-central")
    tags = await balena_client.tags.list("fleet", fleet.id)
    assert [(t.key, t.value) for t in tags if t.key == "region"] == [("region", "eu-central")]
    device = (await balena_client.devices.list(fleet_id=fleet.id, top=1)).devices[0]
    assert "region" not in {t.key for t in await balena_client.tags.list("device", device.id)}
    await balena_client.tags.remove("fleet", fleet, "region")
    assert "region" not in {t.key for t in await balena_client.tags.list("fleet", "lab/kiosks")}


async def test_device_services(balena_client: BalenaClient) -> None:
    device = (await balena_client.devices.list(text="name=gw-001", top=1)).devices[0]
    services = await balena_client.devices.services(device.id)
    assert sorted(s.name for s in services) == ["agent", "main"]
    assert all(s.release for s in services)


async def test_wrong_token_is_a_clear_message_without_the_token(
    balena_server: ServerThread,
) -> None:
    secret = "wrong-token-that-must-not-leak"
    async with BalenaClient(balena_server.url, secret, profile="staging") as bad:
        with pytest.raises(AuthError) as caught:
            await bad.devices.list(top=1)
    text = str(caught.value)
    assert secret not in text and "token" in text and "refused" in text


async def test_read_only_profile_refuses_before_sending(balena_server: ServerThread) -> None:
    async with BalenaClient(balena_server.url, TOKEN, read_only=True, profile="prod") as ro:
        device = (await ro.devices.list(top=1)).devices[0]
        version = balena_server.app.state.balena.store.version
        with pytest.raises(ReadOnlyRefused):
            await ro.devices.rename(device.id, "nope")
        with pytest.raises(ReadOnlyRefused):
            await ro.devices.bulk("reboot", [device.id])
        assert balena_server.app.state.balena.store.version == version
