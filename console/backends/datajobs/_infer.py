"""Guess a column's type from its first values, as PostgreSQL would accept them.

Text (CSV cells, strings in JSON or a spreadsheet) is only given a type the
server reads the same text as: integers without leading zeros (a ZIP code
``02134`` stays text), decimals, ``true``/``false``/``yes``/``no``, ISO dates
and ISO timestamps. A column's type is the narrowest that holds every
non-empty value; anything mixed is text. The operator can change any of it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from collections.abc import Iterable
from typing import Any

from console.backends.datajobs._models import ColumnType

_INTEGER = re.compile(r"[+-]?(0|[1-9]\d*)")
_DECIMAL = re.compile(r"[+-]?(?=\.?\d)(0|[1-9]\d*)?(\.\d+)?([eE][+-]?\d+)?")
_BOOLEAN = frozenset({"true", "false", "t", "f", "yes", "no"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?\s?(Z|[+-]\d{2}(:?\d{2})?)?")
BIGINT = 2**63
"""Integers from -BIGINT to BIGINT - 1 fit the ``bigint`` an integer column becomes."""

_WIDENS = {
    frozenset({ColumnType.INTEGER, ColumnType.DECIMAL}): ColumnType.DECIMAL,
    frozenset({ColumnType.DATE, ColumnType.TIMESTAMPTZ}): ColumnType.TIMESTAMPTZ,
}


def text_type(text: str) -> ColumnType | None:
    """The type one piece of text reads as (``None`` for an empty cell)."""
    value = text.strip()
    if not value:
        return None
    if _INTEGER.fullmatch(value):
        return ColumnType.INTEGER if -BIGINT <= int(value) < BIGINT else ColumnType.DECIMAL
    if _DECIMAL.fullmatch(value):
        return ColumnType.DECIMAL
    if value.lower() in _BOOLEAN:
        return ColumnType.BOOLEAN
    return _temporal(value) or _json(value) or ColumnType.TEXT


def _temporal(value: str) -> ColumnType | None:
    """``date`` for ``2026-01-31``; ``timestamptz`` for ISO date and time, zone or not."""
    if _DATE.fullmatch(value):
        return ColumnType.DATE if _valid_date(value) else None
    if _TIMESTAMP.fullmatch(value) and _valid_date(value[:10]):
        hour, minute = int(value[11:13]), int(value[14:16])
        return ColumnType.TIMESTAMPTZ if hour < 24 and minute < 60 else None
    return None


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _json(value: str) -> ColumnType | None:
    if value[0] not in "[{":
        return None
    try:
        json.loads(value)
    except ValueError:
        return None
    return ColumnType.JSON


def value_type(value: Any) -> ColumnType | None:
    """The type a value read by a format library (JSON, XLSX, SQLite) stands for."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return ColumnType.BOOLEAN
    if isinstance(value, int):
        return ColumnType.INTEGER if -BIGINT <= value < BIGINT else ColumnType.DECIMAL
    if isinstance(value, (float, decimal.Decimal)):
        return ColumnType.DECIMAL
    if isinstance(value, dt.datetime):
        return ColumnType.TIMESTAMPTZ
    if isinstance(value, dt.date):
        return ColumnType.DATE
    if isinstance(value, (dict, list)):
        return ColumnType.JSON
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ColumnType.BYTES
    if isinstance(value, str):  # a string in typed data: only dates, times and JSON text
        text = value.strip()
        return (_temporal(text) or _json(text) or ColumnType.TEXT) if text else None
    return ColumnType.TEXT


def merge(types: Iterable[ColumnType | None]) -> ColumnType:
    """The narrowest type holding all of ``types`` (``None`` = empty, fits any); else text."""
    found: ColumnType | None = None
    for kind in types:
        if kind is None or kind == found:
            continue
        if found is None:
            found = kind
            continue
        found = _WIDENS.get(frozenset({found, kind}), ColumnType.TEXT)
        if found is ColumnType.TEXT:
            return found
    return found or ColumnType.TEXT


def infer_text_columns(rows: list[list[str]], width: int) -> list[ColumnType]:
    """Infer each column's type from rows of text cells."""
    return [merge(text_type(row[i]) if i < len(row) else None for row in rows)
            for i in range(width)]


def infer_value_columns(rows: list[list[Any]], width: int) -> list[ColumnType]:
    """Infer each column's type from rows of values a format library returned."""
    return [merge(value_type(row[i]) if i < len(row) else None for row in rows)
            for i in range(width)]


def column_names(raw: Iterable[Any]) -> list[str]:
    """Make header cells usable as column names: trimmed, never empty, never repeated."""
    names: list[str] = []
    seen: set[str] = set()
    for number, cell in enumerate(raw, 1):
        base = str(cell).strip() if cell is not None else ""
        base = base[:63] or f"column_{number}"
        name, n = base, 1
        while name.lower() in seen:
            n += 1
            name = f"{base[:59]}_{n}"
        seen.add(name.lower())
        names.append(name)
    return names
