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


class Registered:
    """The pane classes ``PANES`` names, each imported when its tab is first built.

    Importing every pane (and the service clients each imports) took longer than
    the rest of the start: the first frame now imports only the pane it shows. A
    line whose module is named after a tab of the catalogue (``panes/sql.py`` for
    ``sql``) waits for that tab; any other line is imported at once, to learn
    which tab its class fills.
    """

    def __init__(self, targets: tuple[str, ...] = PANES) -> None:
        known = {spec.pane_id for spec in CATALOGUE}
        self.classes: dict[str, type[Pane]] = {}
        """The classes imported so far, by pane id."""
        self.failures: dict[str, str] = {}
        """``module:Class`` → why it could not be imported."""
        self._waiting: dict[str, str] = {}
        for target in targets:
            named = target.partition(":")[0].rsplit(".", 1)[-1]
            if named in known and named not in self._waiting:
                self._waiting[named] = target
            else:
                self._load(target)

    def has(self, pane_id: str) -> bool:
        """Whether a class is registered for ``pane_id`` (imported or not yet)."""
        return pane_id in self.classes or pane_id in self._waiting

    def pane_class(self, pane_id: str) -> type[Pane] | None:
        """The class for ``pane_id``, imported now if needed; ``None`` if none or it failed."""
        target = self._waiting.pop(pane_id, None)
        if target is not None:
            self._load(target, pane_id)
        return self.classes.get(pane_id)

    def _load(self, target: str, expected: str | None = None) -> None:
        try:
            pane_class = _import(target)
            if expected is not None and pane_class.pane_id != expected:
                raise TypeError(f"its pane_id is '{pane_class.pane_id}', not '{expected}'")
        except Exception as exc:  # another part's bug must not stop the console opening
            self.failures[target] = f"{type(exc).__name__}: {exc}"
            return
        self.classes[pane_class.pane_id] = pane_class


def _import(target: str) -> type[Pane]:
    module, _, attribute = target.partition(":")
    pane_class = getattr(importlib.import_module(module), attribute)
    if not (isinstance(pane_class, type) and issubclass(pane_class, Pane)):
        raise TypeError(f"{target} is not a Pane subclass")
    return pane_class


def registered(targets: tuple[str, ...] = PANES) -> Registered:
    """The registered pane classes; a broken one is reported when its tab is built, not fatal."""
    return Registered(targets)


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
