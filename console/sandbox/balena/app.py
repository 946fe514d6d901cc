"""The balena API stand-in: its Starlette app, its lifespan and its ``STAND_IN``."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from console.sandbox.balena.cache import QueryCache
from console.sandbox.balena.faults import Faults
from console.sandbox.balena.odata_routes import odata_route
from console.sandbox.balena.parser import parse_query
from console.sandbox.balena.seed import SEED_CLOCK, seed
from console.sandbox.balena.simulator import FleetSimulator
from console.sandbox.balena.store import Row, Store
from console.sandbox.balena.supervisor_proxy import supervisor_route
from console.sandbox.registry import StandIn, StandInContext

LOG_HISTORY = 60
"""Lines of past logs each device of ``sandbox start`` has (the API keeps up to 1000)."""
DEVICE_LIST_ORDER = parse_query("$orderby=device_name asc,id asc").orderby
"""The order a device list is first asked in (by name, ties by id): indexed at start."""


def _logs_module() -> Any | None:
    # The log routes live in their own module; without it the API still serves.
    try:
        return importlib.import_module("console.sandbox.balena.logs")
    except ImportError:
        return None


class BalenaStandIn:
    """The stand-in's state: store, faults, optional log hub, and its token."""

    def __init__(
        self,
        *,
        token: str,
        devices: int = 300,
        seed_value: int = 7,
        log_history: int = 0,
        clock: Callable[[], float] = time.time,
        seed_clock: dt.datetime = SEED_CLOCK,
    ) -> None:
        self.token = token
        self.store = Store(clock)
        seed(self.store, devices=devices, seed=seed_value, now=seed_clock)
        self.seed_value = seed_value
        self.log_history = log_history
        """Lines each device has written before the stand-in started (0: none)."""
        self.cache = QueryCache(self.store)
        self.cache.index("device", DEVICE_LIST_ORDER)
        self.faults = Faults()
        logs = _logs_module()
        self.logs = logs
        self.hub = logs.LogHub(clock=clock) if logs else None

    def authorize(self, request: Request) -> Response | None:
        """None when the request carries the token (Bearer or ``?apikey=``), else a 401."""
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        given = value.strip() if scheme.lower() == "bearer" else request.query_params.get("apikey")
        if self.token and given == self.token:
            return None
        return Response(status_code=401)

    def find_device(self, uuid: str) -> Mapping[str, Any] | None:
        """The device with that full uuid, or None."""
        return self.store.find("device", uuid=uuid)

    def notify(self, device: Row, message: str) -> None:
        """Write a system line to a device's log (when the log hub is present)."""
        if self.hub is not None:
            self.hub.append(device["uuid"], message, is_system=True)

    def backlog(self, device: Mapping[str, Any], before_ms: int) -> list[tuple[int, bytes]]:
        """The lines a device wrote before the stand-in started; an offline one's end
        when it was last seen."""
        if self.logs is None:
            return []
        fleet = device.get("belongs_to__application")
        services = [s["id"] for s in self.store.rows("service") if s["application"] == fleet]
        if not device.get("is_online") and device.get("last_connectivity_event"):
            seen = dt.datetime.fromisoformat(
                device["last_connectivity_event"].replace("Z", "+00:00")
            )
            before_ms = min(before_ms, int(seen.timestamp() * 1000))
        return self.logs.backlog_lines(
            device["uuid"], services, before_ms, count=self.log_history, seed=self.seed_value
        )

    def online_uuids(self) -> list[tuple[str, list[int]]]:
        """Online devices and the service ids of their fleet, for the log simulator."""
        services: dict[int, list[int]] = {}
        for service in self.store.rows("service"):
            services.setdefault(service["application"], []).append(service["id"])
        return [
            (d["uuid"], services.get(d["belongs_to__application"], []))
            for d in self.store.rows("device")
            if d.get("is_online")
        ]

    def routes(self) -> list[BaseRoute]:
        """Every route the stand-in serves."""
        routes: list[BaseRoute] = [
            Route(
                "/v7/{path:path}",
                odata_route(self),
                methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            ),
            Route(
                "/supervisor/{path:path}",
                self._guarded(supervisor_route(self.store, self.notify)),
                methods=["POST"],
            ),
            Route("/login_", self._login, methods=["POST"]),
            Route("/actor/v1/whoami", self._guarded(self._whoami), methods=["GET"]),
            Route("/user/v1/refresh-token", self._guarded(self._refresh), methods=["GET", "POST"]),
            Route("/_sandbox/faults", self._guarded(self._faults), methods=["GET", "POST"]),
        ]
        if self.logs is not None:
            routes += self.logs.log_routes(
                self.hub,
                find_device=self.find_device,
                authorize=self.authorize,
                past_of=self.backlog if self.log_history else None,
            )
        return routes

    def _guarded(self, handler: Any) -> Any:
        async def guarded(request: Request) -> Response:
            refused = self.authorize(request)
            if refused is not None:
                return refused
            if not request.url.path.startswith("/_sandbox"):
                instead = await self.faults.before()
                if instead is not None:
                    return instead
            response: Response = await handler(request)
            return self.faults.garble(response, request.method)

        return guarded

    async def _login(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return Response(status_code=401)
        if (
            isinstance(body, dict)
            and body.get("username") == "ops"
            and body.get("password") == self.token
        ):
            return PlainTextResponse(self.token)
        return Response(status_code=401)

    async def _whoami(self, request: Request) -> Response:
        user = self.store.get("user", 1) or {}
        return JSONResponse(
            {
                "id": 1,
                "actorType": "user",
                "actorTypeId": 1,
                "username": user.get("username"),
                "email": user.get("email"),
            }
        )

    async def _refresh(self, request: Request) -> Response:
        return PlainTextResponse(self.token)

    async def _faults(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                self.faults.set(json.loads(await request.body() or b"{}"))
            except (ValueError, TypeError):
                return Response(
                    json.dumps("Invalid fault switches"),
                    status_code=400,
                    media_type="application/json",
                )
        return JSONResponse(self.faults.as_dict())


def create_app(
    *,
    token: str,
    devices: int = 300,
    seed_value: int = 7,
    simulate: bool = True,
    log_rate: float = 1.0,
    log_history: int = 0,
    clock: Callable[[], float] = time.time,
    seed_clock: dt.datetime = SEED_CLOCK,
) -> Starlette:
    """Build the stand-in app (tests and benchmarks call this directly).

    ``simulate=False`` keeps the seeded data still, for snapshots; ``log_history``
    lines per device are there to read from the start; ``clock`` is what "now" is
    for log lines and for rows created through the API; the seed's timestamps count
    back from ``seed_clock`` (fixed by default, so snapshots repeat).
    """
    state = BalenaStandIn(
        token=token,
        devices=devices,
        seed_value=seed_value,
        log_history=log_history,
        clock=clock,
        seed_clock=seed_clock,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = []
        if simulate:
            tasks.append(asyncio.ensure_future(FleetSimulator(state.store, state.notify).run()))
            if state.logs is not None and log_rate > 0:
                simulator = state.logs.LogSimulator(state.hub, state.online_uuids, rate=log_rate)
                tasks.append(asyncio.ensure_future(simulator.run()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()

    app = Starlette(routes=state.routes(), lifespan=lifespan)
    app.state.balena = state
    app.state.faults = state.faults
    return app


def build(context: StandInContext) -> Starlette:
    """Build the stand-in for a profile's sandbox.

    Its devices come with ``LOG_HISTORY`` lines of past logs each, so following one
    shows what it was doing, as the real API's history does. The seed counts back
    from now, so devices were last seen recently; an ``epoch`` option (screenshots)
    fixes the clock at that moment instead: seed, log lines and new rows alike.
    """
    options = context.options
    clock: Callable[[], float] = time.time
    if options.get("epoch"):
        fixed = dt.datetime.fromisoformat(str(options["epoch"])).timestamp()
        clock = lambda: fixed  # noqa: E731
    return create_app(
        token=context.credentials.get("token", ""),
        devices=int(options.get("devices") or 300),
        seed_value=context.seed,
        simulate=bool(options.get("simulate", True)),
        log_rate=float(
            options.get("log_rate", 1.0) if options.get("log_rate") is not None else 1.0
        ),
        log_history=LOG_HISTORY,
        clock=clock,
        seed_clock=dt.datetime.fromtimestamp(clock(), dt.timezone.utc),
    )


STAND_IN = StandIn(
    name="balena",
    section="balena",
    build=build,
    endpoint=lambda urls: {"url": urls[0]},
    credentials=("token",),
)
