"""Build the Balsam stand-in: a Starlette app speaking the Balsam REST API on loopback.

Options (``sandbox start`` passes them through ``StandInContext.options``):
``jobs`` (seeded jobs, default 3000), ``simulate`` (default true), ``tick``
(seconds between simulator steps, default 1.0), ``epoch`` (ISO time the seed
data ends at; default now), ``token_ttl`` (seconds, default 48 h).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from console.sandbox.balsam import jobs_routes, other_routes
from console.sandbox.balsam.auth import Auth
from console.sandbox.balsam.context import AuthGate, BalsamState
from console.sandbox.balsam.params import Invalid
from console.sandbox.balsam.seed import seed
from console.sandbox.balsam.select import JobSelector
from console.sandbox.balsam.simulator import Simulator
from console.sandbox.balsam.store import Store
from console.sandbox.balsam.web import (
    BrokenAfterDelete,
    FaultMiddleware,
    Faults,
    Reply,
    on_invalid,
    on_missing_route,
    on_reply,
)

DEFAULT_JOBS = 3000
USERNAME = "operator"


def _clock(epoch: dt.datetime | None) -> Any:
    if epoch is None:
        return lambda: dt.datetime.now(dt.timezone.utc)
    start = dt.datetime.now(dt.timezone.utc)
    # A fixed epoch still moves forward, so new events sort after the seeded ones.
    return lambda: epoch + (dt.datetime.now(dt.timezone.utc) - start)


def build_app(
    *,
    password: str,
    options: dict[str, Any] | None = None,
    seed_value: int = 7,
    username: str = USERNAME,
) -> Starlette:
    """Return a seeded stand-in app; ``app.state.balsam`` holds its store, auth and faults."""
    options = options or {}
    epoch = _epoch(options.get("epoch"))
    store = Store(_clock(epoch))
    auth = Auth(ttl=float(options.get("token_ttl", 48 * 3600)))
    user = auth.register(username, password)
    rng = random.Random(seed_value)
    seed(
        store,
        jobs=int(options.get("jobs", DEFAULT_JOBS)),
        rng=rng,
        epoch=epoch or store.clock(),
        owner=user["id"] if user else 1,
    )
    state = BalsamState(store, auth, JobSelector(store), Faults())
    simulator = Simulator(store, rng) if options.get("simulate", True) else None
    app = Starlette(
        routes=[*other_routes.ROUTES, *jobs_routes.ROUTES],
        middleware=[
            Middleware(BrokenAfterDelete),
            Middleware(FaultMiddleware, faults=state.faults),
            Middleware(AuthGate, auth=auth),
        ],
        exception_handlers={Reply: on_reply, Invalid: on_invalid, HTTPException: on_missing_route},
        lifespan=_lifespan(simulator, float(options.get("tick", 1.0))),
    )
    app.state.balsam = state
    return app


def _epoch(value: Any) -> dt.datetime | None:
    if not value:
        return None
    moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _lifespan(simulator: Simulator | None, tick: float) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.ensure_future(simulator.run(tick)) if simulator else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return lifespan
