"""Deterministic seed data: organizations, device types, 3 fleets, releases and devices.

The same seed gives the same rows, so demos and snapshots repeat. Timestamps
count back from the ``now`` they are given: the fixed ``SEED_CLOCK`` by default
(tests and snapshots), the moment the stand-in starts for ``sandbox start``, so
an operator's devices were last seen minutes ago, not months.
"""

from __future__ import annotations

import datetime as dt
import random

from console.sandbox.balena.store import Row, Store

SEED_CLOCK = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.timezone.utc)
"""The default ``now`` of the seed, fixed so snapshot tests stay byte-identical."""
DETAILED = 2000
"""Devices beyond this many get no tags, variables or services (keeps 100k seeds lean)."""

FLEETS = (
    # (org handle, app_name, device type slug, share of devices, name prefix)
    ("acme", "gateways", "raspberrypi4-64", 0.5, "gw"),
    ("acme", "sensors", "raspberrypi3", 0.3, "sensor"),
    ("lab", "kiosks", "intel-nuc", 0.2, "kiosk"),
)
DEVICE_TYPES = (
    ("raspberrypi4-64", "Raspberry Pi 4 (using 64bit OS)", "aarch64", "rpi4"),
    ("raspberrypi3", "Raspberry Pi 3", "armv7hf", "rpi3"),
    ("intel-nuc", "Intel NUC", "amd64", "nuc"),
    ("jetson-nano", "Jetson Nano", "aarch64", "nano"),
    ("raspberry-pi", "Raspberry Pi (v1 / Zero / Zero W)", "rpi", "rpi1"),
)
HOST_OS_VERSIONS = (
    # (raw_version, days before now, invalidated): balenaOS releases of every host app
    ("5.3.21", 200, False),
    ("6.0.13", 90, False),
    ("6.1.4", 20, False),
    ("6.2.0", 5, True),
)
SERVICES = ("main", "agent")
LOCATIONS = ("lab", "warehouse", "store-12", "roof", "basement")


def iso(moment: dt.datetime) -> str:
    """Format a time as the API does: ms and ``Z``."""
    moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def hex_id(rng: random.Random, length: int = 32) -> str:
    """A random lowercase hex string (uuids and commits)."""
    return f"{rng.getrandbits(length * 4):0{length}x}"


def seed(store: Store, *, devices: int = 300, seed: int = 7, now: dt.datetime = SEED_CLOCK) -> None:
    """Fill an empty store; every timestamp counts back from ``now``."""
    rng = random.Random(seed)
    store.insert("user", {"id": 1, "username": "ops", "email": "ops@example.com"})
    orgs = {
        h: store.insert("organization", {"name": h.title(), "handle": h}) for h in ("acme", "lab")
    }
    types = {}
    for slug, name, arch, alias in DEVICE_TYPES:
        types[slug] = store.insert(
            "device_type", {"slug": slug, "name": name, "is_of__cpu_architecture": arch}
        )
        store.insert(
            "device_type_alias",
            {"device_type": types[slug]["id"], "is_referenced_by__alias": alias},
        )
    counter = 0
    for index, (handle, app_name, type_slug, share, prefix) in enumerate(FLEETS):
        fleet = _fleet(store, rng, orgs[handle], types[type_slug], app_name, now)
        releases = _releases(store, rng, fleet, now)
        services = [
            store.insert("service", {"application": fleet["id"], "service_name": s})
            for s in SERVICES
        ]
        images = {
            r["id"]: [store.insert("image", {"is_a_build_of__service": s["id"]}) for s in services]
            for r in releases
        }
        store.insert(
            "service_environment_variable",
            {"service": services[0]["id"], "name": "MODE", "value": "normal"},
        )
        count = devices - counter if index == len(FLEETS) - 1 else int(devices * share)
        for n in range(count):
            device = _device(store, rng, fleet, releases, type_slug, prefix, n, now)
            if counter < DETAILED:
                _details(store, rng, device, images)
            counter += 1
    _host_apps(store, types, now)


def _host_apps(store: Store, types: dict[str, Row], now: dt.datetime) -> None:
    """One public host app per device type, whose releases are the balenaOS versions a
    device of that type may update to. Made last, so the fleets keep their ids."""
    org = store.insert("organization", {"name": "balenaOS", "handle": "balena_os"})
    for slug, dtype in types.items():
        app = store.insert(
            "application",
            {
                "app_name": slug,
                "slug": f"balena_os/{slug}",
                "uuid": f"{dtype['id']:032x}",
                "is_of__class": "app",
                "organization": org["id"],
                "is_for__device_type": dtype["id"],
                "should_track_latest_release": False,
                "is_host": True,
                "is_archived": False,
                "is_public": True,
                "created_at": iso(now - dt.timedelta(days=900)),
            },
        )
        for n, (version, age, invalid) in enumerate(HOST_OS_VERSIONS):
            store.insert(
                "release",
                {
                    "commit": f"{app['id']:016x}{n:016x}",
                    "belongs_to__application": app["id"],
                    "status": "success",
                    "created_at": iso(now - dt.timedelta(days=age)),
                    "is_final": True,
                    "is_invalidated": invalid,
                    "is_passing_tests": True,
                    "semver": version,
                    "raw_version": version,
                    "revision": 0,
                    "variant": "",
                    "note": None,
                },
            )


def _fleet(
    store: Store, rng: random.Random, org: Row, dtype: Row, app_name: str, now: dt.datetime
) -> Row:
    fleet = store.insert(
        "application",
        {
            "app_name": app_name,
            "slug": f"{org['handle']}/{app_name}",
            "uuid": hex_id(rng),
            "is_of__class": "fleet",
            "organization": org["id"],
            "is_for__device_type": dtype["id"],
            "should_track_latest_release": True,
            "is_host": False,
            "is_archived": False,
            "is_public": False,
            "created_at": iso(now - dt.timedelta(days=400)),
        },
    )
    store.insert(
        "application_tag", {"application": fleet["id"], "tag_key": "owner", "value": "ops"}
    )
    store.insert(
        "application_environment_variable",
        {"application": fleet["id"], "name": "LOG_LEVEL", "value": "info"},
    )
    store.insert(
        "application_config_variable",
        {"application": fleet["id"], "name": "BALENA_SUPERVISOR_POLL_INTERVAL", "value": "900000"},
    )
    return fleet


def _releases(store: Store, rng: random.Random, fleet: Row, now: dt.datetime) -> list[Row]:
    releases = []
    for n, status in enumerate(("success", "success", "failed", "success")):
        releases.append(
            store.insert(
                "release",
                {
                    "commit": hex_id(rng),
                    "belongs_to__application": fleet["id"],
                    "status": status,
                    "created_at": iso(now - dt.timedelta(days=30 - 7 * n)),
                    "is_final": True,
                    "is_invalidated": False,
                    "is_passing_tests": status == "success",
                    "semver": f"1.{n}.0",
                    "raw_version": f"1.{n}.0",
                    "revision": n,
                    "variant": "",
                    "note": None,
                },
            )
        )
    latest = releases[-1]
    store.update("application", fleet, {"should_be_running__release": latest["id"]})
    return releases


def _device(
    store: Store,
    rng: random.Random,
    fleet: Row,
    releases: list[Row],
    type_slug: str,
    prefix: str,
    n: int,
    now: dt.datetime,
) -> Row:
    online = rng.random() < 0.8
    good = [r for r in releases if r["status"] == "success"]
    running = good[-1] if rng.random() < 0.85 else rng.choice(good[:-1])
    pinned = running["id"] if running is not good[-1] and rng.random() < 0.5 else None
    seen = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * (1 if online else 20)))
    dtype = store.find("device_type", slug=type_slug)
    return store.insert(
        "device",
        {
            "uuid": hex_id(rng),
            "device_name": f"{prefix}-{n:03d}",
            "note": None,
            "belongs_to__application": fleet["id"],
            "is_of__device_type": dtype["id"] if dtype else None,
            "is_online": online,
            "is_connected_to_vpn": online,
            "api_heartbeat_state": "online" if online else "offline",
            "last_connectivity_event": iso(seen),
            "status": "Idle",
            "provisioning_state": "",
            "download_progress": None,
            "is_running__release": running["id"],
            "is_pinned_on__release": pinned,
            "os_version": rng.choice(("balenaOS 5.3.21", "balenaOS 5.3.21", "balenaOS 6.0.13")),
            "os_variant": "prod",
            "supervisor_version": rng.choice(("16.4.6", "16.7.1")),
            "ip_address": f"10.{rng.randint(0, 9)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}",
            "is_undervolted": rng.random() < 0.03,
            "is_frozen": False,
            "is_active": True,
            "is_web_accessible": False,
            "cpu_temp": rng.randint(38, 71),
            "memory_total": 3_900_000_000,
            "created_at": iso(now - dt.timedelta(days=rng.randint(30, 300))),
            "_locked": rng.random() < 0.02,
        },
    )


def _details(store: Store, rng: random.Random, device: Row, images: dict[int, list[Row]]) -> None:
    store.insert(
        "device_tag",
        {"device": device["id"], "tag_key": "location", "value": rng.choice(LOCATIONS)},
    )
    if rng.random() < 0.3:
        store.insert(
            "device_tag",
            {"device": device["id"], "tag_key": "rack", "value": str(rng.randint(1, 40))},
        )
    if rng.random() < 0.2:
        store.insert(
            "device_environment_variable",
            {"device": device["id"], "name": "LOG_LEVEL", "value": "debug"},
        )
    release = device["is_running__release"]
    for image in images.get(release, []):
        store.insert(
            "service_install",
            {"device": device["id"], "installs__service": image["is_a_build_of__service"]},
        )
        store.insert(
            "image_install",
            {
                "device": device["id"],
                "installs__image": image["id"],
                "image": image["id"],
                "is_provided_by__release": release,
                "status": "Running" if device["is_online"] else "exited",
                "download_progress": None,
                "install_date": device["created_at"],
            },
        )
