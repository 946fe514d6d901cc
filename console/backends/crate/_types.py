"""CrateDB's ``col_types`` codes: a PostgreSQL-spelled name and a value converter each.

Timestamps arrive as epoch milliseconds and become ``datetime`` (UTC), dates
``date``; objects and arrays stay ``dict``/``list`` (shown as JSON); arrays
are ``[100, inner]`` and nest. Code 15 is a timestamp without time zone to
crate-python and CrateDB's source, and an unchecked object to our protocol
notes: its values say which (a number is a time, an object an object).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

Converter = Callable[[Any], Any]
ColType = int | list[Any]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

NAMES: dict[int, str] = {
    0: "unknown", 1: "text", 2: "\"char\"", 3: "boolean", 4: "text", 5: "inet",
    6: "double precision", 7: "real", 8: "smallint", 9: "integer", 10: "bigint",
    11: "timestamp with time zone", 12: "json", 13: "point", 14: "json",
    15: "timestamp without time zone", 16: "json", 17: "interval", 18: "record",
    19: "regproc", 20: "time with time zone", 21: "oidvector", 22: "numeric",
    23: "regclass", 24: "date", 25: "bit varying", 26: "json", 27: "character",
    28: "real[]",
}
"""CrateDB type id → the PostgreSQL spelling the SQL editor's grid reads."""


def to_time(value: Any) -> Any:
    """Epoch milliseconds → an aware UTC ``datetime`` (anything else as it came)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _EPOCH + dt.timedelta(milliseconds=value)
    return value


def _to_naive_time(value: Any) -> Any:
    converted = to_time(value)
    return converted.replace(tzinfo=None) if isinstance(converted, dt.datetime) else converted


def _to_date(value: Any) -> Any:
    converted = to_time(value)
    return converted.date() if isinstance(converted, dt.datetime) else converted


def _keep(value: Any) -> Any:
    return value


_CONVERTERS: dict[int, Converter] = {11: to_time, 15: _to_naive_time, 24: _to_date}


def type_name(code: ColType) -> str:
    """The PostgreSQL spelling of a CrateDB type (``[100, 4]`` → ``text[]``)."""
    if isinstance(code, list):
        if len(code) == 2 and code[0] == 100:
            return type_name(code[1]) + "[]"
        return "text"
    return NAMES.get(code, "text")


def converter(code: ColType) -> Converter:
    """The function that turns a wire value of this type into a Python value."""
    if isinstance(code, list):
        if len(code) == 2 and code[0] == 100:
            inner = converter(code[1])
            if inner is _keep:
                return _keep
            return lambda value: [inner(v) for v in value] if isinstance(value, list) else value
        return _keep
    return _CONVERTERS.get(code, _keep)


def columns_of(names: Sequence[str], codes: Sequence[ColType] | None,
               rows: Sequence[Sequence[Any]]) -> list[tuple[str, str, Converter]]:
    """Each column's name, PostgreSQL type name and converter.

    Without ``col_types`` (an old server) every column is text as sent.
    """
    if not codes or len(codes) != len(names):
        return [(name, "text", _keep) for name in names]
    found = []
    for i, (name, code) in enumerate(zip(names, codes)):
        if code == 15 and _first_value(rows, i, dict):
            found.append((name, "json", _keep))  # the notes' unchecked object
        else:
            found.append((name, type_name(code), converter(code)))
    return found


def _first_value(rows: Sequence[Sequence[Any]], index: int, kind: type) -> bool:
    for row in rows:
        if row[index] is not None:
            return isinstance(row[index], kind)
    return False


def convert_rows(rows: Sequence[Sequence[Any]],
                 converters: Sequence[Converter]) -> list[tuple[Any, ...]]:
    """Apply each column's converter to every row."""
    if all(c is _keep for c in converters):
        return [tuple(row) for row in rows]
    return [tuple(c(v) for c, v in zip(converters, row)) for row in rows]
