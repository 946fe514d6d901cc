"""`fleet=<uuid | short uuid>` in the device filter, through the client and the CLI."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import pytest

from console import profiles
from console.backends.balena import BalenaClient
from console.errors import Conflict, NotFound
from console.profiles import BalenaSettings, ProfileSettings
from console.sandbox.balena import writes
from console.sandbox.balena.app import create_app
from console.sandbox.serve import ServerThread

TOKEN = "filter-fleet-token-7e"
ENV = {"FC_TEST_FILTER_FLEET_TOKEN": TOKEN}
TWINS = "cd34ef56"
"""The uuid prefix two fleets made by ``server`` share."""


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(create_app(token=TOKEN, simulate=False)) as running:
        store = running.app.state.balena.store
        lab = store.find("organization", handle="lab")
        nuc = store.find("device_type", slug="intel-nuc")
        for name, tail in (("twin north", "a" * 24), ("twin south", "b" * 24)):
            body = {"app_name": name, "organization": lab["id"], "is_for__device_type": nuc["id"]}
            made = writes.create(store, "application", body)
            store.update("application", made, {"uuid": TWINS + tail})
        settings = ProfileSettings(
            balena=BalenaSettings(url=running.url, token_env="FC_TEST_FILTER_FLEET_TOKEN")
        )
        profiles.save_settings("filterfleet", settings)
        yield running


@pytest.fixture
async def client(server: ServerThread) -> AsyncIterator[BalenaClient]:
    async with BalenaClient(server.url, TOKEN, timeout=5) as balena:
        yield balena


def kiosks_uuid(server: ServerThread) -> str:
    fleet = server.app.state.balena.store.find("application", slug="lab/kiosks")
    uuid: str = fleet["uuid"]
    return uuid


def run(cli, *args: str):  # type: ignore[no-untyped-def]
    return cli("--profile", "filterfleet", *args, env=ENV)


async def test_uuid_and_short_uuid_match_the_fleet_the_slug_does(
    client: BalenaClient, server: ServerThread
) -> None:
    uuid = kiosks_uuid(server)
    by_slug = await client.devices.list(text="offline fleet=lab/kiosks", top=500)
    assert by_slug.total > 0
    for identifier in (uuid, uuid[:7], uuid[:7].upper()):
        page = await client.devices.list(text=f"offline fleet={identifier}", top=500)
        assert [d.id for d in page.devices] == [d.id for d in by_slug.devices], identifier
        assert page.total == by_slug.total


async def test_negated_short_uuid_leaves_the_other_fleets(
    client: BalenaClient, server: ServerThread
) -> None:
    page = await client.devices.list(text=f"-fleet={kiosks_uuid(server)[:8]}", top=1)
    assert page.total == 300 - 60


async def test_ambiguous_and_unknown_prefixes_are_refused(client: BalenaClient) -> None:
    with pytest.raises(Conflict) as caught:
        await client.devices.list(text=f"fleet={TWINS}")
    assert "lab/twin north" in caught.value.message and "lab/twin south" in caught.value.message
    twin = await client.devices.list(text=f"fleet={TWINS}b")
    assert twin.total == 0  # one fleet, no devices: resolved, not refused
    with pytest.raises(NotFound):
        await client.devices.list(text="fleet=fedcba9")


def test_cli_filter_by_short_uuid(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    short = kiosks_uuid(server)[:7]
    out = run(cli, "devices", "list", "--filter", f"fleet={short} online", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows and all(r["is_online"] and r["fleet_slug"] == "lab/kiosks" for r in rows)
    selected = run(
        cli, "devices", "list", "--filter", f"fleet={short}", "--select", "device_name", "--json"
    )
    assert selected.returncode == 0, selected.stderr
    names = [r["device_name"] for r in json.loads(selected.stdout)]
    assert len(names) == 60 and all(n.startswith("kiosk-") for n in names)


def test_cli_ambiguous_prefix_names_both_fleets(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    out = run(cli, "devices", "list", "--filter", f"fleet={TWINS[:7]}")
    assert out.returncode == 1
    assert "ambiguous" in out.stderr and "Traceback" not in out.stderr
    assert "lab/twin north" in out.stderr and "lab/twin south" in out.stderr
    unknown = run(cli, "devices", "list", "--filter", "fleet=fedcba9")
    assert unknown.returncode == 1 and "no fleet matches 'fedcba9'" in unknown.stderr


def test_cli_select_of_a_field_the_api_lacks_is_bad_usage(cli, server: ServerThread) -> None:  # type: ignore[no-untyped-def]
    out = run(cli, "devices", "list", "--select", "device_name,nosuch,is_online", "--limit", "2")
    assert out.returncode == 2, out.stderr
    assert "no device field 'nosuch'" in out.stderr and "Traceback" not in out.stderr
    assert "'device_name'" not in out.stderr  # only the field the API lacks is named


def test_cli_select_on_an_api_that_is_down_is_not_blamed_on_the_fields(cli) -> None:  # type: ignore[no-untyped-def]
    with ServerThread(create_app(token=TOKEN, simulate=False)) as running:
        settings = ProfileSettings(
            balena=BalenaSettings(url=running.url, token_env="FC_TEST_FILTER_FLEET_TOKEN")
        )
        profiles.save_settings("filterfleet-down", settings)
    out = cli("--profile", "filterfleet-down", "devices", "list", "--select", "id", env=ENV)
    assert out.returncode == 1 and "no device field" not in out.stderr
