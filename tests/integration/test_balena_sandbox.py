"""The balena stand-in speaks the API's envelopes and errors (protocol §7, §8, §12, §16)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.sandbox.balena.app import STAND_IN
from console.sandbox.balena.simulator import FleetSimulator
from console.sandbox.registry import STAND_IN_MODULES, StandInContext
from console.sandbox.serve import ServerThread

TOKEN = "stand-in-token-42"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    context = StandInContext(
        profile="t",
        data_dir=Path(tmp_path_factory.mktemp("balena")),
        credentials={"token": TOKEN},
        options={"devices": 60, "log_rate": 0, "simulate": False},
    )
    with ServerThread(STAND_IN.build(context)) as running:
        yield running


@pytest.fixture
def http(server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def test_registered_for_sandbox_start() -> None:
    assert "console.sandbox.balena.app" in STAND_IN_MODULES
    assert (STAND_IN.section, STAND_IN.credentials) == ("balena", ("token",))
    assert STAND_IN.endpoint(["http://127.0.0.1:1"]) == {"url": "http://127.0.0.1:1"}


def test_devices_option_seeds_that_many(http: httpx.Client) -> None:
    assert http.get("/v7/device/$count").json() == {"d": 60}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}])
def test_token_required(server: ServerThread, headers: dict[str, str]) -> None:
    response = httpx.get(f"{server.url}/v7/application", headers=headers)
    assert response.status_code == 401 and response.content == b""


def test_keyed_miss_is_200_empty_and_links_are_ids(http: httpx.Client) -> None:
    assert http.get("/v7/device(999999)").json() == {"d": []}
    row = http.get("/v7/device(1)?$select=id,belongs_to__application").json()["d"][0]
    assert row == {"id": 1, "belongs_to__application": {"__id": 1}}
    assert http.get("/v7/device(1)").headers["cache-control"] == "no-cache"


def test_parameter_aliases_in_filters_and_keys(http: httpx.Client) -> None:
    name = http.get("/v7/device(3)?$select=device_name").json()["d"][0]["device_name"]
    found = http.get(f"/v7/device?$select=id&$filter=device_name eq @n&@n='{name}'").json()
    assert found == {"d": [{"id": 3}]}
    assert http.get("/v7/device(@id)?$select=id&@id=3").json() == {"d": [{"id": 3}]}
    broken = http.get("/v7/device?$filter=device_name eq @n&@n='unterminated")
    assert broken.status_code == 400 and broken.json().startswith("Malformed url")


def test_post_is_unwrapped_201_with_location(http: httpx.Client) -> None:
    response = http.post("/v7/device_tag", json={"device": 2, "tag_key": "env", "value": "qa"})
    assert response.status_code == 201
    assert response.json()["tag_key"] == "env" and "d" not in response.json()
    assert response.headers["location"] == f"/v7/device_tag({response.json()['id']})"
    again = http.post("/v7/device_tag", json={"device": 2, "tag_key": "env", "value": "x"})
    assert again.status_code == 409 and again.json() == '"device" and "tag_key" must be unique.'
    short = http.post("/v7/device_tag?returnResource=0", json={"device": 3, "tag_key": "env"})
    assert short.status_code == 201 and set(short.json()) == {"id"}


def test_patch_rules(http: httpx.Client) -> None:
    assert http.patch("/v7/device(4)", json={}).json() == "No fields to update"
    assert http.patch("/v7/device(4)", json={"bogus": 1}).status_code == 500
    ok = http.patch("/v7/device?$filter=id in (4, 5)", json={"note": "rack 3"})
    assert ok.status_code == 200 and ok.content == b""
    notes = http.get("/v7/device?$select=note&$filter=id in (4, 5)").json()["d"]
    assert notes == [{"note": "rack 3"}, {"note": "rack 3"}]
    missing = http.patch("/v7/device(4)", json={"belongs_to__application": 999})
    assert missing.status_code == 404


def test_supervisor_proxy_outcomes(http: httpx.Client, server: ServerThread) -> None:
    store = server.app.state.balena.store
    offline = next(d for d in store.rows("device") if not d["is_connected_to_vpn"])
    gone = http.post("/supervisor/v1/blink", json={"uuid": offline["uuid"]})
    assert (gone.status_code, gone.json()) == (404, "No online device(s) found")
    fleet = http.post("/supervisor/v1/update", json={"appId": 1, "data": {"force": True}})
    assert fleet.status_code == 207 and all(item["statusCode"] == 200 for item in fleet.json())
    assert http.post("/supervisor/v1/blink", json={}).status_code == 400


def test_login_whoami_refresh(server: ServerThread, http: httpx.Client) -> None:
    login = httpx.post(f"{server.url}/login_", json={"username": "ops", "password": TOKEN})
    assert login.status_code == 200 and login.text == TOKEN
    assert (
        httpx.post(f"{server.url}/login_", json={"username": "ops", "password": "x"}).status_code
        == 401
    )
    assert http.get("/actor/v1/whoami").json()["actorType"] == "user"
    assert http.get("/user/v1/refresh-token").status_code == 200


def test_log_routes_are_served_by_the_app(http: httpx.Client, server: ServerThread) -> None:
    uuid = server.app.state.balena.store.get("device", 1)["uuid"]
    server.app.state.balena.hub.append(uuid, "hello from the seam", service_id=1)
    lines = http.get(f"/device/v2/{uuid}/logs?count=5").json()
    assert lines[-1]["message"] == "hello from the seam"
    assert http.get(f"/device/v2/{'0' * 32}/logs").status_code == 404


def test_simulator_moves_devices_and_rolls_out_releases(server: ServerThread) -> None:
    store = server.app.state.balena.store
    notes: list[str] = []
    simulator = FleetSimulator(
        store, lambda device, text: notes.append(text), flips=5, release_every=1
    )
    before = {d["id"]: d["is_online"] for d in store.rows("device")}
    releases = len(store.tables["release"])
    simulator.step()
    after = {d["id"]: d["is_online"] for d in store.rows("device")}
    assert before != after and notes
    assert len(store.tables["release"]) == releases + 1
    assert any(d.get("download_progress") is not None for d in store.rows("device"))


def test_sandbox_devices_have_past_logs_on_the_stand_ins_clock(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from console.sandbox.balena.app import LOG_HISTORY

    epoch = "2026-01-15T12:00:00+00:00"
    context = StandInContext(
        profile="t",
        data_dir=Path(tmp_path_factory.mktemp("balena-past")),
        credentials={"token": TOKEN},
        options={"devices": 40, "log_rate": 0, "simulate": False, "epoch": epoch},
    )
    with (
        ServerThread(STAND_IN.build(context)) as running,
        httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http,
    ):
        store = running.app.state.balena.store
        online = next(d for d in store.rows("device") if d["is_online"])
        offline = next(d for d in store.rows("device") if not d["is_online"])
        now_ms = int(dt.datetime.fromisoformat(epoch).timestamp() * 1000)

        lines = http.get(f"/device/v2/{online['uuid']}/logs").json()
        assert len(lines) == LOG_HISTORY
        created = [line["createdAt"] for line in lines]
        assert created == sorted(created) and created[-1] < now_ms
        assert http.get(f"/device/v2/{online['uuid']}/logs").json() == lines  # given once

        seen = dt.datetime.fromisoformat(offline["last_connectivity_event"].replace("Z", "+00:00"))
        past = http.get(f"/device/v2/{offline['uuid']}/logs").json()
        assert past and past[-1]["createdAt"] < seen.timestamp() * 1000  # quiet since it left
