"""The device filter language of the Devices pane's ``/`` and ``devices list --filter``.

``online status=operational,updating name~gw -tag=rack`` → a ``$filter`` object
the server evaluates. Terms are separated by spaces and must all hold; the
grammar is documented in ``docs/device-filter.md``.

``fleet=`` takes any fleet identifier. A slug or a short numeric id becomes a
server-side match; a uuid or short uuid is first found by the client's own
``BalenaClient.resolve_fleet`` (``fleet_lookups`` lists them), so an unknown or
ambiguous prefix is refused with the fleets it matches, never matched twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from console.backends.balena.client import FLEET_SHORT_UUID
from console.errors import BadQuery

# A bare word may hold digits, dots and dashes (``gw-001``, a short uuid ``1fb17c2``);
# a leading ``-`` is always the negation. A value is one item or a comma-separated list
# of them; an item in double quotes may hold spaces and commas (``note="a,b"`` is one).
_ITEM = r'(?:"[^"]*"|[^\s",]*)'
_TERM = re.compile(
    r"\s*(?P<neg>-)?(?P<field>[A-Za-z0-9_][A-Za-z0-9_.\-]*)"
    rf"(?:(?P<op>!=|>=|<=|=|~|\^|>|<)(?P<value>{_ITEM}(?:,{_ITEM})*))?"
)
_ITEMS = re.compile(r'"[^"]*"|[^\s",]+')

TEXT_FIELDS = {
    "name": "device_name",
    "uuid": "uuid",
    "status": "overall_status",
    "os": "os_version",
    "supervisor": "supervisor_version",
    "ip": "ip_address",
    "note": "note",
    "heartbeat": "api_heartbeat_state",
}
NUMBER_FIELDS = {"id": "id", "cpu_temp": "cpu_temp", "progress": "overall_progress"}
DATE_FIELDS = {"seen": "last_connectivity_event", "created": "created_at"}
LISTABLE = frozenset(TEXT_FIELDS) | frozenset(NUMBER_FIELDS)
"""Fields whose ``=``/``!=`` take a comma-separated list (``id=1,2,3``: any of them)."""
FLAGS: dict[str, dict[str, Any]] = {
    "online": {"is_online": True},
    "offline": {"is_online": False},
    "pinned": {"is_pinned_on__release": {"$ne": None}},
    "tracking": {"is_pinned_on__release": None},
    "updating": {"overall_status": "updating"},
}
COMPARE = {"=": "$eq", "!=": "$ne", ">": "$gt", ">=": "$ge", "<": "$lt", "<=": "$le"}
FIELD_HELP = (
    "name uuid status os supervisor ip note heartbeat id cpu_temp progress seen created "
    "fleet release type tag"
)


def completions() -> list[str]:
    """The words a filter term starts with (``name=`` … and the flags), for completion."""
    return [f"{field}=" for field in FIELD_HELP.split()] + list(FLAGS)


def _bad(message: str, position: int) -> BadQuery:
    return BadQuery(
        f"filter: {message} (at {position})", position=position, operation="filter devices"
    )


def parse(text: str, fleets: Mapping[str, int] | None = None) -> dict[str, Any] | None:
    """Turn filter text into a ``$filter`` object; ``None`` when the text is empty.

    Args:
        text: The filter text.
        fleets: The id of each fleet ``fleet_lookups(text)`` names, by that identifier.
            Without it the text is only checked (as the pane does while the operator
            types) and the object is not to be sent: such a term stands for no fleet.

    Raises:
        BadQuery: the text does not parse; ``position`` is the 1-based column.
    """
    terms: list[dict[str, Any]] = []
    for match in _matches(text):
        term = _term(match, fleets)
        terms.append({"$not": term} if match["neg"] else term)
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else {"$and": terms}


def fleet_lookups(text: str) -> list[str]:
    """The ``fleet=`` identifiers only the API can resolve (uuids and short uuids).

    Raises:
        BadQuery: the text does not parse.
    """
    terms = (m for m in _matches(text) if m["field"].lower() == "fleet" and m["op"] == "=")
    return list(dict.fromkeys(v for v in (_value(m).lower() for m in terms) if _needs_lookup(v)))


def _matches(text: str) -> Iterator[re.Match[str]]:
    pos = 0
    while text[pos:].strip():
        match = _TERM.match(text, pos)
        if match is None or match.end() == pos:
            start = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise _bad(f"cannot read {text[start:].split()[0]!r}", start + 1)
        yield match
        pos = match.end()
        if pos < len(text) and not text[pos].isspace():
            raise _bad(f"unexpected {text[pos]!r}", pos + 1)


def _items(match: re.Match[str]) -> list[str]:
    """The value's comma-separated items, unquoted (a quoted item keeps its commas)."""
    found = _ITEMS.findall(match["value"] or "")
    items = [i[1:-1] if len(i) >= 2 and i[0] == i[-1] == '"' else i for i in found]
    return [item for item in items if item != ""]


def _value(match: re.Match[str]) -> str:
    """The value as one item (what fields that take a single value read)."""
    items = _items(match)
    return items[0] if len(items) == 1 else ",".join(items)


def _term(match: re.Match[str], fleets: Mapping[str, int] | None) -> dict[str, Any]:
    field, op = match["field"].lower(), match["op"]
    column = match.start("field") + 1
    if op is None:
        return FLAGS.get(field) or _word(match["field"])
    items = _items(match)
    if not items:
        raise _bad(f"'{field}{op}' needs a value", match.start("op") + 2)
    if len(items) > 1 and (op not in ("=", "!=") or field not in LISTABLE):
        raise _bad(f"'{field}{op}' takes one value, not a list", column)
    value = items[0]
    if field == "fleet":
        return _fleet(op, value, column, fleets)
    builder = _BUILDERS.get(field)
    if builder is not None:
        return builder(op, value, column)
    if field in TEXT_FIELDS:
        return _listed(TEXT_FIELDS[field], op, items, column, _text)
    if field in NUMBER_FIELDS:
        numbers = [_number(item, column) for item in items]
        return _listed(NUMBER_FIELDS[field], op, numbers, column, _compare)
    if field in DATE_FIELDS:
        return _compare(DATE_FIELDS[field], op, _date(value, column), column)
    raise _bad(f"unknown field {field!r}; known: {FIELD_HELP}", column)


def _listed(
    field: str, op: str, values: list[Any], column: int, one: Callable[..., dict[str, Any]]
) -> dict[str, Any]:
    """``FIELD=a,b`` is any of them, ``FIELD!=a,b`` none of them; one value compares."""
    if len(values) == 1:
        return one(field, op, values[0], column)
    values = [None if v == "null" else v for v in values]
    listed = {field: {"$in": values}}
    return listed if op == "=" else {"$not": listed}


def _word(word: str) -> dict[str, Any]:
    """A bare word: the name contains it (any case), or the uuid starts with it."""
    needle = word.lower()
    name = {"$contains": [{"$tolower": {"$": "device_name"}}, needle]}
    return {"$or": [name, {"uuid": {"$startswith": needle}}]}


def _text(field: str, op: str, value: str, column: int) -> dict[str, Any]:
    if op == "~":
        return {"$contains": [{"$tolower": {"$": field}}, value.lower()]}
    if op == "^":
        return {field: {"$startswith": value}}
    if op in COMPARE:
        return {field: {COMPARE[op]: None if value == "null" else value}}
    raise _bad(f"'{op}' does not apply to text", column)


def _compare(field: str, op: str, value: Any, column: int) -> dict[str, Any]:
    if op not in COMPARE:
        raise _bad(f"'{op}' does not apply to {field}", column)
    return {field: {COMPARE[op]: value}}


def _number(value: str, column: int) -> int | float:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            raise _bad(f"{value!r} is not a number", column) from None


def _date(value: str, column: int) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(
            f"{value!r} is not a date (use 2026-01-15 or 2026-01-15T12:00)", column
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _lambda(nav: str, expr: dict[str, Any]) -> dict[str, Any]:
    return {nav: {"$any": {"$alias": "x", "$expr": {"x": expr}}}}


def _needs_lookup(value: str) -> bool:
    # The forms resolve_fleet reads as a uuid (prefix, 5+ hex as the seed shows); an
    # all-digit one may be an id as well, which it sorts out (and reports when both).
    return FLEET_SHORT_UUID.match(value.lower()) is not None


def _fleet(op: str, value: str, column: int, fleets: Mapping[str, int] | None) -> dict[str, Any]:
    if op != "=":
        raise _bad("fleet takes '=' (fleet=org/name, ID, UUID or short UUID)", column)
    if _needs_lookup(value):
        if fleets is None:
            return {"belongs_to__application": None}  # only checked: no device has no fleet
        return {"belongs_to__application": fleets[value.lower()]}
    if value.isdigit():
        return {"belongs_to__application": int(value)}
    return _lambda("belongs_to__application", {"slug": value.lower()})


def _release(op: str, value: str, column: int) -> dict[str, Any]:
    if op not in ("=", "^"):
        raise _bad("release takes '=' (version) or '^' (commit prefix)", column)
    if op == "^":
        return _lambda("is_running__release", {"commit": {"$startswith": value.lower()}})
    either = [{"x": {"raw_version": value}}, {"x": {"commit": value.lower()}}]
    return {"is_running__release": {"$any": {"$alias": "x", "$expr": {"$or": either}}}}


def _type(op: str, value: str, column: int) -> dict[str, Any]:
    if op != "=":
        raise _bad("type takes '=' (type=raspberrypi4-64)", column)
    return _lambda("is_of__device_type", {"slug": value})


def _tag(op: str, value: str, column: int) -> dict[str, Any]:
    if op != "=":
        raise _bad("tag takes '=' (tag=KEY or tag=KEY:VALUE)", column)
    key, sep, tag_value = value.partition(":")
    expr: dict[str, Any] = {"tag_key": key}
    if sep:
        expr = {"tag_key": key, "value": tag_value}
    return {"device_tag": {"$any": {"$alias": "t", "$expr": {"t": expr}}}}


_BUILDERS: dict[str, Callable[[str, str, int], dict[str, Any]]] = {
    "release": _release,
    "type": _type,
    "tag": _tag,
}
