"""CrateDB's reply shapes: column type codes, values on the wire, and the error envelope.

Types come from the PostgreSQL type of each result column (its OID), turned
into CrateDB's ``col_types`` ids (protocol notes §2); values into what CrateDB
sends: timestamps and dates as epoch milliseconds, objects as JSON objects.
Errors carry CrateDB's exception name and code, and the HTTP status is the
code's first three digits (§3).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from typing import Any

import psycopg2

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

# PostgreSQL type OID -> CrateDB type id
_SCALARS = {
    16: 3, 18: 2, 19: 4, 20: 10, 21: 8, 23: 9, 25: 4, 26: 9, 114: 12, 3802: 12,
    700: 7, 701: 6, 1042: 4, 1043: 4, 1082: 24, 1114: 11, 1184: 11, 1266: 20, 1700: 6,
    869: 5, 650: 5, 2205: 23, 24: 19, 30: 21, 600: 13, 705: 4, 2950: 4,
}
_ARRAYS = {
    1000: 3, 1005: 8, 1007: 9, 1016: 10, 1009: 4, 1015: 4, 1021: 7, 1022: 6, 1115: 11,
    1185: 11, 3807: 12, 199: 12, 1182: 24, 1231: 6, 1041: 5,
}


def col_type(oid: int) -> int | list[int]:
    """CrateDB's type id for a PostgreSQL type; arrays are ``[100, inner]``."""
    if oid in _ARRAYS:
        return [100, _ARRAYS[oid]]
    return _SCALARS.get(oid, 4)


def _epoch_ms(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return int((aware - _EPOCH).total_seconds() * 1000)
    if isinstance(value, dt.date):
        return int((dt.datetime(value.year, value.month, value.day,
                                tzinfo=dt.timezone.utc) - _EPOCH).total_seconds() * 1000)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):  # sum() of integers: CrateDB sends a long
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return _epoch_ms(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool, dict)) or value is None:
        return value
    return str(value)


def wire_value(value: Any) -> Any:
    """A value as CrateDB sends it in ``rows``."""
    return _plain(value)


class CrateError(Exception):
    """An error CrateDB answers with ``{"error": {"message", "code"}}``."""

    def __init__(self, code: int, name: str, detail: str) -> None:
        super().__init__(f"{name}[{detail}]")
        self.code = code
        self.message = f"{name}[{detail}]"

    @property
    def status(self) -> int:
        """The HTTP status: the code's first three digits (5030 is sent as 500)."""
        status = int(str(self.code)[:3])
        return 500 if status == 503 else status

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "code": self.code}}


def _quoted(message: str) -> str:
    found = re.search(r'"([^"]+)"', message)
    return found.group(1) if found else "?"


def from_postgres(exc: psycopg2.Error, schema: str) -> CrateError:
    """Say what PostgreSQL refused the way CrateDB would."""
    text = (exc.diag.message_primary or str(exc)).strip()
    code = exc.pgcode or ""
    name = _quoted(text)
    if code == "42P01":
        qualified = name if "." in name else f"{schema}.{name}"
        return CrateError(4041, "RelationUnknown", f"Relation '{qualified}' unknown")
    if code == "3F000":
        return CrateError(4045, "SchemaUnknownException", f"Schema '{name}' unknown")
    if code == "42703":
        return CrateError(4043, "ColumnUnknownException", f"Column {name} unknown")
    if code == "23505":
        return CrateError(4091, "DuplicateKeyException",
                          "A document with the same primary key exists already")
    if code == "42P07":
        return CrateError(4093, "RelationAlreadyExists", f"Relation '{schema}.{name}' "
                          "already exists.")
    if code == "42883":
        return CrateError(4004, "UnsupportedFunctionException", text)
    if code == "57014":
        return CrateError(5030, "JobKilledException", "Job killed. " + text)
    if code.startswith(("42", "22", "23", "0A")):
        return CrateError(4000, "SQLParseException", _with_line(text, exc))
    return CrateError(5000, "SQLActionException", text)


def _with_line(text: str, exc: psycopg2.Error) -> str:
    position = getattr(exc.diag, "statement_position", None)
    return f"line 1:{position}: {text}" if position else text


def parse_error(detail: str) -> CrateError:
    """A statement the stand-in's parser could not read (code 4000)."""
    return CrateError(4000, "SQLParseException", detail)

