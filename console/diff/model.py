"""What a comparison of two profiles found: rows only on one side, rows whose cells differ.

Every comparison (SQL, devices, jobs summary) ends as one ``Comparison``: its
columns, which of them identify a row (the key), exact counts, and the
differing rows themselves up to a limit, so a million-row result is summed
up in a few hundred rows at most.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.diff.values import json_value

ONLY_A = "only-a"
ONLY_B = "only-b"
DIFFER = "differ"
SAME = "same"


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a profile, and where in it (a database, a filter…)."""

    profile: str
    place: str = ""
    """The database, fleet or site compared, when it says more than the profile."""
    color: str = "green"
    """The profile's colour, so each side shows in it."""

    @property
    def label(self) -> str:
        """``staging`` or ``staging:orders_db``."""
        return f"{self.profile}:{self.place}" if self.place else self.profile


@dataclass(frozen=True)
class Row:
    """One row of the comparison, as each side has it (``None`` on a side without it)."""

    key: tuple[Any, ...]
    """The values that identify it (the whole row when there is no key)."""
    a: tuple[Any, ...] | None
    b: tuple[Any, ...] | None
    differing: frozenset[int] = frozenset()
    """Indexes of the columns whose cells differ (rows on both sides only)."""
    copies: int = 1
    """How many identical rows this stands for (whole-row comparisons of duplicates)."""

    @property
    def state(self) -> str:
        """``only-a``, ``only-b``, ``differ`` or ``same``."""
        if self.b is None:
            return ONLY_A
        if self.a is None:
            return ONLY_B
        return DIFFER if self.differing else SAME


@dataclass
class Comparison:
    """The result of comparing one view across two profiles."""

    kind: str
    """``sql``, ``devices`` or ``jobs-summary``."""
    subject: str
    """What was compared: the statement, the filter, ``jobs by state``."""
    a: Side
    b: Side
    columns: list[str]
    key: list[int]
    """Indexes of the key columns (empty when whole rows are compared)."""
    matched_by: str
    """How rows were paired, in words (``primary key (id)``, ``device name``…)."""
    rows: list[Row] = field(default_factory=list)
    """Differing rows up to the limit (and, for small summaries, the equal ones too)."""
    only_a: int = 0
    only_b: int = 0
    differ: int = 0
    same: int = 0
    notes: list[str] = field(default_factory=list)
    """What else differs or was decided (columns, types, a key that was not unique)."""
    schema_differs: bool = False
    """The two sides' columns (names or types) are not the same."""
    ignored: frozenset[int] = frozenset()
    """Columns shown for reference but never compared (device uuids)."""

    @property
    def equal(self) -> bool:
        """Whether nothing differs: the answer a deployment gate wants."""
        return not (self.only_a or self.only_b or self.differ or self.schema_differs)

    @property
    def more(self) -> int:
        """Differences counted but not kept in ``rows`` (the "… and N more")."""
        kept = sum(row.copies for row in self.rows if row.state in (ONLY_A, ONLY_B))
        kept += sum(1 for row in self.rows if row.state == DIFFER)
        return self.only_a + self.only_b + self.differ - kept

    def summary(self) -> str:
        """One line: ``3 only in staging · 5 only in prod · 12 differ · 480 same``."""
        if self.equal:
            return f"no differences · {self.same:,} the same"
        parts = []
        if self.only_a:
            parts.append(f"{self.only_a:,} only in {self.a.profile}")
        if self.only_b:
            parts.append(f"{self.only_b:,} only in {self.b.profile}")
        if self.differ:
            parts.append(f"{self.differ:,} differ")
        if self.schema_differs:
            parts.append("columns differ")
        parts.append(f"{self.same:,} the same")
        return " · ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The comparison as plain JSON types, for ``--json``."""
        return {
            "equal": self.equal,
            "kind": self.kind,
            "subject": self.subject,
            "a": _side_json(self.a),
            "b": _side_json(self.b),
            "matched_by": self.matched_by,
            "columns": list(self.columns),
            "key": [self.columns[i] for i in self.key],
            "counts": {"only_a": self.only_a, "only_b": self.only_b, "differ": self.differ,
                       "same": self.same},
            "schema_differs": self.schema_differs,
            "notes": list(self.notes),
            "rows": [self._row_json(row) for row in self.rows],
            "more": self.more,
        }

    def _row_json(self, row: Row) -> dict[str, Any]:
        names = self.columns
        item: dict[str, Any] = {
            "state": row.state,
            "key": {names[i]: json_value(row.key[n]) for n, i in enumerate(self.key)},
            "a": _cells(names, row.a),
            "b": _cells(names, row.b),
            "differs": [names[i] for i in sorted(row.differing)],
        }
        if row.copies != 1:
            item["copies"] = row.copies
        deltas = {names[i]: d for i in sorted(row.differing)
                  if (d := delta(row, i)) is not None}
        if deltas:
            item["delta"] = deltas
        return item


def delta(row: Row, index: int) -> int | None:
    """``b - a`` of column ``index`` when both cells are whole numbers, else ``None``."""
    if row.a is None or row.b is None:
        return None
    a, b = row.a[index], row.b[index]
    if type(a) is int and type(b) is int:  # not bool, not Decimal: a count
        return b - a
    return None


def _side_json(side: Side) -> dict[str, str]:
    return {"profile": side.profile, "place": side.place}


def _cells(names: list[str], values: tuple[Any, ...] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {name: json_value(value) for name, value in zip(names, values)}
