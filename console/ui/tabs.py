"""Which tabs the console shows, and which pane class fills each one.

The catalogue lists every tab the console has, with the profile section it
needs. A pane class listed in ``PANES`` (``console/ui/panes/__init__.py``)
fills the tab of its ``pane_id``; a tab without one, or whose section the
profile lacks, shows the unconfigured state instead.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from console.ui.panes import PANES
from console.ui.panes.base import Pane


@dataclass(frozen=True)
class TabSpec:
    """One tab of the console."""

    pane_id: str
    title: str
    key: str
    section: str | None


CATALOGUE: tuple[TabSpec, ...] = (
    TabSpec("fleets", "Fleets", "1", "balena"),
    TabSpec("devices", "Devices", "2", "balena"),
    TabSpec("logs", "Logs", "3", "balena"),
    TabSpec("jobs", "Jobs", "4", "balsam"),
    TabSpec("databases", "Databases", "5", "postgres"),
    TabSpec("sql", "SQL", "6", "postgres"),
    TabSpec("caches", "Caches", "7", "ignite"),
    TabSpec("blobs", "Blobs", "8", "cratedb"),
)
"""Every tab, in order; number keys follow this order."""

ALIASES: dict[str, str] = {"db": "databases", "dbs": "databases", "cache": "caches"}
"""Short names the command line accepts for a pane id."""


@dataclass(frozen=True)
class Registered:
    """What ``PANES`` holds once imported: the classes, and the lines that failed."""

    classes: dict[str, type[Pane]]
    failures: dict[str, str]
    """``module:Class`` → why it could not be imported."""


def _import(target: str) -> type[Pane]:
    module, _, attribute = target.partition(":")
    pane_class = getattr(importlib.import_module(module), attribute)
    if not (isinstance(pane_class, type) and issubclass(pane_class, Pane)):
        raise TypeError(f"{target} is not a Pane subclass")
    return pane_class


def registered(targets: tuple[str, ...] = PANES) -> Registered:
    """Import every registered pane class; a broken one is reported, not fatal."""
    classes: dict[str, type[Pane]] = {}
    failures: dict[str, str] = {}
    for target in targets:
        try:
            pane_class = _import(target)
        except Exception as exc:  # another part's bug must not stop the console opening
            failures[target] = f"{type(exc).__name__}: {exc}"
            continue
        classes[pane_class.pane_id] = pane_class
    return Registered(classes, failures)


def tab_specs(found: Registered) -> list[TabSpec]:
    """Return the catalogue plus any registered pane the catalogue does not know."""
    known = {spec.pane_id for spec in CATALOGUE}
    extra = [
        TabSpec(cls.pane_id, cls.title, cls.key, cls.section)
        for pane_id, cls in found.classes.items()
        if pane_id not in known
    ]
    return [*CATALOGUE, *extra]


def resolve(name: str, specs: list[TabSpec]) -> TabSpec | None:
    """Find a tab by pane id, alias, title or key, ignoring case."""
    wanted = ALIASES.get(name.lower(), name.lower())
    for spec in specs:
        if wanted in (spec.pane_id, spec.title.lower(), spec.key):
            return spec
    return None
