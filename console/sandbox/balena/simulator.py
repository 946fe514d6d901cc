"""Keeps the seeded fleets alive: devices go on and offline, updates roll out.

Each tick touches a small random sample of devices, never the whole table, so
a 100,000-device sandbox costs the same per tick as a 300-device one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Callable

from console.sandbox.balena import hup
from console.sandbox.balena.seed import hex_id, iso
from console.sandbox.balena.store import Row, Store

Notify = Callable[[Row, str], None]


class FleetSimulator:
    """Moves devices between states every ``tick`` seconds.

    Args:
        store: The stand-in's data.
        notify: Called with (device, system message) for the device's log.
        flips: Devices whose online state flips per tick.
        release_every: Ticks between new releases of a random fleet (0: never).
    """

    def __init__(
        self,
        store: Store,
        notify: Notify,
        *,
        tick: float = 2.0,
        flips: int = 3,
        release_every: int = 90,
        seed: int = 11,
    ) -> None:
        self.store = store
        self.notify = notify
        self.tick = tick
        self.flips = flips
        self.release_every = release_every
        self._rng = random.Random(seed)
        self._ticks = 0

    async def run(self) -> None:
        """Step forever (until the lifespan cancels it)."""
        while True:
            await asyncio.sleep(self.tick)
            self.step()

    def step(self) -> None:
        """Advance the simulation by one tick."""
        self._ticks += 1
        now = iso(dt.datetime.now(dt.timezone.utc))
        devices = self.store.tables["device"]
        if devices:
            ids = (
                self._rng.sample(list(devices), min(self.flips, len(devices)))
                if len(devices) < 5000
                else [self._rng.randint(1, max(devices)) for _ in range(self.flips)]
            )
            for device_id in ids:
                device = devices.get(device_id)
                if device is not None:
                    self._flip(device, now)
        for device in [d for d in devices.values() if d.get("download_progress") is not None][:200]:
            self._advance(device, now)
        for device in [d for d in devices.values() if d.get("_hup")][:200]:
            hup.advance(self.store, device, self.notify)
        if self.release_every and self._ticks % self.release_every == 0:
            self._release()

    def _flip(self, device: Row, now: str) -> None:
        online = not device.get("is_online")
        self.store.update(
            "device",
            device,
            {
                "is_online": online,
                "is_connected_to_vpn": online,
                "api_heartbeat_state": "online" if online else "offline",
                "last_connectivity_event": now,
                "_rebooting": False,
            },
        )
        self.notify(device, "Device came online" if online else "Device went offline")

    def _advance(self, device: Row, now: str) -> None:
        progress = min(100, (device.get("download_progress") or 0) + self._rng.randint(10, 35))
        if progress < 100:
            self.store.update("device", device, {"download_progress": progress})
            return
        target = self._target(device)
        self.store.update(
            "device",
            device,
            {
                "download_progress": None,
                "is_running__release": target,
                "last_connectivity_event": now,
            },
        )
        self.notify(device, "Update finished: services running")

    def _target(self, device: Row) -> int | None:
        if device.get("is_pinned_on__release") is not None:
            return device["is_pinned_on__release"]
        fleet = self.store.get("application", device.get("belongs_to__application"))
        return fleet.get("should_be_running__release") if fleet else None

    def _release(self) -> None:
        fleets = [
            f
            for f in self.store.rows("application")
            if f.get("should_track_latest_release") and not f.get("is_host")
        ]
        if not fleets:
            return
        fleet = self._rng.choice(fleets)
        count = sum(
            1 for _ in self.store.child_ids("release", "belongs_to__application", fleet["id"])
        )
        release = self.store.insert(
            "release",
            {
                "commit": hex_id(self._rng),
                "belongs_to__application": fleet["id"],
                "status": "success",
                "created_at": iso(dt.datetime.now(dt.timezone.utc)),
                "is_final": True,
                "is_invalidated": False,
                "is_passing_tests": True,
                "semver": f"1.{count}.0",
                "raw_version": f"1.{count}.0",
                "revision": count,
            },
        )
        self.store.update("application", fleet, {"should_be_running__release": release["id"]})
        for device_id in list(
            self.store.child_ids("device", "belongs_to__application", fleet["id"])
        )[:50]:
            device = self.store.get("device", device_id)
            if device and device.get("is_online") and device.get("is_pinned_on__release") is None:
                self.store.update("device", device, {"download_progress": 0})
