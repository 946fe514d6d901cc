"""The balena CLI twins of the SDK calls added for the seed, in a subprocess: fleets rename,
remove, pin, track; service variables; host OS update; show by name (bad usage: unit tests)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from console import profiles
from console.profiles import BalenaSettings, ProfileSettings
from console.sandbox.serve import ServerThread

TOKEN = "cli-seed-token-77aa"
ENV = {"FC_SEED_BALENA_TOKEN": TOKEN}


@pytest.fixture(scope="module")
def server(balena_server: ServerThread) -> ServerThread:
    settings = ProfileSettings(
        balena=BalenaSettings(url=balena_server.url, token_env="FC_SEED_BALENA_TOKEN")
    )
    profiles.save_settings("fleetseed", settings)
    return balena_server


@pytest.fixture
def store(server: ServerThread) -> Any:
    return server.app.state.balena.store


def run(cli: Any, *args: str, input: str | None = None) -> Any:
    return cli("--profile", "fleetseed", *args, env=ENV, input=input)


def test_rename_then_remove_asks_for_the_name(cli: Any, store: Any) -> None:
    made = run(cli, "fleets", "create", "temp fleet", "--type", "rpi3", "--org", "lab", "--json")
    assert made.returncode == 0, made.stderr
    renamed = run(cli, "fleets", "rename", "lab/temp fleet", "spare fleet")
    assert renamed.returncode == 0 and "lab/spare fleet" in renamed.stdout
    wrong = run(cli, "fleets", "remove", "lab/spare fleet", input="spare\n")
    assert wrong.returncode == 1 and "nothing was removed" in wrong.stderr
    assert store.find("application", slug="lab/spare fleet") is not None
    gone = run(cli, "fleets", "remove", "lab/spare fleet", input="spare fleet\n")
    assert gone.returncode == 0 and "removed" in gone.stdout
    assert store.find("application", slug="lab/spare fleet") is None


def test_pin_a_fleet_then_track_the_latest(cli: Any, store: Any) -> None:
    fleet = store.find("application", slug="lab/kiosks")
    first = min(
        (r for r in store.rows("release") if r["belongs_to__application"] == fleet["id"]),
        key=lambda r: r["created_at"],
    )
    pinned = run(cli, "fleets", "pin", "lab/kiosks", "--release", first["commit"][:9], "--json")
    assert json.loads(pinned.stdout)["target_release_id"] == first["id"]
    assert fleet["should_track_latest_release"] is False
    tracked = run(cli, "fleets", "track", "lab/kiosks")
    assert tracked.returncode == 0 and fleet["should_track_latest_release"] is True


def test_service_variables_of_a_fleet_and_a_device(cli: Any, store: Any) -> None:
    assert (
        run(cli, "fleets", "set-var", "acme/sensors", "LEVEL", "3", "--service", "agent").returncode
        == 0
    )
    rows = json.loads(run(cli, "fleets", "vars", "acme/sensors", "--json").stdout)
    assert {"kind": "service", "service": "agent", "name": "LEVEL", "value": "3"} in [
        {k: r[k] for k in ("kind", "service", "name", "value")} for r in rows
    ]
    assert (
        run(cli, "devices", "set-var", "sensor-002", "X", "1", "--service", "main").returncode == 2
    )  # a name is not an id: bad usage
    device = store.find("device", device_name="sensor-002")
    ok = run(cli, "devices", "set-var", device["uuid"][:7], "X", "1", "--service", "main")
    assert ok.returncode == 0, ok.stderr
    gone = run(cli, "devices", "unset-var", device["uuid"][:7], "X", "--service", "main")
    assert gone.returncode == 0


def test_show_by_a_unique_name(cli: Any, store: Any) -> None:
    out = run(cli, "devices", "show", "kiosk-003", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["uuid"] == store.find("device", device_name="kiosk-003")["uuid"]


def test_os_versions_and_update(cli: Any, store: Any) -> None:
    row = next(
        d
        for d in store.rows("device")
        if d["device_name"].startswith("kiosk") and d["is_online"] and "5.3" in d["os_version"]
    )
    versions = json.loads(run(cli, "devices", "os-versions", str(row["id"]), "--json").stdout)
    assert [(v["version"], v["newer"]) for v in versions] == [
        ("6.1.4", True),
        ("6.0.13", True),
        ("5.3.21", False),
    ]
    refused = run(cli, "devices", "os-update", str(row["id"]), "--version", "9.9.9", "--yes")
    assert refused.returncode == 1 and "6.1.4" in refused.stdout
    started = run(
        cli, "devices", "os-update", str(row["id"]), "--version", "6.0.13", "--yes", "--json"
    )
    assert started.returncode == 0, started.stdout + started.stderr
    assert json.loads(started.stdout)[0]["status"] == "ok"
    assert row["provisioning_state"].startswith("Host OS update")
