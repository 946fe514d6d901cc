"""The stand-in services the local profile runs, by the profile section they serve.

Each stand-in module exposes one ``STAND_IN``. They are imported only when
the sandbox starts, so the CLI stays quick to launch.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette


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


@dataclass(frozen=True)
class StandIn:
    """One local stand-in service.

    Attributes:
        name: What ``sandbox status`` calls it.
        section: The profile section whose endpoint it provides.
        build: Builds the ASGI app (simulators run in its lifespan).
        endpoint: Turns the base URLs of its nodes into that section's settings.
        credentials: Secrets it needs, created once per profile: key → kind.
        nodes: How many listeners it gets (clusters get several, for failover).
    """

    name: str
    section: str
    build: Callable[[StandInContext], Starlette]
    endpoint: Callable[[list[str]], dict[str, Any]]
    credentials: tuple[str, ...] = ()
    nodes: int = 1


STAND_IN_MODULES: tuple[str, ...] = (
    # one line per stand-in module; each defines STAND_IN
    "console.sandbox.balsam",
    "console.sandbox.balena.app",
)


def stand_ins() -> list[StandIn]:
    """Import and return every registered stand-in."""
    return [importlib.import_module(module).STAND_IN for module in STAND_IN_MODULES]
