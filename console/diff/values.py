"""When two cells are the same, and how a cell is written for people and for JSON.

Python's ``==`` is too generous for a comparison of environments: ``1 ==
Decimal("1.0") == True``, and too strict: ``nan != nan``. Cells are compared
by a canonical form that keeps what ``psql`` would show: a number is its text
(an ``integer`` 1 and a ``numeric`` 1.0 differ, as ``1.0`` and ``1.00`` do;
an ``integer`` 2 and a ``bigint`` or ``numeric`` 2 do not), a boolean is never
a number, two NaNs are the same, and two moments are the same instant
whatever zone they were read in. Column types are compared on their own.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Hashable
from typing import Any

NULL = "NULL"
"""How a missing value (SQL ``NULL``) is written, so it never looks like an empty text."""


def canonical(value: Any) -> Hashable:
    """Return a hashable form of ``value`` that is equal only for truly equal cells."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, decimal.Decimal)):
        return ("number", str(value))
    if isinstance(value, float):
        return ("number", float_text(value))
    if isinstance(value, dt.datetime):
        return ("timestamp", _instant(value))
    if isinstance(value, (list, tuple)):
        return ("array", tuple(canonical(item) for item in value))
    if isinstance(value, dict):
        items = sorted((str(k), canonical(v)) for k, v in value.items())  # keys are unique
        return ("object", tuple(items))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ("bytes", bytes(value))
    return (type(value).__name__, str(value))


def float_text(value: float) -> str:
    """A float as PostgreSQL prints it (shortest exact digits, no ``.0`` on whole numbers)."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value).removesuffix(".0")


def _instant(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        return moment.isoformat()
    return moment.astimezone(dt.timezone.utc).isoformat() + "@"  # aware never equals naive


def same(a: Any, b: Any) -> bool:
    """Whether two cells hold the same value, as ``psql`` would show it."""
    return canonical(a) == canonical(b)


_PLAIN = frozenset({str, int, bool, type(None), dt.datetime, dt.date})
"""Types whose ``==`` between two values of the type means the same value."""


def same_row(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether every cell of two rows is the same; quick for the usual equal row.

    Most rows of two environments are equal, so ``==`` on cells of one plain
    type settles them; anything else (a float, a decimal, mixed types) is
    compared by ``canonical``.
    """
    if a == b and all(type(x) is type(y) and type(x) in _PLAIN for x, y in zip(a, b)):
        return True
    return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))


def display(value: Any) -> str:
    """Write a cell on one line, as an operator reads it (``NULL`` for a missing value)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(json_value(value), ensure_ascii=False, sort_keys=True)
    if isinstance(value, float):
        return float_text(value)
    text = str(value)
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def json_value(value: Any) -> Any:
    """Turn a cell into JSON types without hiding a difference.

    Decimals stay text (``"1.0"`` is not the integer ``1`` here); bytes are hex.
    """
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def sort_key(value: Any) -> tuple[int, Any]:
    """Order mixed cells without ``TypeError``: numbers by value, then text, NULL last."""
    if value is None:
        return (2, "")
    if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        if value != value:  # NaN sorts after every number, as in PostgreSQL
            return (1, "")
        return (0, value)
    return (1, display(value))
