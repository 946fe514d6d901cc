"""Turn the values services return into JSON types, without losing precision."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid
from collections.abc import Iterable
from typing import Any


def json_default(value: Any) -> Any:
    """Encode what ``json`` does not know: dates as ISO 8601, decimals without loss."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return _decimal(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


_EXACT_INTEGERS = 2**53
"""Integers up to this size survive a reader that parses every JSON number as a float."""


def _decimal(value: decimal.Decimal) -> int | float | str:
    """A number when a JSON reader gets exactly ``value`` back, else its text.

    Counting digits is not enough: ``1E-400`` has one digit, but as a float it
    is 0.0. A float is written as its shortest repr, so it is exact when that
    text reads back as the same decimal (trailing zeros such as numeric's
    ``0.2500`` carry no value and do not count).
    """
    if not value.is_finite():
        return str(value)  # NaN, Infinity: not JSON numbers
    if value == value.to_integral_value() and abs(value) <= _EXACT_INTEGERS:
        return int(value)
    number = float(value)
    if math.isfinite(number) and decimal.Decimal(repr(number)) == value:
        return number
    return str(value)


def json_finite(value: Any) -> Any:
    """JSON has no NaN or Infinity: such floats become strings, as PostgreSQL writes them."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def unique_names(names: Iterable[str]) -> list[str]:
    """Make column names usable as object keys: a repeated ``a`` becomes ``a_2``."""
    seen: set[str] = set()
    result = []
    for name in names:
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate)
        result.append(candidate)
    return result
