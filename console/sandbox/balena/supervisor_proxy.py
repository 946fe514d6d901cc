"""``POST /supervisor/<path>``: device actions forwarded to VPN-connected devices (§12)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from console.sandbox.balena.store import Row, Store

ACTIONS = {
    "v1/blink": "Blinking the identification LED",
    "v1/restart": "Restarting services",
    "v1/reboot": "Rebooting",
    "v1/shutdown": "Shutting down",
    "v1/purge": "Purging /data",
    "v1/update": "Checking for updates",
    "ping": "OK",
    "v1/device": "state",
}
LOCKING = frozenset({"v1/restart", "v1/reboot", "v1/shutdown", "v1/purge", "v1/update"})

Notify = Callable[[Row, str], None]


def _error(status: int, text: str) -> Response:
    return Response(json.dumps(text), status_code=status, media_type="application/json")


def _targets(store: Store, body: dict[str, Any]) -> list[Row] | None:
    if body.get("uuid"):
        found = store.find("device", uuid=body["uuid"])
        return [found] if found else []
    if body.get("deviceId") is not None:
        found = store.get("device", body["deviceId"])
        if (
            found
            and body.get("appId") is not None
            and found["belongs_to__application"] != body["appId"]
        ):
            return []
        return [found] if found else []
    if body.get("appId") is not None:
        return [
            store.get("device", i)
            for i in sorted(store.child_ids("device", "belongs_to__application", body["appId"]))
        ]
    return None


def _act(
    store: Store, device: Row, path: str, data: dict[str, Any], notify: Notify
) -> tuple[int, Any]:
    if path in LOCKING and device.get("_locked") and not data.get("force"):
        return 423, {"status": "failed", "message": "Updates are locked"}
    if path == "v1/device":
        return 200, {
            "status": "Idle",
            "api_port": 48484,
            "commit": device.get("is_running__release"),
        }
    notify(device, ACTIONS[path])
    if path in ("v1/reboot", "v1/shutdown"):
        changes = {
            "is_online": False,
            "is_connected_to_vpn": False,
            "api_heartbeat_state": "offline",
        }
        store.update("device", device, {**changes, "_rebooting": path == "v1/reboot"})
    return 200, {"Data": "OK", "Error": None}


def supervisor_route(store: Store, notify: Notify) -> Callable[[Request], Any]:
    """Build the handler of ``POST /supervisor/{path}``."""

    async def handle(request: Request) -> Response:
        path = request.path_params["path"]
        if path not in ACTIONS and not path.startswith("v2/applications/"):
            return _error(404, f"Unknown supervisor endpoint /{path}")
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            return _error(400, "Invalid JSON body")
        if not isinstance(body, dict):
            return _error(400, "Invalid JSON body")
        targets = _targets(store, body)
        if targets is None:
            return _error(400, "Either uuid, deviceId or appId must be given")
        online = [
            d for d in targets if d and d.get("is_connected_to_vpn") and not d.get("is_frozen")
        ]
        if not online:
            return _error(404, "No online device(s) found")
        action = path if path in ACTIONS else "v1/restart"
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        results = [_act(store, d, action, data, notify) for d in online]
        if len(results) == 1:
            status, payload = results[0]
            return JSONResponse(payload, status_code=status)
        return JSONResponse([{"statusCode": s, "body": b} for s, b in results], status_code=207)

    return handle
