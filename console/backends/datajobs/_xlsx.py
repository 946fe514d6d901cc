"""XLSX inputs, read with python-calamine (Rust's calamine).

A sheet's first row names the columns (unless told otherwise). Excel keeps
every number as a float: whole numbers come back as integers. Empty cells
are missing values. Times of day and durations are read as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from console.backends.datajobs._errors import map_calamine_errors
from console.backends.datajobs._infer import column_names
from console.backends.datajobs._rows import Row, RowTable, infer, sampled

EXACT_FLOAT_INTEGERS = 2**53


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheets, in order.

    Raises:
        BadQuery: not a readable workbook.
    """
    from python_calamine import CalamineWorkbook

    with map_calamine_errors(str(path)):
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            return list(workbook.sheet_names)
        finally:
            workbook.close()


def read_sheet(path: Path, sheet: str | None = None, *, header: bool = True) -> RowTable:
    """Read one sheet (the first unless named) as a table.

    Raises:
        NotFound: no sheet of that name.
        BadQuery: not a readable workbook.
    """
    from python_calamine import CalamineWorkbook

    with map_calamine_errors(str(path)):
        workbook = CalamineWorkbook.from_path(str(path))
        chosen = workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)
        first_row = (chosen.start or (0, 0))[0] + 1
        cells = iter(chosen.iter_rows())
    names_row = [_value(v) for v in next(cells, [])] if header else []
    numbered = _numbered(cells, first_row + (1 if header else 0), str(path))
    head, rows = sampled(numbered)
    width = max([len(names_row), *(len(r) for _, r in head)], default=0)
    columns = column_names([*names_row, *[None] * (width - len(names_row))])
    sample = [_padded(r, width) for _, r in head]
    return RowTable(chosen.name, columns, infer(sample, width), sample,
                    _widths(rows, width), "row", f"sheet '{chosen.name}'", workbook.close)


def _numbered(cells: Iterator[list[Any]], first: int, path: str) -> Iterator[Row]:
    with map_calamine_errors(path):
        for number, raw in enumerate(cells, first):
            values = [_value(v) for v in raw]
            if any(v is not None for v in values):  # blank rows in the middle are skipped
                yield number, values


def _widths(rows: Iterator[Row], width: int) -> Iterator[Row]:
    for number, values in rows:
        yield number, _padded(values, width)


def _padded(values: list[Any], width: int) -> list[Any]:
    return (values + [None] * (width - len(values)))[:width] if len(values) != width else values


def _value(cell: Any) -> Any:
    if cell == "" or cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < EXACT_FLOAT_INTEGERS:
        return int(cell)
    if isinstance(cell, (dt.time, dt.timedelta)):
        return str(cell)
    return cell
