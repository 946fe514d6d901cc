"""The CrateDB stand-in: two HTTP nodes on loopback sharing one store, for the Blobs pane.

Each node speaks CrateDB's HTTP API (``/``, ``/_sql``, ``/_blobs``). SQL runs
on a real engine, a database of the stand-in's own in the profile's embedded
PostgreSQL (so types, errors and plans are real; PostgreSQL was already
running, sqlite would have needed a second type system). Blobs are files,
each held by one node; the other answers ``307`` to it.

It shares no code with ``console.backends.crate`` and is proven against
crate-python itself.

Options (``StandInContext.options``): ``crate_database`` (default
``cratedb_standin``), ``crate_pg_host`` (a socket directory; default the
profile's embedded server), ``crate_blobs`` (small blobs, default 300),
``crate_big_mb`` (sizes of the big files, default ``"12,20,32"``), ``epoch``
(ISO time the seeded data ends at; default now).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from console.profiles import locations
from console.sandbox.cratedb.cluster import Cluster
from console.sandbox.cratedb.database import Database
from console.sandbox.cratedb.node import NodeApp
from console.sandbox.cratedb.seed import DEFAULT_BIG_MB, DEFAULT_SMALL, parse_sizes, seed
from console.sandbox.registry import StandIn, StandInContext

USERNAME = "fleet"
DATABASE = "cratedb_standin"


def build(context: StandInContext) -> list[NodeApp]:
    """Make the shared store, seed it, and return one app per node."""
    options = context.options
    db = Database(_pg_host(context), str(options.get("crate_database") or DATABASE))
    root = context.data_dir / "blobs"
    root.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(db, root, context.urls)
    seed(cluster, seed_value=context.seed, epoch=_epoch(options.get("epoch")),
         small=int(options.get("crate_blobs", DEFAULT_SMALL)),
         big_mb=parse_sizes(options.get("crate_big_mb", DEFAULT_BIG_MB)))
    password = context.credentials.get("password", "")
    return [NodeApp(cluster, i, username=USERNAME, password=password)
            for i in range(len(context.urls))]


def _pg_host(context: StandInContext) -> str:
    given = context.options.get("crate_pg_host")
    if given:
        return str(given)
    from console.sandbox.postgres import LocalPostgres

    state = LocalPostgres(locations.sandbox_dir(context.profile)).ensure_running()
    if state.socket_dir is None:
        raise RuntimeError("the embedded PostgreSQL gave no socket directory")
    return state.socket_dir


def _epoch(value: Any) -> dt.datetime:
    if not value:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _endpoint(urls: list[str]) -> dict[str, Any]:
    return {"nodes": urls, "username": USERNAME}


STAND_IN = StandIn(
    name="cratedb",
    section="cratedb",
    build=build,
    endpoint=_endpoint,
    credentials=("password",),
    nodes=2,
)

__all__ = ["STAND_IN", "USERNAME", "Cluster", "NodeApp", "build"]
