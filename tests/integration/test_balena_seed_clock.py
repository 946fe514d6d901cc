"""The balena stand-in's clock: `sandbox start` seeds against now, `epoch` fixes it.

Tests that build the app with ``create_app`` keep the fixed ``SEED_CLOCK``, so
snapshots do not age; the stand-in an operator starts must not show devices
"last seen 10 months ago".
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.sandbox.balena.app import STAND_IN, create_app
from console.sandbox.balena.seed import SEED_CLOCK
from console.sandbox.registry import StandInContext
from console.sandbox.serve import ServerThread

TOKEN = "seed-clock-token-9"
EPOCH = "2026-11-23T12:00:00+00:00"
"""The epoch scripts/screenshots.py passes."""
DEVICES = 40
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def moment(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def stand_in(tmp: Path, **options: Any) -> ServerThread:
    """The stand-in as `sandbox start` builds it (through its ``StandIn``)."""
    context = StandInContext(
        profile="t",
        data_dir=tmp,
        credentials={"token": TOKEN},
        options={"devices": DEVICES, "log_rate": 0, "simulate": False, **options},
    )
    return ServerThread(STAND_IN.build(context))


def client(server: ServerThread) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture(scope="module")
def today(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerThread, float]]:
    started = time.time()
    with stand_in(tmp_path_factory.mktemp("balena-today")) as running:
        yield running, started


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    with stand_in(tmp_path_factory.mktemp("balena-epoch"), epoch=EPOCH) as running:
        yield running


def test_sandbox_start_seeds_devices_last_seen_in_the_last_weeks(
    today: tuple[ServerThread, float],
) -> None:
    server, started = today
    with client(server) as http:
        rows = http.get("/v7/device?$select=last_connectivity_event,is_online").json()["d"]
    assert len(rows) == DEVICES
    now = dt.datetime.now(dt.timezone.utc)
    seen = [moment(r["last_connectivity_event"]) for r in rows]
    # Offline devices were seen up to 20 days before the stand-in started, online ones a day.
    assert all(now - dt.timedelta(days=21) < s <= now for s in seen)
    start = dt.datetime.fromtimestamp(started, dt.timezone.utc)
    online = [s for s, r in zip(seen, rows, strict=True) if r["is_online"]]
    assert online and all(start - dt.timedelta(days=1, seconds=1) < s for s in online)


def test_sandbox_start_releases_are_weeks_old_not_months(
    today: tuple[ServerThread, float],
) -> None:
    server, started = today
    with client(server) as http:
        # the fleets' releases; balenaOS releases of the host apps are older by nature
        rows = http.get(
            "/v7/release?$select=created_at"
            "&$filter=belongs_to__application/any(a:a/is_host eq false)"
        ).json()["d"]
    start = dt.datetime.fromtimestamp(started, dt.timezone.utc)
    ages = [start - moment(r["created_at"]) for r in rows]
    assert rows and all(dt.timedelta(days=8) < age <= dt.timedelta(days=31) for age in ages)


def test_a_fleet_created_at_run_time_is_created_now(today: tuple[ServerThread, float]) -> None:
    server, _ = today
    store = server.app.state.balena.store
    body = {
        "app_name": "made today",
        "organization": store.find("organization", handle="lab")["id"],
        "is_for__device_type": store.find("device_type", slug="intel-nuc")["id"],
    }
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with client(server) as http:
        created = http.post("/v7/application", json=body)
    after = dt.datetime.now(dt.timezone.utc)
    assert created.status_code == 201, created.text
    assert before <= moment(created.json()["created_at"]) <= after


def test_epoch_counts_the_seed_back_from_that_epoch(fixed: ServerThread) -> None:
    # The same rows as the fixed-clock seed, every timestamp moved by the same span:
    # screenshots keep their devices, only their dates follow the epoch.
    shift = dt.datetime.fromisoformat(EPOCH) - SEED_CLOCK
    reference = create_app(token=TOKEN, devices=DEVICES, simulate=False).state.balena.store
    store = fixed.app.state.balena.store
    stamps = 0
    for name, table in reference.tables.items():
        assert list(store.tables[name]) == list(table), name
        for row_id, expected in table.items():
            row = store.tables[name][row_id]
            assert row.keys() == expected.keys(), name
            for key, value in expected.items():
                if isinstance(value, str) and STAMP.match(value):
                    stamps += 1
                    assert moment(row[key]) - moment(value) == shift, (name, key)
                else:
                    assert row[key] == value, (name, key)
    assert stamps > DEVICES * 2  # last seen and created_at of each device, at least


def test_epoch_stand_in_serves_devices_seen_before_the_epoch(fixed: ServerThread) -> None:
    epoch = dt.datetime.fromisoformat(EPOCH)
    with client(fixed) as http:
        rows = http.get("/v7/device?$select=last_connectivity_event").json()["d"]
    seen = [moment(r["last_connectivity_event"]) for r in rows]
    assert all(epoch - dt.timedelta(days=21) < s <= epoch for s in seen)
    assert max(seen) > epoch - dt.timedelta(days=1)


def test_epoch_stand_in_creates_rows_at_its_epoch(fixed: ServerThread) -> None:
    store = fixed.app.state.balena.store
    fleet = store.find("application", slug="acme/gateways")
    body = {"belongs_to__application": fleet["id"], "is_of__device_type": 1}
    with client(fixed) as http:
        device = http.post("/v7/device", json=body)
    assert device.status_code == 201, device.text
    assert moment(device.json()["created_at"]) == dt.datetime.fromisoformat(EPOCH)


def test_create_app_keeps_the_fixed_seed_clock() -> None:
    store = create_app(token=TOKEN, devices=DEVICES, simulate=False).state.balena.store
    seen = [moment(d["last_connectivity_event"]) for d in store.rows("device")]
    assert max(seen) <= SEED_CLOCK and min(seen) > SEED_CLOCK - dt.timedelta(days=21)
