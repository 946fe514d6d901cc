"""Rows read by a format library, written as CSV for ``COPY … FROM STDIN``.

Each value becomes the text PostgreSQL reads for the column's type (JSON
objects as JSON, booleans as ``true``/``false``, bytes as ``\\x`` hex, a
spreadsheet's zoneless timestamps as UTC). Arrow's CSV writer quotes every
value and leaves missing ones empty and unquoted, which is exactly how COPY
tells an empty string from NULL (Python's ``csv`` module cannot, before 3.12).

COPY counts the lines it reads, and a value holding a newline spans several,
so ``LineMap`` remembers which input row each COPY line came from: a bad row
is reported at its place in the input, not at a line of the stream.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import json
from collections.abc import Callable, Iterator
from typing import Any

from console.backends.datajobs._models import ColumnType
from console.backends.datajobs._rows import Row
from console.backends.encoding import json_default

BATCH_ROWS = 5000
Convert = Callable[[Any], "str | None"]


def _json_text(value: Any) -> str:
    if isinstance(value, str):
        return value  # already JSON text (a spreadsheet cell, a SQLite column)
    return json.dumps(value, default=json_default, ensure_ascii=False)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, (dict, list)):
        return _json_text(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def _timestamp(value: Any) -> str:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.isoformat() + "+00:00"  # a spreadsheet has no zones: read as UTC
    return _plain(value)


def _converter(kind: ColumnType) -> Convert:
    if kind is ColumnType.JSON:
        return _json_text
    if kind is ColumnType.TIMESTAMPTZ:
        return _timestamp
    return _plain


def converters(types: list[ColumnType]) -> list[Convert]:
    """One function per column turning a value into the text COPY reads for its type."""
    return [_converter(kind) for kind in types]


class LineMap:
    """Which input row (and place) each line of the COPY stream came from."""

    def __init__(self) -> None:
        self._lines: list[int] = []
        """First COPY line of each segment; within one, a row is one line."""
        self._places: list[int] = []
        self._spans: list[int] = []
        """Lines per row in the segment: 1, or more for a single multi-line row."""
        self.next_line = 1

    def add(self, place: int, lines: int = 1) -> None:
        """Record that the next row, from ``place`` in the input, takes ``lines`` lines."""
        contiguous = (self._spans and self._spans[-1] == 1 and lines == 1 and
                      self._places[-1] + (self.next_line - self._lines[-1]) == place)
        if not contiguous:
            self._lines.append(self.next_line)
            self._places.append(place)
            self._spans.append(lines)
        self.next_line += lines

    def add_run(self, first: int, count: int) -> None:
        """Record ``count`` one-line rows from consecutive places ``first``, ``first + 1``…"""
        if count <= 0:
            return
        self.add(first)  # starts or extends a one-line-per-row segment
        self.next_line += count - 1

    def place_of(self, line: int) -> int | None:
        """The input place of the row COPY line ``line`` belongs to."""
        index = bisect.bisect_right(self._lines, line) - 1
        if index < 0:
            return None
        if self._spans[index] > 1:
            return self._places[index]
        return self._places[index] + (line - self._lines[index])


def csv_chunks(rows: Iterator[Row], types: list[ColumnType], lines: LineMap,
               count: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """Encode rows as COPY CSV, ``BATCH_ROWS`` at a time, noting their lines in ``lines``.

    ``count`` is told how many rows each chunk holds.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from console.backends.datajobs._errors import map_arrow_errors

    convert = converters(types)
    names = [f"c{i}" for i in range(len(types))]
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    while True:
        batch = _next_batch(rows, convert)
        if batch is None:
            return
        places, columns = batch
        with map_arrow_errors("encode rows"):
            table = pa.RecordBatch.from_arrays([pa.array(c, pa.string()) for c in columns],
                                               names=names)
            sink = pa.BufferOutputStream()
            pacsv.write_csv(table, sink, options)
        data = sink.getvalue().to_pybytes()
        _note_lines(lines, places, columns, data)
        if count is not None:
            count(len(places))
        yield data


def _next_batch(rows: Iterator[Row], convert: list[Convert]
                ) -> tuple[list[int], list[list[str | None]]] | None:
    places: list[int] = []
    columns: list[list[str | None]] = [[] for _ in convert]
    for place, values in rows:
        places.append(place)
        for column, fn, value in zip(columns, convert, values):
            column.append(None if value is None else fn(value))
        if len(places) >= BATCH_ROWS:
            break
    return (places, columns) if places else None


def _note_lines(lines: LineMap, places: list[int], columns: list[list[str | None]],
                data: bytes) -> None:
    if data.count(b"\n") == len(places):  # no value spans lines: one line per row
        if places[-1] - places[0] == len(places) - 1:
            lines.add_run(places[0], len(places))
        else:
            for place in places:
                lines.add(place)
        return
    for index, place in enumerate(places):
        extra = sum(c[index].count("\n") for c in columns if c[index])
        lines.add(place, 1 + extra)
