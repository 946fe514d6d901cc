"""Compile balena SDK-style query objects (plain dicts) into PineJS OData URLs.

The rules follow pinejs-client (protocol §5): a dict filter joins its entries
with ``and``, a list with ``or``, every operand of ``and``/``or`` is
parenthesised because the server gives them equal precedence. Literals are
encoded per protocol §6: ``'`` doubled, then percent-encoded like JS
``encodeURIComponent``. The caller passes the resulting URL to httpx as a
string, never through ``params=`` (form encoding turns spaces into ``+``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from console.errors import BadQuery

__all__ = ["compile_filter", "compile_query", "encode_url", "literal"]

COMPARISONS = ("$eq", "$ne", "$gt", "$ge", "$lt", "$le")
STRING_FUNCTIONS = ("$contains", "$startswith", "$endswith")
UNARY_FUNCTIONS = ("$tolower", "$toupper", "$trim", "$length")
OPTION_ORDER = ("$select", "$filter", "$expand", "$orderby", "$top", "$skip", "$count")
DIRECTIONS = ("asc", "desc")
ALIAS = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _bad(message: str) -> BadQuery:
    return BadQuery(message, operation="build balena query")


def literal(value: Any) -> str:
    """Return the OData literal for a Python value, encoded for a URL.

    Args:
        value: ``None``, a bool, int, float, str, ``datetime`` or ``date``.

    Returns:
        The literal as it appears in the query string.

    Raises:
        BadQuery: the value has no OData literal form.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return "'" + quote(value.replace("'", "''"), safe="~()*!'") + "'"
    if isinstance(value, dt.datetime):
        return f"datetime'{_iso(value)}'"
    if isinstance(value, dt.date):
        return f"date'{value.isoformat()}'"
    raise _bad(f"cannot use a {type(value).__name__} as a filter value")


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise _bad("filter numbers must be finite")
    # The URL grammar has no exponent form: spell 1e-07 out in full, keeping a '.'.
    text = format(decimal.Decimal(repr(value)), "f")
    return text if "." in text else f"{text}.0"


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def name(field: str) -> str:
    """Percent-encode a resource or field path, keeping ``/`` and ``$count`` literal."""
    if not field:
        raise _bad("empty field name")
    return "/".join(quote(part, safe="$_") for part in field.split("/"))


def _is_operand_dict(value: Any) -> bool:
    return isinstance(value, Mapping) and len(value) == 1 and next(iter(value)) in ("$", "@")


def operand(value: Any) -> str:
    """Compile a value used as an operand: a literal, ``{"$": field}``, ``{"@": alias}``…"""
    if isinstance(value, Mapping):
        if len(value) != 1:
            raise _bad(f"an operand must have exactly one key, got {sorted(value)}")
        key, inner = next(iter(value.items()))
        if key == "$":
            return name(inner)
        if key == "@":
            return _alias(inner)
        if key == "$raw":
            return f"({inner})"
        if key in UNARY_FUNCTIONS:
            return f"{key[1:]}({operand(inner)})"
        if isinstance(inner, Mapping) and "$count" in inner:
            return _count_path(key, inner["$count"])
        raise _bad(f"unknown operand {key!r}")
    return literal(value)


def _count_path(field: str, options: Any) -> str:
    path = f"{name(field)}/$count"
    if isinstance(options, Mapping) and options.get("$filter") is not None:
        return f"{path}($filter={compile_filter(options['$filter'])})"
    return path


def _join(parts: list[str], joiner: str) -> str:
    if not parts:
        raise _bad(f"'{joiner}' needs at least one condition")
    if len(parts) == 1:
        return parts[0]
    return f" {joiner} ".join(f"({part})" for part in parts)


def compile_filter(spec: Any) -> str:
    """Compile a ``$filter`` object: a dict ANDs its entries, a list ORs its items.

    Raises:
        BadQuery: an operator is unknown or used with the wrong shape.
    """
    if isinstance(spec, Mapping):
        return _join([_entry(key, value) for key, value in spec.items()], "and")
    if isinstance(spec, list | tuple):
        return _join([compile_filter(item) for item in spec], "or")
    raise _bad(f"a filter must be a dict or a list, not {type(spec).__name__}")


def _entry(key: str, value: Any) -> str:
    if key in ("$and", "$or"):
        items = value.items() if isinstance(value, Mapping) else value
        parts = [
            _entry(*item) if isinstance(value, Mapping) else compile_filter(item) for item in items
        ]
        return _join(parts, key[1:])
    if key == "$not":
        return f"not({compile_filter(value)})"
    if key == "$raw":
        return f"({value})"
    if key in COMPARISONS:
        return _binary(key, value)
    if key in STRING_FUNCTIONS:
        return _function(key, value)
    if key.startswith("$"):
        raise _bad(f"unknown filter operator {key!r}")
    return _field(key, value)


def _binary(op: str, value: Any) -> str:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise _bad(f"{op} at the top level takes a list of two operands")
    return f"{operand(value[0])} {op[1:]} {operand(value[1])}"


def _function(op: str, value: Any) -> str:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise _bad(f"{op} at the top level takes a list of two operands")
    return f"{op[1:]}({operand(value[0])},{operand(value[1])})"


def _field(field: str, value: Any) -> str:
    if not isinstance(value, Mapping) or _is_operand_dict(value):
        return f"{name(field)} eq {operand(value)}"
    parts = [_field_op(field, key, inner) for key, inner in value.items()]
    return _join(parts, "and")


def _field_op(field: str, op: str, value: Any) -> str:
    if op in COMPARISONS:
        return f"{name(field)} {op[1:]} {operand(value)}"
    if op == "$in":
        values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
        if not values:
            raise _bad(f"$in on {field!r} needs at least one value")
        return f"{name(field)} in ({', '.join(literal(v) for v in values)})"
    if op in STRING_FUNCTIONS:
        return f"{op[1:]}({name(field)},{operand(value)})"
    if op in ("$any", "$all"):
        return _lambda(field, op[1:], value)
    if op == "$count":
        return _count_filter(field, value)
    if op == "$not":
        return f"not({_field(field, value)})"
    if op.startswith("$"):
        raise _bad(f"unknown operator {op!r} on {field!r}")
    return _field(f"{field}/{op}", value)


def _lambda(field: str, kind: str, spec: Any) -> str:
    if not isinstance(spec, Mapping) or "$alias" not in spec or "$expr" not in spec:
        raise _bad(f"${kind} on {field!r} needs $alias and $expr")
    alias = spec["$alias"]
    return f"{name(field)}/{kind}({alias}:{compile_filter(spec['$expr'])})"


def _count_filter(field: str, value: Any) -> str:
    """``{"a": {"$count": 1}}`` or ``{"a": {"$count": {"$filter": ..., "$gt": 2}}}``."""
    if not isinstance(value, Mapping):
        return f"{name(field)}/$count eq {literal(value)}"
    path = _count_path(field, value)
    comparisons = [(k, v) for k, v in value.items() if k in COMPARISONS]
    if not comparisons:
        raise _bad(f"$count on {field!r} needs a comparison such as $gt")
    return _join([f"{path} {op[1:]} {operand(v)}" for op, v in comparisons], "and")


def _select(value: Any) -> str:
    fields = [value] if isinstance(value, str) else list(value)
    return ",".join(name(field) for field in fields)


def _orderby(value: Any) -> str:
    if isinstance(value, str):
        return ",".join(_order_text(part) for part in value.split(","))
    if isinstance(value, Mapping):
        return _order_dict(value)
    return ",".join(_orderby(item) for item in value)


def _order_text(part: str) -> str:
    words = part.split()
    if len(words) != 2 or words[1] not in DIRECTIONS:
        # The server sorts `desc` when no direction is given: make the caller say it.
        raise _bad(f"$orderby {part.strip()!r} must name a direction: 'asc' or 'desc'")
    return f"{name(words[0])} {words[1]}"


def _order_dict(value: Mapping[str, Any]) -> str:
    if "$dir" in value:
        fields = [(k, v) for k, v in value.items() if k != "$dir"]
        if len(fields) != 1 or value["$dir"] not in DIRECTIONS:
            raise _bad("$orderby with $dir takes one field and 'asc' or 'desc'")
        field, spec = fields[0]
        return f"{operand({field: spec})} {value['$dir']}"
    parts = []
    for field, direction in value.items():
        if direction not in DIRECTIONS:
            raise _bad(f"$orderby direction of {field!r} must be 'asc' or 'desc'")
        parts.append(f"{name(field)} {direction}")
    return ",".join(parts)


def _number(option: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(f"{option} must be a whole number ≥ 0, not {value!r}")
    return str(value)


def _expand(value: Any) -> str:
    if isinstance(value, str):
        return ",".join(name(part.strip()) for part in value.split(","))
    if isinstance(value, Mapping):
        return ",".join(_expand_one(key, options) for key, options in value.items())
    return ",".join(_expand(item) for item in value)


def _expand_one(field: str, options: Any) -> str:
    if options is None or options == {}:
        return name(field)
    if not isinstance(options, Mapping):
        raise _bad(f"$expand options of {field!r} must be a dict")
    if "$count" in options:
        return _count_path(field, options["$count"])
    return f"{name(field)}({_options(options, ';')})"


def _options(query: Mapping[str, Any], separator: str, *, aliases: bool = False) -> str:
    """Compile options; ``aliases`` lets ``"@name": value`` through (top level only)."""
    unknown = [
        key for key in query if key not in OPTION_ORDER and not (aliases and key.startswith("@"))
    ]
    if unknown:
        raise _bad(f"unknown query option {unknown[0]!r}")
    parts = []
    for key, value in query.items():
        if key == "$count":
            continue
        if key.startswith("@"):
            parts.append(f"{_alias(key[1:])}={literal(value)}")
            continue
        parts.append(f"{key}={_option(key, value)}")
    return separator.join(parts)


def _alias(alias: str) -> str:
    if not ALIAS.match(alias):
        raise _bad(f"a parameter alias is a name (letters, digits, _), not {alias!r}")
    return f"@{alias}"


def _option(key: str, value: Any) -> str:
    if key == "$select":
        return _select(value)
    if key == "$filter":
        return compile_filter(value)
    if key == "$expand":
        return _expand(value)
    if key == "$orderby":
        return _orderby(value)
    return _number(key, value)


def compile_query(query: Mapping[str, Any] | None) -> str:
    """Compile a query object into the query string (without ``?``).

    Args:
        query: ``$select``, ``$filter``, ``$expand``, ``$orderby``, ``$top``,
            ``$skip``; ``$count`` is handled by ``encode_url``. ``"@name": value``
            sends a parameter alias that filters name as ``{"@": "name"}``.

    Returns:
        The encoded query string, options in the order given.

    Raises:
        BadQuery: the query object is malformed.
    """
    return _options(query or {}, "&", aliases=True)


def encode_url(resource: str, query: Mapping[str, Any] | None = None, *, key: Any = None) -> str:
    """Return ``/v7/<resource>[(key)][/$count]?<query>`` for a query object.

    ``{"$count": {"$filter": ...}}`` (or ``{"$count": True}``) turns the request
    into a count of the collection, answered as ``{"d": <int>}``.

    Args:
        resource: The OData resource, e.g. ``"device"``.
        query: The SDK-style query object.
        key: An id (int) or a ``{"uuid": "..."}`` alternate key.

    Returns:
        The path and query string, ready for ``httpx`` as a string.
    """
    query = dict(query or {})
    path = f"/v7/{name(resource)}"
    if key is not None:
        path += _key(key)
    count = query.pop("$count", None)
    if count is not None and count is not False:
        path += "/$count"
        if isinstance(count, Mapping) and "$filter" in count:
            if "$filter" in query:
                raise _bad("give $filter either at the top or inside $count, not both")
            query["$filter"] = count["$filter"]
    text = compile_query(query)
    return f"{path}?{text}" if text else path


def _key(key: Any) -> str:
    if isinstance(key, Mapping):
        return "(" + ",".join(f"{name(k)}={literal(v)}" for k, v in key.items()) + ")"
    return f"({literal(key)})"
