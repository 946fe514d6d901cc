"""Read query parameters the way the FastAPI server does, with its 422 error body.

Lists repeat their key; ``KEY:VALUE`` entries split at the first colon and
entries without one are dropped; falsy values (``app_id=0``, ``false``) filter
nothing; unknown parameters are ignored. Bad values are gathered and reported
together as ``{"detail": [{"loc", "msg", "type"}, ...]}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.datastructures import QueryParams

MAX_PAGE_SIZE = 100_000


class Invalid(Exception):
    """Request validation failed; ``errors`` is FastAPI's ``detail`` list."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors


class Params:
    """Typed access to one request's query string, collecting validation errors."""

    def __init__(self, query: QueryParams) -> None:
        self.query = query
        self.errors: list[dict[str, Any]] = []

    def _error(
        self, loc: list[Any], msg: str, kind: str, ctx: dict[str, Any] | None = None
    ) -> None:
        entry: dict[str, Any] = {"loc": ["query", *loc], "msg": msg, "type": kind}
        if ctx:
            entry["ctx"] = ctx
        self.errors.append(entry)

    def check(self) -> None:
        """Raise ``Invalid`` if any parameter read so far was bad."""
        if self.errors:
            raise Invalid(self.errors)

    def ints(self, name: str) -> list[int] | None:
        values = self.query.getlist(name)
        if not values:
            return None
        out = []
        for i, value in enumerate(values):
            try:
                out.append(int(value))
            except ValueError:
                self._error([name, i], "value is not a valid integer", "type_error.integer")
        return out

    def int(self, name: str) -> int | None:
        value = self.query.get(name)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            self._error([name], "value is not a valid integer", "type_error.integer")
            return None
        return number or None

    def text(self, name: str) -> str | None:
        return self.query.get(name) or None

    def enums(self, name: str, allowed: tuple[str, ...]) -> list[str] | None:
        values = self.query.getlist(name)
        for i, value in enumerate(values):
            if value not in allowed:
                self._enum_error([name, i], allowed)
        return values or None

    def enum(self, name: str, allowed: tuple[str, ...]) -> str | None:
        value = self.query.get(name)
        if value is not None and value not in allowed:
            self._enum_error([name], allowed)
        return value or None

    def _enum_error(self, loc: list[Any], allowed: tuple[str, ...]) -> None:
        permitted = ", ".join(f"'{a}'" for a in allowed)
        self._error(
            loc,
            f"value is not a valid enumeration member; permitted: {permitted}",
            "type_error.enum",
            {"enum_values": list(allowed)},
        )

    def time(self, name: str) -> dt.datetime | None:
        value = self.query.get(name)
        if not value:
            return None
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self._error([name], "invalid datetime format", "value_error.datetime")
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)

    def tags(self, name: str) -> dict[str, str]:
        pairs = (v.split(":", 1) for v in self.query.getlist(name) if ":" in v)
        return {key: value for key, value in pairs}

    def flag(self, name: str) -> bool:
        return (self.query.get(name) or "").lower() in ("true", "1", "yes", "on")

    def page(self) -> tuple[int, int]:
        """Return ``(limit, offset)``: limit 0..100000 (default 100000), offset ≥ 0."""
        limit = self._bounded("limit", MAX_PAGE_SIZE, 0, MAX_PAGE_SIZE)
        offset = self._bounded("offset", 0, 0, None)
        return limit, offset

    def _bounded(self, name: str, default: int, low: int, high: int | None) -> int:
        value = self.query.get(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            self._error([name], "value is not a valid integer", "type_error.integer")
            return default
        if number < low:
            self._error(
                [name],
                f"ensure this value is greater than or equal to {low}",
                "value_error.number.not_ge",
                {"limit_value": low},
            )
        elif high is not None and number > high:
            self._error(
                [name],
                f"ensure this value is less than or equal to {high}",
                "value_error.number.not_le",
                {"limit_value": high},
            )
        return number
