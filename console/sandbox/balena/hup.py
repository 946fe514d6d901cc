"""Host OS updates in the stand-in: what setting ``should_be_operated_by__release`` starts.

The API takes the target as a release of the device type's host app; the
device then downloads the new balenaOS, reboots into it and reports the new
``os_version``. Progress shows in ``provisioning_state`` and
``provisioning_progress``, as the SDK tells callers to watch for detached
updates. Each simulator tick moves an update one step (tests call
``advance`` themselves).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from console.sandbox.balena.store import Row, Store, StoreError

DOWNLOADING = "Host OS update: downloading"
REBOOTING = "Host OS update: rebooting"
STEP = 25
"""Percent of the download done per tick."""
VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")

Notify = Callable[[Row, str], None]


def _version(text: str | None) -> tuple[int, ...]:
    found = VERSION.search(text or "")
    return tuple(int(n) for n in found.groups()) if found else ()


def start(store: Store, device: Row, release_id: Any) -> dict[str, Any]:
    """Check a host OS target as the API does and return the changes that start it.

    Raises:
        StoreError: the release is not a successful host OS release of the device's
            type, or not newer than what the device runs, or the device is offline.
    """
    release = store.get("release", release_id)
    host = store.get("application", release["belongs_to__application"]) if release else None
    if (
        release is None
        or host is None
        or not host.get("is_host")
        or host.get("is_for__device_type") != device.get("is_of__device_type")
        or release.get("status") != "success"
        or release.get("is_invalidated")
    ):
        raise StoreError(
            400,
            "It is necessary that each device that should be operated by a release, should "
            "be operated by a successful release of the host app of its device type.",
        )
    if _version(release.get("raw_version")) <= _version(device.get("os_version")):
        raise StoreError(400, "The target host OS version is not newer than the current one.")
    if not device.get("is_online"):
        raise StoreError(400, "The device is offline: a host OS update needs it online.")
    return {
        "should_be_operated_by__release": release["id"],
        "provisioning_state": DOWNLOADING,
        "provisioning_progress": 0,
        "_hup": release["raw_version"],
    }


def advance(store: Store, device: Row, notify: Notify) -> None:
    """Move one device's host OS update one step: download, reboot, run the new OS."""
    target = device.get("_hup")
    if not target:
        return
    if device.get("provisioning_state") == DOWNLOADING:
        progress = min(100, int(device.get("provisioning_progress") or 0) + STEP)
        if progress < 100:
            store.update("device", device, {"provisioning_progress": progress})
            return
        store.update(
            "device",
            device,
            {"provisioning_state": REBOOTING, "provisioning_progress": 100, "is_online": False},
        )
        notify(device, f"Host OS update to {target}: rebooting")
        return
    store.update(
        "device",
        device,
        {
            "provisioning_state": "",
            "provisioning_progress": None,
            "is_online": True,
            "os_version": f"balenaOS {target}",
            "_hup": None,
        },
    )
    notify(device, f"Host OS update finished: balenaOS {target}")
