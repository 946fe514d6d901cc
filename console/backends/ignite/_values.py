"""Typed keys and values: text an operator typed → the value and type hint pyignite sends,
and whatever pyignite read → a type name, a one-line preview and a field → value tree.

Ignite keys are typed: ``Long 1``, ``Int 1`` and ``String "1"`` are three
different keys. pyignite sends a Python ``int`` as Long and ``str`` as String;
any other type needs a hint, which is what the type names here pick.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyignite import GenericObjectMeta
from pyignite.datatypes import (
    BoolObject,
    DecimalObject,
    DoubleObject,
    IntObject,
    LongObject,
    String,
    TimestampObject,
    UUIDObject,
)

from console.errors import BadQuery

TYPES = ("string", "long", "int", "double", "boolean", "uuid", "timestamp", "decimal", "json")
"""Type names a key or value may be given as (``json`` is a String holding valid JSON)."""
AUTO = "auto"
"""Infer: ``true``/``false`` a boolean, digits a long (a lookup then tries int), else a string."""

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Typed:
    """A value and the pyignite type hint it is sent with."""

    value: Any
    hint: Any
    type_name: str

    def pair(self) -> tuple[Any, Any]:
        """``(value, hint)``, as pyignite takes in ``get_all``, ``put_all``, ``remove_keys``."""
        return self.value, self.hint


def typed(text: str, type_name: str = AUTO) -> Typed:
    """Read what the operator typed as a value of ``type_name``.

    Raises:
        BadQuery: the text does not read as that type, or the type is unknown.
    """
    name = type_name.lower()
    if name == AUTO:
        name = _guess(text)
    parse = _PARSERS.get(name)
    if parse is None:
        raise BadQuery(f"unknown type '{type_name}': use one of {', '.join((AUTO, *TYPES))}",
                       title="Bad type")
    try:
        value, hint = parse(text.strip() if name != "string" else text)
    except (ValueError, ArithmeticError, OverflowError) as exc:
        raise BadQuery(f"'{_short(text)}' is not a {name}: {exc}", title="Bad value") from exc
    return Typed(value, hint, name)


def _guess(text: str) -> str:
    stripped = text.strip()
    if stripped.lower() in ("true", "false"):
        return "boolean"
    if stripped.lstrip("-").isdigit() and len(stripped) < 20:
        return "long"
    return "string"


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _integer(limits: tuple[int, int], hint: Any) -> Callable[[str], tuple[Any, Any]]:
    def parse(text: str) -> tuple[Any, Any]:
        number = int(text.replace("_", ""), 10)
        if not limits[0] <= number <= limits[1]:
            raise ValueError(f"out of range {limits[0]}..{limits[1]}")
        return number, hint

    return parse


def _boolean(text: str) -> tuple[Any, Any]:
    lowered = text.lower()
    if lowered not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError("say true or false")
    return lowered in ("true", "1", "yes"), BoolObject


def _double(text: str) -> tuple[Any, Any]:
    return float(text), DoubleObject


def _decimal(text: str) -> tuple[Any, Any]:
    value = decimal.Decimal(text)
    if not value.is_finite():
        raise ValueError("NaN and infinity are not decimals")
    return value, DecimalObject


def _timestamp(text: str) -> tuple[Any, Any]:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:  # an operator's bare time is UTC, never this machine's zone
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return (moment, moment.microsecond * 1000 % 1_000_000), TimestampObject


def _json(text: str) -> tuple[Any, Any]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at line {exc.lineno}, column "
                         f"{exc.colno})") from exc
    return text, String


_PARSERS: dict[str, Callable[[str], tuple[Any, Any]]] = {
    "string": lambda text: (text, String),
    "long": _integer(_INT64, LongObject),
    "int": _integer(_INT32, IntObject),
    "double": _double,
    "boolean": _boolean,
    "uuid": lambda text: (uuid.UUID(text), UUIDObject),
    "timestamp": _timestamp,
    "decimal": _decimal,
    "json": _json,
}


# -- reading what pyignite returns ---------------------------------------------


def is_complex(value: Any) -> bool:
    """Whether ``value`` is a complex (binary) object pyignite built a class for."""
    return isinstance(type(value), GenericObjectMeta)


def is_timestamp(value: Any) -> bool:
    """pyignite reads a Timestamp as ``(datetime, nanoseconds)``."""
    return (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dt.datetime)
            and isinstance(value[1], int))


def type_name(value: Any) -> str:
    """Name a value's Ignite type as far as what pyignite read tells it."""
    if is_complex(value):
        return str(getattr(type(value), "type_name", type(value).__name__))
    if is_timestamp(value):
        return "timestamp"
    if isinstance(value, str):
        return "json" if looks_like_json(value) else "string"
    return _NAMES.get(type(value), type(value).__name__)


_NAMES: dict[type, str] = {
    bool: "boolean", int: "integer", float: "double", decimal.Decimal: "decimal",
    uuid.UUID: "uuid", dt.datetime: "date", dt.timedelta: "time", bytes: "byte[]",
    bytearray: "byte[]", list: "array", tuple: "collection", dict: "map", type(None): "null",
}


def looks_like_json(text: str) -> bool:
    """A string holding a JSON object or array (shown as a tree)."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "[{":
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True


def plain(value: Any) -> Any:
    """Turn what pyignite read into JSON-ready data: complex objects as field → value dicts,
    timestamps as aware datetimes, maps and collections as their contents."""
    if is_complex(value):
        fields = getattr(type(value), "schema", {}) or {}
        return {name: plain(getattr(value, name, None)) for name in fields}
    if is_timestamp(value):
        return _aware(value[0])
    if isinstance(value, dt.datetime):
        return _aware(value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], int):
        return plain(value[1])  # (kind, collection) or (type id, array)
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


def _aware(moment: dt.datetime) -> dt.datetime:
    """pyignite builds naive datetimes in this machine's zone; say which instant it is."""
    return moment.astimezone(dt.timezone.utc) if moment.tzinfo is None else moment


def tree(value: Any) -> Any:
    """The value as a tree to show: JSON strings parsed, complex objects as field dicts."""
    if isinstance(value, str) and looks_like_json(value):
        return json.loads(value)
    return plain(value)


def preview(value: Any, width: int = 80) -> str:
    """One line that stands for the value in a table."""
    data = plain(value)
    if isinstance(data, str):
        text = data
    elif isinstance(data, (dict, list)):
        text = json.dumps(data, default=str, ensure_ascii=False, separators=(", ", ": "))
        if is_complex(value):
            text = f"{type_name(value)} {text}"
    elif isinstance(data, dt.datetime):
        text = data.isoformat()
    else:
        text = str(data)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def key_text(value: Any) -> str:
    """A key as the operator would type it back (for ``get``, ``rm`` and the pane's lookup)."""
    data = plain(value)
    if isinstance(data, dt.datetime):
        return data.isoformat()
    if isinstance(data, (dict, list)):
        return json.dumps(data, default=str, ensure_ascii=False)
    return str(data)


def key_type(value: Any) -> str:
    """The type name that reads ``key_text(value)`` back to the same key (when one does)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"  # pyignite reads Int and Long alike; Long is what Python clients write
    return {float: "double", decimal.Decimal: "decimal", uuid.UUID: "uuid"}.get(
        type(value), "timestamp" if is_timestamp(value) else "string")


def candidates(value: Any) -> list[Typed]:
    """The typed keys a value read back may have been: pyignite reads Int and Long alike."""
    if is_complex(value):
        return [Typed(value, None, type_name(value))]
    if isinstance(value, bool):
        return [Typed(value, BoolObject, "boolean")]
    if isinstance(value, int):
        found = [Typed(value, LongObject, "long")]
        if _INT32[0] <= value <= _INT32[1]:
            found.append(Typed(value, IntObject, "int"))
        return found
    if is_timestamp(value):
        return [Typed(value, TimestampObject, "timestamp")]
    hints = {float: (DoubleObject, "double"), decimal.Decimal: (DecimalObject, "decimal"),
             uuid.UUID: (UUIDObject, "uuid"), str: (String, "string")}
    hint, name = hints.get(type(value), (None, type_name(value)))
    return [Typed(value, hint, name)]


def editable(value: Any) -> tuple[str, str] | None:
    """The value as text and the type that reads it back, or ``None`` (complex objects,
    arrays and maps are not edited as text)."""
    if isinstance(value, str):
        return value, "json" if looks_like_json(value) else "string"
    if isinstance(value, bool):
        return str(value).lower(), "boolean"
    if isinstance(value, int):
        return str(value), "long"
    if is_timestamp(value):
        return _aware(value[0]).isoformat(), "timestamp"
    kinds = {float: "double", decimal.Decimal: "decimal", uuid.UUID: "uuid"}
    kind = kinds.get(type(value))
    return (str(value), kind) if kind else None
