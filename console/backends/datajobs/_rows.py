"""Inputs read row by row by a format library: JSON, XLSX and SQLite tables.

Each becomes a ``RowTable``: column names, the first rows (to infer types and
preview), and an iterator over every row with its place in the input (a
JSON file's line or element, a sheet's row, a SQLite table's row), so a bad
row can be named. Only the first rows are held; the rest stream.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from console.backends.datajobs._infer import infer_value_columns
from console.backends.datajobs._models import ColumnType, ImportColumn, PreviewTable

SAMPLE_ROWS = 1000
PREVIEW_ROWS = 20

Row = tuple[int, list[Any]]
"""A row's place in the input (line, element or row number) and its values."""


@dataclass
class RowTable:
    """One table of an input: its columns, its first rows, and all rows as they stream."""

    name: str
    """The sheet or SQLite table (``""`` for JSON)."""
    columns: list[str]
    types: list[ColumnType]
    sample: list[list[Any]]
    rows: Iterator[Row]
    """Every row, the sample's included, each with its place in the input."""
    unit: str = "row"
    """What a place counts: ``line``, ``element`` or ``row``."""
    where: str = ""
    """Where the unit counts, e.g. ``sheet 'data'`` (``""``: the file)."""
    close: Callable[[], None] = field(default=lambda: None)

    def preview(self) -> PreviewTable:
        """The columns and first rows as text, for the operator to check and retype."""
        columns = tuple(ImportColumn(n, t) for n, t in zip(self.columns, self.types))
        rows = tuple(tuple(_shown(v) for v in row) for row in self.sample[:PREVIEW_ROWS])
        return PreviewTable(self.name, columns, rows)


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        import json

        from console.backends.encoding import json_default

        return json.dumps(value, default=json_default, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sampled(rows: Iterator[Row], size: int = SAMPLE_ROWS) -> tuple[list[Row], Iterator[Row]]:
    """Split off the first ``size`` rows; the iterator returned still yields them first."""
    head = list(itertools.islice(rows, size))
    return head, itertools.chain(head, rows)


def infer(sample: list[list[Any]], width: int,
          declared: list[ColumnType | None] | None = None) -> list[ColumnType]:
    """Column types from the sample's values; a declared type (SQLite's) wins where given."""
    found = infer_value_columns(sample, width)
    if declared is None:
        return found
    return [d if d is not None else f for d, f in zip(declared, found)]
