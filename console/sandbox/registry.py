"""The stand-in services the local profile runs, by the profile section they serve.

Each stand-in module exposes one ``STAND_IN``. They are imported only when
the sandbox starts, so the CLI stays quick to launch.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal


@dataclass
class StandInContext:
    """What a stand-in is given to build its app."""

    profile: str
    data_dir: Path
    """A directory of its own under the profile's sandbox directory."""
    credentials: dict[str, str]
    """The secrets clients must present (e.g. ``{"token": ...}``)."""
    options: dict[str, Any] = field(default_factory=dict)
    """Operator options from ``sandbox start`` (``jobs``, ``devices``, ``log_rate``…)."""
    seed: int = 7
    """Seed for the generated data, so demos and snapshots are repeatable."""
    urls: list[str] = field(default_factory=list)
    """Where each of its nodes listens (bound before ``build``), so a node can name another:
    ``http://127.0.0.1:PORT`` for ``http`` stand-ins, ``127.0.0.1:PORT`` for ``tcp`` ones."""


@dataclass(frozen=True)
class StandIn:
    """One local stand-in service.

    Attributes:
        name: What ``sandbox status`` calls it.
        section: The profile section whose endpoint it provides.
        build: Builds what its nodes serve: one app every node serves, or a sequence
            of ``nodes`` apps, one per node (nodes of a cluster that know who they are).
            For ``http``, an ASGI app (simulators run in its lifespan); for ``tcp``, an
            ``async (reader, writer)`` connection handler for ``asyncio.start_server``.
        endpoint: Turns the addresses of its nodes into that section's settings.
        credentials: Secrets it needs, created once per profile: key → kind.
        nodes: How many listeners it gets (clusters get several, for failover).
        transport: ``http`` (served by uvicorn) or ``tcp`` (a binary protocol).
    """

    name: str
    section: str
    build: Callable[[StandInContext], Any | Sequence[Any]]
    endpoint: Callable[[list[str]], dict[str, Any]]
    credentials: tuple[str, ...] = ()
    nodes: int = 1
    transport: Literal["http", "tcp"] = "http"

    def node_apps(self, built: Any | Sequence[Any]) -> list[Any]:
        """Return what each node serves, from what ``build`` returned."""
        if isinstance(built, (list, tuple)):
            if len(built) != self.nodes:
                raise ValueError(f"{self.name}: built {len(built)} apps for {self.nodes} nodes")
            return list(built)
        return [built] * self.nodes


STAND_IN_MODULES: tuple[str, ...] = (
    # one line per stand-in module; each defines STAND_IN
    "console.sandbox.balsam",
    "console.sandbox.balena.app",
    "console.sandbox.cratedb",
    "console.sandbox.ignite",
)


MODULES_ENV = "FLEET_CONSOLE_STAND_INS"
"""Comma-separated stand-in modules to run instead of ``STAND_IN_MODULES`` (tests run a
small one; an operator can run a subset). The supervisor inherits it."""


def stand_ins() -> list[StandIn]:
    """Import and return every registered stand-in (or those ``FLEET_CONSOLE_STAND_INS`` names)."""
    chosen = os.environ.get(MODULES_ENV)
    modules = [m.strip() for m in chosen.split(",") if m.strip()] if chosen else STAND_IN_MODULES
    return [importlib.import_module(module).STAND_IN for module in modules]
