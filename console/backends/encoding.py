"""Turn the values services return into JSON types, without losing precision."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any


def json_default(value: Any) -> Any:
    """Encode what ``json`` does not know: dates as ISO 8601, decimals without loss."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        # A float holds 15 significant digits exactly; longer numbers stay strings.
        # Trailing zeros (numeric's scale: 0.2500) carry no value, so they do not count.
        if value.is_finite() and len(value.normalize().as_tuple().digits) <= 15:
            return int(value) if value == value.to_integral_value() else float(value)
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)
