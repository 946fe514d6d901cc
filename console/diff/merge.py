"""Pairing two row streams that arrive in the same hash order, a group at a time.

Each stream yields ``(hash, *cells)`` sorted by hash. Rows whose key hashes
alike arrive together, so a merge holds one group of each side at a time —
usually one row — whatever the size of the results. Within a group, rows are
paired by their canonical key (two keys may share a hash; they are told
apart here) or, without a key, counted as a multiset of whole rows.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from console.diff.tally import Tally
from console.diff.values import canonical, display, same_row

Cells = tuple[Any, ...]
Group = list[Cells]


class DuplicateKey(Exception):
    """Two rows of one side share a key: the key cannot pair rows."""

    def __init__(self, side: str, key: Cells) -> None:
        super().__init__(side, key)
        self.side = side
        self.key = key

    def describe(self, names: Sequence[str]) -> str:
        """``id=3 appears twice on staging``."""
        shown = ", ".join(f"{n}={display(v)}" for n, v in zip(names, self.key))
        return f"{shown} appears more than once on {self.side}"


def groups(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[str, Group]]:
    """Group consecutive rows by their leading hash; yield (hash, rows without it)."""
    for digest, found in itertools.groupby(rows, key=lambda row: row[0]):
        yield digest, [tuple(row[1:]) for row in found]


def merged(a: Iterator[tuple[str, Group]], b: Iterator[tuple[str, Group]]
           ) -> Iterator[tuple[Group, Group]]:
    """Walk two hash-ordered group streams together; yield each hash's rows on both sides."""
    left, right = next(a, None), next(b, None)
    while left is not None or right is not None:
        if right is None or (left is not None and left[0] < right[0]):
            assert left is not None
            yield left[1], []
            left = next(a, None)
        elif left is None or right[0] < left[0]:
            yield [], right[1]
            right = next(b, None)
        else:
            yield left[1], right[1]
            left, right = next(a, None), next(b, None)


class KeyedMatch:
    """Pair rows by key; cells of a pair are compared one by one.

    Args:
        key: Indexes of the key's cells in a row.
        sides: The two profiles' names, for ``DuplicateKey``.
    """

    def __init__(self, key: Sequence[int], sides: tuple[str, str]) -> None:
        self.key = tuple(key)
        self.sides = sides

    def add(self, tally: Tally, a: Group, b: Group) -> None:
        """Compare one hash group's rows of both sides."""
        if len(a) == 1 and len(b) == 1 and same_row(self._key_of(a[0]), self._key_of(b[0])):
            tally.pair(self._key_of(a[0]), a[0], b[0])  # the usual group: one row each side
            return
        mine, theirs = self._index(a, self.sides[0]), self._index(b, self.sides[1])
        for found, row in mine.items():
            other = theirs.pop(found, None)
            if other is None:
                tally.only_in_a(self._key_of(row), row)
            else:
                tally.pair(self._key_of(row), row, other)
        for row in theirs.values():
            tally.only_in_b(self._key_of(row), row)

    def _key_of(self, row: Cells) -> Cells:
        return tuple(row[i] for i in self.key)

    def _index(self, rows: Group, side: str) -> dict[Any, Cells]:
        found: dict[Any, Cells] = {}
        for row in rows:
            key = tuple(canonical(row[i]) for i in self.key)
            if key in found:
                raise DuplicateKey(side, self._key_of(row))
            found[key] = row
        return found


class WholeRowMatch:
    """Compare rows as a multiset: a row twice on one side and once on the other
    is one row only on the first."""

    def add(self, tally: Tally, a: Group, b: Group) -> None:
        """Compare one hash group's rows of both sides."""
        counts_a, counts_b = self._count(a), self._count(b)
        for found, (row, copies) in counts_a.items():
            theirs = counts_b.pop(found, (row, 0))[1]
            tally.equal_copies(min(copies, theirs))
            if copies > theirs:
                tally.only_in_a(row, row, copies - theirs)
            elif theirs > copies:
                tally.only_in_b(row, row, theirs - copies)
        for row, copies in counts_b.values():
            tally.only_in_b(row, row, copies)

    @staticmethod
    def _count(rows: Group) -> dict[Any, tuple[Cells, int]]:
        counted = Counter(tuple(canonical(cell) for cell in row) for row in rows)
        first = {tuple(canonical(cell) for cell in row): row for row in rows}
        return {found: (first[found], n) for found, n in counted.items()}
