"""Query results as Arrow tables for the grid, and the words of the status line.

The column's PostgreSQL type decides its Arrow type, never the values seen
so far: a page fetched later always fits the schema of the first. Numbers
and booleans stay numbers (the grid right-aligns them); everything else is
shown as text the way psql would show it (``numeric`` keeps every digit).
Conversion runs in the worker thread that fetched the rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa

_INTEGER = frozenset({"smallint", "integer", "bigint", "oid"})
_FLOAT = frozenset({"real", "double precision"})
_BOOLEAN = frozenset({"boolean"})


def arrow_type(type_name: str) -> pa.DataType:
    """Return the Arrow type a column of PostgreSQL type ``type_name`` is shown as."""
    if type_name in _INTEGER:
        return pa.int64()
    if type_name in _FLOAT:
        return pa.float64()
    if type_name in _BOOLEAN:
        return pa.bool_()
    return pa.string()


def as_text(value: Any) -> str | None:
    """Return ``value`` as the text the grid shows (``None`` stays ``None``)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _keep(value: Any) -> Any:
    return value


def _converters(types: Sequence[pa.DataType]) -> list[Callable[[Any], Any]]:
    return [as_text if t == pa.string() else _keep for t in types]


def schema(names: Sequence[str], type_names: Sequence[str]) -> pa.Schema:
    """Return the Arrow schema of a result with these column names and types."""
    # field names may repeat (select 1 as a, 2 as a); Arrow allows that in a schema
    return pa.schema([pa.field(n, arrow_type(t)) for n, t in zip(names, type_names)])


def to_batch(result_schema: pa.Schema, rows: Sequence[Sequence[Any]]) -> pa.RecordBatch:
    """Convert rows as the driver returned them into one batch of ``result_schema``."""
    converters = _converters(result_schema.types)
    columns = [
        pa.array([convert(row[i]) for row in rows], type=field.type)
        for i, (convert, field) in enumerate(zip(converters, result_schema))
    ]
    return pa.RecordBatch.from_arrays(columns, schema=result_schema)


def to_cells(result_schema: pa.Schema, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Convert rows into the cells the grid's ``add_rows`` takes (same rules as ``to_batch``)."""
    converters = _converters(result_schema.types)
    return [[convert(cell) for convert, cell in zip(converters, row)] for row in rows]


def elapsed_text(seconds: float) -> str:
    """Return a duration as the status line shows it: ``4 ms`` under 10 s, else ``12.5 s``."""
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def status_text(*, rows: int, exhausted: bool, elapsed: float, status: str, has_rows: bool,
                cancelled: bool = False) -> str:
    """Return the result's status line, e.g. ``1,000+ rows, more on scroll · 4 ms``."""
    took = elapsed_text(elapsed)
    if not has_rows:
        return f"{status or 'OK'} · {took}"
    noun = "row" if rows == 1 else "rows"
    if cancelled:
        return f"{rows:,} {noun} shown, cancelled · {took}"
    if exhausted:
        return f"{rows:,} {noun} · {took}"
    return f"{rows:,}+ rows, more on scroll · {took}"
