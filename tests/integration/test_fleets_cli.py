"""`fleet-console fleets …` and `devices …` in a subprocess against the stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from console import profiles
from console.profiles import BalenaSettings, ProfileSettings
from console.sandbox.balena import writes
from console.sandbox.balena.app import create_app
from console.sandbox.serve import ServerThread

TOKEN = "cli-token-5c1d2e"
ENV = {"FC_TEST_BALENA_TOKEN": TOKEN}


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(create_app(token=TOKEN, simulate=False)) as running:
        settings = ProfileSettings(
            balena=BalenaSettings(url=running.url, token_env="FC_TEST_BALENA_TOKEN")
        )
        profiles.save_settings("fleetcli", settings)
        yield running


def run(cli, *args: str, env: dict[str, str] | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
    return cli("--profile", "fleetcli", *args, env=env or ENV, input=input)


def test_fleets_list_json_has_counts(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    out = run(cli, "fleets", "list", "--json")
    assert out.returncode == 0, out.stderr
    fleets = {f["slug"]: f for f in json.loads(out.stdout)}
    assert fleets["acme/gateways"]["device_count"] == 150
    assert 0 < fleets["acme/gateways"]["online_count"] < 150


def test_fleets_show_has_the_counts_list_gives(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    listed = {f["slug"]: f for f in json.loads(run(cli, "fleets", "list", "--json").stdout)}
    out = run(cli, "fleets", "show", "lab/kiosks", "--json")
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert shown["device_count"] == listed["lab/kiosks"]["device_count"] == 60
    assert shown["online_count"] == listed["lab/kiosks"]["online_count"]


def test_devices_list_filter_and_select(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    out = run(
        cli,
        "devices",
        "list",
        "--fleet",
        "lab/kiosks",
        "--filter",
        "online",
        "--select",
        "device_name,is_online",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows and all(
        r["is_online"] is True and r["device_name"].startswith("kiosk") for r in rows
    )
    assert set(rows[0]) == {"device_name", "is_online"}


def test_devices_list_table(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    out = run(cli, "devices", "list", "--filter", "name^sensor-00", "--sort", "name", "--desc")
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "SHORT_UUID", "NAME"]
    assert [line.split()[2] for line in lines[1:]] == [f"sensor-00{i}" for i in range(9, -1, -1)]


def test_devices_show_by_short_uuid(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    device = server.app.state.balena.store.get("device", 3)
    out = run(cli, "devices", "show", device["uuid"][:7], "--json")
    data = json.loads(out.stdout)
    assert data["id"] == 3 and "location" in data["tags"]
    assert {s["name"] for s in data["services"]} == {"main", "agent"}


def test_restart_many_reports_each_and_exits_1_on_failure(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    store = server.app.state.balena.store
    online = next(d for d in store.rows("device") if d["is_online"] and not d.get("_locked"))
    out = run(cli, "devices", "restart", online["uuid"][:7], "fffffff0", "--json", "--yes")
    results = json.loads(out.stdout)
    assert out.returncode == 1
    assert [r["ok"] for r in results] == [True, False]


def test_reboot_asks_first_and_no_means_nothing_sent(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    store = server.app.state.balena.store
    online = next(d for d in store.rows("device") if d["is_online"] and not d.get("_locked"))
    out = run(cli, "devices", "reboot", str(online["id"]), input="n\n")
    assert out.returncode == 1 and "Nothing was changed" in out.stderr
    assert f"Reboot 1 device: {online['device_name']} ({online['uuid'][:7]})?" in out.stderr
    assert store.get("device", online["id"])["is_online"] is True


def test_pin_by_commit(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    store = server.app.state.balena.store
    release = next(
        r
        for r in store.rows("release")
        if r["belongs_to__application"] == 3 and r["status"] == "success"
    )
    device = next(d for d in store.rows("device") if d["belongs_to__application"] == 3)
    out = run(cli, "devices", "pin", str(device["id"]), "--release", release["commit"])
    assert out.returncode == 0, out.stdout + out.stderr
    assert store.get("device", device["id"])["is_pinned_on__release"] == release["id"]


def test_wrong_token_is_exit_1_and_never_printed(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    secret = "not-the-right-token-9911"
    out = run(cli, "fleets", "list", env={"FC_TEST_BALENA_TOKEN": secret})
    assert out.returncode == 1
    assert "token" in out.stderr and "Traceback" not in out.stderr
    assert secret not in out.stdout + out.stderr


def test_bad_filter_is_a_clear_message(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    out = run(cli, "devices", "list", "--filter", "colour=red")
    assert out.returncode == 2 and "unknown field 'colour'" in out.stderr


def reachable(server: ServerThread, prefix: str, count: int) -> list[dict[str, Any]]:
    """Devices named ``prefix…`` the supervisor proxy reaches: VPN up, no update lock."""
    found = [
        d
        for d in server.app.state.balena.store.rows("device")
        if d["device_name"].startswith(prefix) and d["is_connected_to_vpn"] and not d.get("_locked")
    ]
    assert len(found) >= count, f"the seed has too few reachable {prefix}* devices"
    return found[:count]


def log_messages(server: ServerThread, uuid: str) -> list[str]:
    lines = server.app.state.balena.hub.history(uuid, start_ms=0, count=None)
    return [json.loads(data)["message"] for _, data in lines]


def test_fleet_by_short_uuid(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    sensors = server.app.state.balena.store.find("application", slug="acme/sensors")
    out = run(cli, "fleets", "show", sensors["uuid"][:7], "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["slug"] == "acme/sensors"
    listed = run(
        cli,
        "devices",
        "list",
        "--fleet",
        sensors["uuid"][:9].upper(),
        "--select",
        "belongs_to__application",
        "--limit",
        "1000",
        "--json",
    )
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 90 and {r["belongs_to__application"]["__id"] for r in rows} == {
        sensors["id"]
    }


def test_ambiguous_fleet_short_uuid_names_both(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    store = server.app.state.balena.store
    lab = store.find("organization", handle="lab")
    nuc = store.find("device_type", slug="intel-nuc")
    for name, tail in (("twin north", "a" * 24), ("twin south", "b" * 24)):
        body = {"app_name": name, "organization": lab["id"], "is_for__device_type": nuc["id"]}
        made = writes.create(store, "application", body)
        store.update("application", made, {"uuid": "cd34ef56" + tail})
    out = run(cli, "fleets", "show", "cd34ef5")
    assert out.returncode == 1
    assert "lab/twin north" in out.stderr and "lab/twin south" in out.stderr
    assert "ambiguous" in out.stderr and "Traceback" not in out.stderr
    exact = run(cli, "fleets", "show", "cd34ef56b", "--json")
    assert exact.returncode == 0, exact.stderr
    assert json.loads(exact.stdout)["slug"] == "lab/twin south"


def test_blink_many_by_any_identifier(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    first, second = reachable(server, "kiosk-01", 2)
    out = run(cli, "devices", "blink", first["uuid"][:7], str(second["id"]), "--json")
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    assert [(r["ok"], r["message"]) for r in results] == [(True, "blinking")] * 2
    for device in (first, second):
        assert "Blinking the identification LED" in log_messages(server, device["uuid"])


def test_shutdown_asks_then_takes_the_device_offline(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    [device] = reachable(server, "kiosk-02", 1)
    store = server.app.state.balena.store
    declined = run(cli, "devices", "shutdown", device["uuid"], input="n\n")
    assert declined.returncode == 1 and "Shutdown 1 device: " in declined.stderr
    assert store.get("device", device["id"])["is_online"] is True
    out = run(cli, "devices", "shutdown", device["uuid"], "--yes", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["message"] == "shutdown requested"
    assert store.get("device", device["id"])["is_online"] is False
    assert "Shutting down" in log_messages(server, device["uuid"])


def test_purge_is_acknowledged(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    [device] = reachable(server, "kiosk-03", 1)
    out = run(cli, "devices", "purge", device["uuid"][:8], "--yes")
    assert out.returncode == 0, out.stderr
    assert "data purge requested" in out.stdout
    assert "Purging /data" in log_messages(server, device["uuid"])
    assert server.app.state.balena.store.get("device", device["id"])["is_online"] is True


@pytest.mark.parametrize(
    ("group", "identifier"), [("fleets", "lab/kiosks"), ("devices", "kiosk-007")]
)
def test_tags_and_variables_set_then_removed(
    cli, server: ServerThread, group: str, identifier: str
) -> None:  # type: ignore[no-untyped-def]
    if group == "devices":  # a device is named by id or uuid: find the kiosk's short uuid
        listed = json.loads(
            run(cli, "devices", "list", "--filter", "name=kiosk-007", "--json").stdout
        )
        identifier = listed[0]["short_uuid"]

    def shown() -> dict[str, Any]:
        out = run(cli, group, "show", identifier, "--json")
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    for args in (
        # devices tag many at once, so the tag is named by options there
        ("tag", identifier, "--key", "rack", "--value", "B7")
        if group == "devices"
        else ("tag", identifier, "rack", "B7"),
        ("set-var", identifier, "LOG_LEVEL", "debug"),
        ("set-var", identifier, "BALENA_HOST_CONFIG_gpu_mem", "128", "--config"),
    ):
        out = run(cli, group, *args)
        assert out.returncode == 0, out.stderr
    data = shown()
    assert data["tags"]["rack"] == "B7"
    assert data["env"]["LOG_LEVEL"] == "debug"
    assert data["config"]["BALENA_HOST_CONFIG_gpu_mem"] == "128"

    for args in (
        ("untag", identifier, "rack"),
        ("unset-var", identifier, "LOG_LEVEL"),
        ("unset-var", identifier, "BALENA_HOST_CONFIG_gpu_mem", "--config"),
    ):
        out = run(cli, group, *args)
        assert out.returncode == 0, out.stderr
    data = shown()
    assert "rack" not in data["tags"]
    assert "LOG_LEVEL" not in data["env"]
    assert "BALENA_HOST_CONFIG_gpu_mem" not in data["config"]
