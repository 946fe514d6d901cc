"""In-memory tables of the balena stand-in, with child indexes for reverse navigations."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from console.sandbox.balena.schema import RESOURCES, Resource

Row = dict[str, Any]


class StoreError(Exception):
    """A write broke a rule; ``status`` and ``message`` are what the API answers."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Store:
    """Rows by resource and id; every to-one link is indexed for reverse lookups."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        """What "now" is (epoch seconds) for rows created through the API."""
        self.tables: dict[str, dict[int, Row]] = {name: {} for name in RESOURCES}
        self._next: dict[str, int] = defaultdict(lambda: 1)
        self._children: dict[tuple[str, str], dict[int, set[int]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self.version = 0
        """Bumped on every write, so caches can tell when data changed."""
        self.row_versions: dict[str, int] = defaultdict(int)
        """Bumped when a resource gains or loses rows."""
        self.field_versions: dict[tuple[str, str], int] = defaultdict(int)
        """Bumped when a field of a resource changes in any row."""

    def resource(self, name: str) -> Resource:
        """Return a resource's schema; ``KeyError`` when unknown."""
        return RESOURCES[name]

    def insert(self, name: str, row: Row) -> Row:
        """Add a row, giving it the next id unless it has one."""
        table = self.tables[name]
        row.setdefault("id", self._next[name])
        self._next[name] = max(self._next[name], row["id"] + 1)
        table[row["id"]] = row
        self._index(name, row, add=True)
        self.version += 1
        self.row_versions[name] += 1
        return row

    def update(self, name: str, row: Row, changes: dict[str, Any]) -> None:
        """Apply changes to a row, keeping the child indexes right."""
        self._index(name, row, add=False)
        for key, value in changes.items():
            if row.get(key) != value:
                self.field_versions[(name, key)] += 1
        row.update(changes)
        self._index(name, row, add=True)
        self.version += 1

    def delete(self, name: str, row: Row) -> None:
        """Remove a row."""
        self._index(name, row, add=False)
        del self.tables[name][row["id"]]
        self.version += 1
        self.row_versions[name] += 1

    def _index(self, name: str, row: Row, *, add: bool) -> None:
        for nav in RESOURCES[name].to_one:
            target = row.get(nav)
            if target is None:
                continue
            bucket = self._children[(name, nav)][target]
            if add:
                bucket.add(row["id"])
            else:
                bucket.discard(row["id"])

    def get(self, name: str, row_id: Any) -> Row | None:
        """Return one row by id, or ``None``."""
        return self.tables[name].get(row_id) if isinstance(row_id, int) else None

    def rows(self, name: str) -> Iterable[Row]:
        """Every row of a resource, in id order of insertion."""
        return self.tables[name].values()

    def children(self, child: str, fk: str, parent_id: int) -> list[Row]:
        """Rows of ``child`` whose ``fk`` points at ``parent_id``."""
        if fk == "*":
            return list(self.tables[child].values())
        ids = self._children[(child, fk)].get(parent_id, ())
        table = self.tables[child]
        return [table[i] for i in sorted(ids)]

    def child_ids(self, child: str, fk: str, parent_id: int) -> set[int]:
        """Ids of ``child`` rows pointing at ``parent_id`` (no copy; do not mutate)."""
        return self._children[(child, fk)].get(parent_id, set())

    def find(self, name: str, **values: Any) -> Row | None:
        """Return the first row whose fields equal ``values``."""
        for row in self.tables[name].values():
            if all(row.get(k) == v for k, v in values.items()):
                return row
        return None
