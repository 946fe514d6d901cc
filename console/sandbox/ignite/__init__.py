"""The Ignite stand-in: three nodes speaking the binary thin-client protocol, one shared store.

Each node is its own TCP listener, so stopping one (and starting it again on
the same port) is how failover is shown and tested. It shares no code with
``console.backends.ignite``: it parses frames as ``shared/protocols/ignite-thin.md``
says a node does, and is proven against pyignite itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console.sandbox.ignite.node import Node
from console.sandbox.ignite.seed import seed
from console.sandbox.ignite.store import Store
from console.sandbox.registry import StandIn, StandInContext

NODES = 3
USERNAME = "ignite"


def build_cluster(data_dir: Path, *, nodes: int = NODES, password: str | None = None,
                  options: dict[str, Any] | None = None, seed_value: int = 7,
                  seeded: bool = True) -> list[Node]:
    """Build the nodes of one cluster (one connection handler each) over a fresh store.

    Args:
        data_dir: Where the SQL schemas' files live (emptied first).
        nodes: How many nodes.
        password: Demand ``ignite`` / this password in every handshake, when given.
        options: ``entries`` (the big cache) and ``rows`` (the big table), 100,000 each.
        seed_value: Seed of the generated data.
        seeded: Fill the store; ``False`` leaves it empty.
    """
    store = Store(data_dir / "sql", nodes, seed=seed_value)
    if seeded:
        seed(store, options or {}, seed_value)
    return [Node(store, i, username=USERNAME if password else None, password=password)
            for i in range(nodes)]


def _build(context: StandInContext) -> list[Node]:
    return build_cluster(context.data_dir, password=context.credentials.get("password") or None,
                         options=context.options, seed_value=context.seed)


def _endpoint(urls: list[str]) -> dict[str, Any]:
    return {"nodes": urls, "username": USERNAME}


STAND_IN = StandIn(
    name="ignite",
    section="ignite",
    build=_build,
    endpoint=_endpoint,
    credentials=("password",),
    nodes=NODES,
    transport="tcp",
)

__all__ = ["NODES", "STAND_IN", "USERNAME", "Node", "Store", "build_cluster"]
