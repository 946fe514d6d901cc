"""Write rows to an XLSX workbook with xlsxwriter in constant-memory mode.

Each row is flushed to disk as soon as the next begins, so memory stays flat
on a sheet's full 1,048,576 rows. Numbers are written as numbers where
Excel's doubles hold them exactly (else as text, like the JSON export),
dates and timestamps as Excel dates with a date format (a timestamp with a
zone in UTC: Excel has no zones), booleans as booleans, JSON as its text.
Text is always text: a value starting with ``=`` never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from pathlib import Path
from typing import Any

from console.backends.datajobs import JobHandle, map_xlsxwriter_errors
from console.backends.encoding import json_default
from console.backends.postgres._rows_out import RowBatches
from console.errors import BadQuery

MAX_ROWS = 1_048_576
"""Rows in one Excel sheet, header included."""
MAX_TEXT = 32_767
EXACT = 2**53


def write_xlsx(rows: RowBatches, path: Path, handle: JobHandle | None) -> int:
    """Write every batch to one sheet of ``path``; return the row count.

    Raises:
        BadQuery: more rows than a sheet holds, or a text longer than a cell holds.
        ConsoleError: the file cannot be written.
    """
    import xlsxwriter

    with map_xlsxwriter_errors("export rows"):
        book = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False, "default_date_format": "yyyy-mm-dd hh:mm:ss",
        })
        try:
            count = _fill(book, rows, handle)
        finally:
            book.close()
    return count


def _fill(book: Any, rows: RowBatches, handle: JobHandle | None) -> int:
    sheet = book.add_worksheet("data")
    formats = {
        "header": book.add_format({"bold": True}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        "time": book.add_format({"num_format": "hh:mm:ss"}),
    }
    for col, column in enumerate(rows.columns):
        sheet.write_string(0, col, column.name, formats["header"])
    line = 0
    for batch in rows.batches:
        if line + len(batch) >= MAX_ROWS:
            raise BadQuery(f"an XLSX sheet holds at most {MAX_ROWS - 1:,} rows under its header;"
                           " export to csv or parquet instead", operation="export rows")
        for row in batch:
            line += 1
            for col, value in enumerate(row):
                if value is not None:
                    _cell(sheet, line, col, value, formats, rows.columns[col].name)
        if handle is not None:
            handle.advance(rows=len(batch))
    return line


def _cell(sheet: Any, row: int, col: int, value: Any, formats: dict[str, Any],
          name: str) -> None:
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float, decimal.Decimal)) and _exact(value):
        sheet.write_number(row, col, float(value))
    elif isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        sheet.write_datetime(row, col, value, formats["datetime"])
    elif isinstance(value, (dt.date, dt.time)):
        kind = "date" if isinstance(value, dt.date) else "time"
        sheet.write_datetime(row, col, value, formats[kind])
    else:
        text = value if isinstance(value, str) else _text(value)
        if len(text) > MAX_TEXT:
            raise BadQuery(f"row {row:,}, column {name!r}: a text of {len(text):,} characters "
                           f"does not fit an Excel cell ({MAX_TEXT:,})", operation="export rows")
        sheet.write_string(row, col, text)


def _exact(value: int | float | decimal.Decimal) -> bool:
    """Whether Excel's double holds the number exactly (else it is written as text)."""
    if isinstance(value, int):
        return abs(value) <= EXACT
    if isinstance(value, float):
        return math.isfinite(value)
    if not value.is_finite():
        return False
    number = float(value)
    return math.isfinite(number) and decimal.Decimal(repr(number)) == value


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=json_default, ensure_ascii=False)
    if isinstance(value, memoryview):
        return "\\x" + bytes(value).hex()
    return str(value)
