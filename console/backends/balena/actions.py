"""Actions on many devices at once, each device with its own result.

Supervisor actions go one request per device (the proxy answers per device) and
wait as long as the API waits for a device (50 s): one that times out, or that
the API cannot reach the device for (502/504), is "not confirmed", not failed —
the device may still do it. Writes (pin, move, deactivate) go as one ``PATCH ...
id in (...)`` per fleet and are confirmed by reading the devices back, because a
write the token may not make still answers 200 (protocol §8).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import httpx

from console.backends.balena.models import ActionResult, Device, link_id
from console.errors import (
    BadQuery,
    Conflict,
    ConsoleError,
    NotFound,
    ReadOnlyRefused,
    Unavailable,
)
from console.profiles import audit

if TYPE_CHECKING:
    from console.backends.balena.client import BalenaClient
    from console.backends.balena.devices import DeviceAPI

SUPERVISOR = ("restart", "reboot", "blink", "shutdown", "purge")
FORCEABLE = frozenset({"reboot", "shutdown"})
"""Actions whose request carries ``force`` (§12); restart, purge and blink have none."""
WRITES = ("pin", "track", "move", "deactivate", "tag", "os-update")
ACTIONS = SUPERVISOR + WRITES
ARCH_COMPATIBLE: dict[str, frozenset[str]] = {
    "aarch64": frozenset({"armv7hf", "rpi"}),
    "armv7hf": frozenset({"rpi"}),
}
"""The SDK's rule: a device runs fleets of its own CPU architecture and of these."""
PARALLEL = 8
"""Devices acted on at once: enough to be quick, few enough not to trip a rate limit."""


def supervisor_request(action: str, device: Device, force: bool) -> tuple[str, dict[str, Any]]:
    """The supervisor-proxy path and body of one action on one device (§12)."""
    app = device.fleet_id
    if action == "blink":
        return "v1/blink", {"uuid": device.uuid}
    if action == "reboot":
        return "v1/reboot", {"deviceId": device.id, "data": {"force": force}}
    if action == "shutdown":
        return "v1/shutdown", {"deviceId": device.id, "appId": app, "data": {"force": force}}
    return f"v1/{action}", {"deviceId": device.id, "appId": app, "data": {"appId": app}}


def _failure(target: str, exc: ConsoleError, device: Device | None = None) -> ActionResult:
    return ActionResult(target, False, exc.message, device)


class BulkRunner:
    """Resolves identifiers, runs one action and reports per device."""

    def __init__(self, client: BalenaClient, devices: DeviceAPI) -> None:
        self.client = client
        self.devices = devices
        self._gate = asyncio.Semaphore(PARALLEL)

    async def run(
        self, action: str, identifiers: list[int | str], options: dict[str, Any]
    ) -> list[ActionResult]:
        """Act on every identifier; failures are results, not exceptions."""
        if self.client.read_only:
            audit.record(self.client.profile, f"devices.{action}", f"{len(identifiers)} devices",
                         count=len(identifiers), outcome="refused: read-only")
            raise ReadOnlyRefused(
                f"profile '{self.client.profile}' is read-only; not sent", operation=action
            )
        _check_options(action, options)
        resolved = await asyncio.gather(*(self._resolve(i) for i in identifiers))
        results: dict[str, ActionResult] = {}
        found: list[tuple[str, Device]] = []
        for target, outcome in zip([str(i) for i in identifiers], resolved):
            if isinstance(outcome, ActionResult):
                results[target] = outcome
            else:
                found.append((target, outcome))
        if action in SUPERVISOR:
            done = await asyncio.gather(*(self._supervise(action, t, d, options) for t, d in found))
            results.update({r.target: r for r in done})
        else:
            results.update(await self._write(action, found, options))
        return [results[str(i)] for i in identifiers]

    async def _resolve(self, identifier: int | str) -> Device | ActionResult:
        async with self._gate:
            try:
                return await self.client.resolve_device(identifier)
            except ConsoleError as exc:
                return _failure(str(identifier), exc)

    async def _supervise(
        self, action: str, target: str, device: Device, options: dict[str, Any]
    ) -> ActionResult:
        path, body = supervisor_request(action, device, bool(options.get("force")))
        async with self._gate:
            try:
                await self.client.supervisor(path, body, f"{action} {device.short_uuid}")
            except NotFound:
                return ActionResult(
                    target, False, "device is offline (not connected to the VPN)", device
                )
            except Conflict:
                return ActionResult(target, False, _locked(action), device)
            except Unavailable as exc:
                if not _unanswered(exc):
                    return _failure(target, exc, device)
                seconds = f"{self.client.action_timeout:g}"
                message = (
                    f"not confirmed: no answer from the device within {seconds} s; "
                    f"it may still {action} — check it before trying again"
                )
                return ActionResult(target, False, message, device, confirmed=False)
            except ConsoleError as exc:
                return _failure(target, exc, device)
        return ActionResult(target, True, _DONE[action], device)

    async def _write(
        self, action: str, found: list[tuple[str, Device]], options: dict[str, Any]
    ) -> dict[str, ActionResult]:
        if action in ("tag", "os-update"):
            one = self._tag if action == "tag" else self._os_update
            done = await asyncio.gather(*(one(t, d, options) for t, d in found))
            return {r.target: r for r in done}
        by_fleet: dict[int | None, list[tuple[str, Device]]] = {}
        for target, device in found:
            by_fleet.setdefault(device.fleet_id, []).append((target, device))
        results: dict[str, ActionResult] = {}
        for fleet_id, group in by_fleet.items():
            try:
                change = await self._change(action, fleet_id, options)
                if action == "move":
                    group = await self._compatible(group, change, results)
                await self._patch(group, change, action)
                results.update(await self._confirm(action, group, change))
            except ConsoleError as exc:
                results.update({t: _failure(t, exc, d) for t, d in group})
        return results

    async def _change(
        self, action: str, fleet_id: int | None, options: dict[str, Any]
    ) -> dict[str, Any]:
        if action == "pin":
            release = await self.devices.find_release(fleet_id or 0, str(options["release"]))
            return {"is_pinned_on__release": release.id}
        if action == "track":
            return {"is_pinned_on__release": None}
        if action == "move":
            fleet = await self.client.resolve_fleet(options["fleet"])
            return {"belongs_to__application": fleet.id}
        return {"is_active": False}

    async def _compatible(
        self,
        group: list[tuple[str, Device]],
        change: dict[str, Any],
        results: dict[str, ActionResult],
    ) -> list[tuple[str, Device]]:
        """Keep devices whose CPU architecture the target fleet's device type shares."""
        fleet = await self.client.resolve_fleet(change["belongs_to__application"])
        slugs = sorted(
            {d.device_type for _, d in group if d.device_type} | {fleet.device_type or ""}
        )
        query = {
            "$select": ["slug", "is_of__cpu_architecture"],
            "$filter": {"slug": {"$in": slugs}},
        }
        rows = await self.client.get("device_type", query, "check device types")
        arch = {
            r["slug"]: link_id(r.get("is_of__cpu_architecture")) or r.get("is_of__cpu_architecture")
            for r in rows
        }
        keep = []
        for target, device in group:
            if not arch_compatible(arch.get(device.device_type), arch.get(fleet.device_type)):
                message = (
                    f"{device.device_type} cannot join a {fleet.device_type} fleet "
                    "(different CPU architecture)"
                )
                results[target] = ActionResult(target, False, message, device)
            else:
                keep.append((target, device))
        return keep

    async def _patch(
        self, group: list[tuple[str, Device]], change: dict[str, Any], action: str
    ) -> None:
        if not group:
            return
        ids = [device.id for _, device in group]
        for start in range(0, len(ids), 200):
            where = {"id": {"$in": ids[start : start + 200]}}
            await self.client.patch("device", where, change, f"{action} devices")

    async def _confirm(
        self, action: str, group: list[tuple[str, Device]], change: dict[str, Any]
    ) -> dict[str, ActionResult]:
        if not group:
            return {}
        after = {d.id: d for d in await self.devices.by_ids([d.id for _, d in group])}
        results = {}
        for target, device in group:
            now = after.get(device.id)
            ok = now is not None and _applied(now, change)
            message = (
                _DONE[action]
                if ok
                else "the API accepted the change but the device did not take it"
            )
            results[target] = ActionResult(target, ok, message, now or device)
        return results

    async def _tag(self, target: str, device: Device, options: dict[str, Any]) -> ActionResult:
        async with self._gate:
            try:
                await self.client.tags.set(
                    "device", device.id, options["key"], str(options.get("value", ""))
                )
            except ConsoleError as exc:
                return _failure(target, exc, device)
        return ActionResult(target, True, f"tagged {options['key']}", device)

    async def _os_update(
        self, target: str, device: Device, options: dict[str, Any]
    ) -> ActionResult:
        async with self._gate:
            try:
                started = await self.client.host_os.start(device, str(options["version"]))
            except ConsoleError as exc:
                return _failure(target, exc, device)
        return ActionResult(
            target, True, f"host OS update to {options['version']} started", started
        )


def arch_compatible(device_arch: Any, fleet_arch: Any) -> bool:
    """Whether a device of one CPU architecture may join a fleet of another (SDK rule)."""
    if device_arch is None or fleet_arch is None:
        return False
    return device_arch == fleet_arch or fleet_arch in ARCH_COMPATIBLE.get(device_arch, ())


def _locked(action: str) -> str:
    if action in FORCEABLE:
        return "update lock held on the device; retry with force"
    return (
        f"update lock held on the device; the balena API has no force for {action}: "
        "wait for the application to release the lock"
    )


def _unanswered(exc: Unavailable) -> bool:
    """Whether the action may have reached the device: timed out, or the API's own
    gateway gave up on the device."""
    return isinstance(exc.__cause__, httpx.TimeoutException) or any(
        f"answered {status}" in exc.message for status in (502, 504)
    )


def _applied(device: Device, change: dict[str, Any]) -> bool:
    if "is_pinned_on__release" in change:
        pin = change["is_pinned_on__release"]
        return (device.pinned.id if device.pinned else None) == pin
    if "belongs_to__application" in change:
        return device.fleet_id == change["belongs_to__application"]
    return device.is_active is False


def _check_options(action: str, options: dict[str, Any]) -> None:
    needed = {"pin": "release", "move": "fleet", "tag": "key", "os-update": "version"}.get(action)
    if needed and not options.get(needed):
        raise BadQuery(f"{action} needs a {needed}")
    if options.get("force") and action not in FORCEABLE:
        raise BadQuery(f"{action} has no force option in the balena API (reboot and shutdown do)")


_DONE = {
    "restart": "restart requested",
    "reboot": "reboot requested",
    "blink": "blinking",
    "shutdown": "shutdown requested",
    "purge": "data purge requested",
    "pin": "pinned",
    "track": "tracking the fleet's release",
    "move": "moved",
    "deactivate": "deactivated",
    "tag": "tagged",
    "os-update": "host OS update started",
}
