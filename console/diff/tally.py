"""Counting differences exactly while keeping only the first few of them.

Comparisons feed pairs of rows to a ``Tally`` as they stream past; it counts
every one and keeps up to ``limit`` differing rows (and, when asked, the equal
ones: a jobs summary is small and reads better whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from console.diff.model import Comparison, Row
from console.diff.values import same, same_row, sort_key

DEFAULT_LIMIT = 200
"""Differing rows kept for display; the rest are counted ("… and N more")."""


def differing(a: Sequence[Any], b: Sequence[Any], ignored: frozenset[int] = frozenset()
              ) -> frozenset[int]:
    """Indexes of the cells that are not the same, leaving out ``ignored`` columns."""
    return frozenset(i for i, (x, y) in enumerate(zip(a, b))
                     if i not in ignored and not same(x, y))


class Tally:
    """Counts of a comparison in progress, and the rows kept to show.

    Args:
        limit: Differing rows to keep; the others are only counted.
        keep_same: Keep equal rows too (within the same limit).
        ignored: Columns never compared (shown for reference).
        ordered: Keep rows in the order they arrive instead of sorting them by key.
    """

    def __init__(self, limit: int = DEFAULT_LIMIT, *, keep_same: bool = False,
                 ignored: frozenset[int] = frozenset(), ordered: bool = False) -> None:
        self.limit = limit
        self.keep_same = keep_same
        self.ordered = ordered
        """Rows arrive in the order to show them; otherwise they are sorted by key."""
        self.ignored = ignored
        self.rows: list[Row] = []
        self.only_a = self.only_b = self.differ = self.same = 0

    def only_in_a(self, key: tuple[Any, ...], row: tuple[Any, ...], copies: int = 1) -> None:
        """A row side A has (``copies`` times) and side B has not."""
        self.only_a += copies
        self._keep(Row(key, row, None, copies=copies))

    def only_in_b(self, key: tuple[Any, ...], row: tuple[Any, ...], copies: int = 1) -> None:
        """A row side B has (``copies`` times) and side A has not."""
        self.only_b += copies
        self._keep(Row(key, None, row, copies=copies))

    def pair(self, key: tuple[Any, ...], a: tuple[Any, ...], b: tuple[Any, ...]) -> None:
        """The same row (by key) on both sides: equal, or with some cells differing."""
        cells = frozenset() if same_row(a, b) else differing(a, b, self.ignored)
        if cells:
            self.differ += 1
            self._keep(Row(key, a, b, cells))
        else:
            self.same += 1
            if self.keep_same:
                self._keep(Row(key, a, b))

    def equal_copies(self, count: int) -> None:
        """Count rows found identical on both sides without keeping them."""
        self.same += count

    def _keep(self, row: Row) -> None:
        if len(self.rows) < self.limit:
            self.rows.append(row)

    def into(self, comparison: Comparison) -> Comparison:
        """Fill ``comparison``'s counts and rows (sorted by key) and return it."""
        rows = self.rows
        if not self.ordered:
            rows = sorted(rows, key=lambda r: tuple(sort_key(v) for v in r.key))
        comparison.rows = rows
        comparison.only_a, comparison.only_b = self.only_a, self.only_b
        comparison.differ, comparison.same = self.differ, self.same
        comparison.ignored = self.ignored
        return comparison
