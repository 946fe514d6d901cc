"""Every URL the client's builder makes is parsed back by the stand-in to the same query.

The builder (console.backends) and the parser (console.sandbox) share no code; the
expected tree is derived here from the query object, independently of both. The URL
goes through httpx as the client sends it, and back through the stand-in's own request
reader, so the path (``/$count``) and parameter aliases (``@name=value``) count too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from console.backends.balena.odata import encode_url
from console.sandbox.balena.odata_routes import ODataRequest
from console.sandbox.balena.query import (
    Bin,
    Bool,
    Call,
    Count,
    Expand,
    In,
    Lambda,
    Lit,
    Not,
    Options,
    Param,
    Path,
)

Pair = tuple[Any, Any]
"""A query-object fragment and the tree the parser must make of it."""


@dataclasses.dataclass(frozen=True)
class Case:
    """One generated request and what the stand-in must read from it."""

    key: Any
    spec: dict[str, Any]
    expected_key: dict[str, Any] | None
    counts: bool
    expected: Options
    params: dict[str, Any]


FIELDS = st.sampled_from(["device_name", "is_online", "cpu_temp", "note", "uuid", "status"])
REFS = st.sampled_from(["device_name", "created_at", "belongs_to__application/slug"])
NAVS = st.sampled_from(["device_tag", "owns__device", "belongs_to__application"])
ALIASES = st.sampled_from(["p", "since", "n_2"])
OPS = st.sampled_from(["$eq", "$ne", "$gt", "$ge", "$lt", "$le"])
PIECES = ["%41", "%2F", "%", "'", "''", " ", "+", "&", "=", "/", "#", "?", ";", ",", "(", ")"]
TEXT = st.one_of(
    st.text(max_size=20),
    # What URL encoding trips on: quotes, text that looks already encoded, separators.
    st.lists(st.sampled_from([*PIECES, "$", "@", "é", "a"]), max_size=6).map("".join),
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
    st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2200, 1, 1)),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)


def lit(value: Any) -> Lit:
    """The literal node the parser must produce for a Python value."""
    if value is None:
        return Lit(None, "null")
    if isinstance(value, bool):
        return Lit(value, "bool")
    if isinstance(value, int):
        return Lit(value, "int")
    if isinstance(value, float):
        return Lit(value, "float")
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
        return Lit(text, "datetime")
    if isinstance(value, dt.date):
        return Lit(value.isoformat(), "date")
    return Lit(value, "str")


def path(field: str) -> Path:
    return Path(tuple(field.split("/")))


def join(op: str, nodes: list[Any]) -> Any:
    """What the stand-in parses ``(a) op (b) op …`` into: one ``Bool`` per run of ``op``."""
    items: list[Any] = []
    for node in nodes:
        items.extend(node.items if isinstance(node, Bool) and node.op == op else (node,))
    return items[0] if len(items) == 1 else Bool(op, tuple(items))


@st.composite
def operand(draw: st.DrawFn) -> Pair:
    """A right-hand side: a literal, a field reference ``$``, an alias ``@`` or ``tolower``."""
    kind = draw(st.sampled_from(["literal", "field", "alias", "tolower"]))
    if kind == "literal":
        value = draw(VALUES)
        return value, lit(value)
    if kind == "field":
        ref = draw(REFS)
        return {"$": ref}, path(ref)
    if kind == "alias":
        alias = draw(ALIASES)
        return {"@": alias}, Param(alias)
    text = draw(TEXT)
    return {"$tolower": text}, Call("tolower", (lit(text),))


@st.composite
def leaf(draw: st.DrawFn) -> Pair:
    field = draw(FIELDS)
    kind = draw(
        st.sampled_from(
            ["eq", "op", "in", "fn", "lower", "any", "count", "counted", "ref", "alias"]
        )
    )
    if kind == "eq":
        value = draw(VALUES)
        return {field: value}, Bin("eq", Path((field,)), lit(value))
    if kind == "op":
        op, (value, node) = draw(OPS), draw(operand())
        return {field: {op: value}}, Bin(op[1:], Path((field,)), node)
    if kind == "ref":
        ref = draw(REFS)
        return {field: {"$": ref}}, Bin("eq", Path((field,)), path(ref))
    if kind == "alias":
        alias = draw(ALIASES)
        return {field: {"@": alias}}, Bin("eq", Path((field,)), Param(alias))
    if kind == "in":
        values = draw(st.lists(VALUES, min_size=1, max_size=4))
        return {field: {"$in": values}}, In(Path((field,)), tuple(lit(v) for v in values))
    fn = draw(st.sampled_from(["contains", "startswith", "endswith"]))
    if kind == "fn":
        value, node = draw(operand())
        return {field: {f"${fn}": value}}, Call(fn, (Path((field,)), node))
    if kind == "lower":
        # The device filter's `name~gw`: a top-level operator over two operands.
        text, lowered = draw(TEXT), Call("tolower", (Path((field,)),))
        if draw(st.booleans()):
            spec = {"$eq": [{"$tolower": {"$": field}}, {"$tolower": text}]}
            return spec, Bin("eq", lowered, Call("tolower", (lit(text),)))
        return {f"${fn}": [{"$tolower": {"$": field}}, text]}, Call(fn, (lowered, lit(text)))
    nav = draw(NAVS)
    if kind == "any":
        kind_, value = draw(st.sampled_from(["any", "all"])), draw(VALUES)
        spec = {nav: {f"${kind_}": {"$alias": "x", "$expr": {"x": {field: value}}}}}
        return spec, Lambda((nav,), kind_, "x", Bin("eq", Path(("x", field)), lit(value)))
    number = draw(st.integers(min_value=0, max_value=99))
    if kind == "count":
        return {nav: {"$count": number}}, Bin("eq", Count((nav,), None), lit(number))
    op, value = draw(OPS), draw(VALUES)
    spec = {nav: {"$count": {"$filter": {field: value}, op: number}}}
    counted = Count((nav,), Bin("eq", Path((field,)), lit(value)))
    return spec, Bin(op[1:], counted, lit(number))


def combine(children: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    pairs = st.lists(children, min_size=2, max_size=3)
    return st.one_of(
        pairs.map(lambda ps: ({"$and": [p[0] for p in ps]}, join("and", [p[1] for p in ps]))),
        pairs.map(lambda ps: ({"$or": [p[0] for p in ps]}, join("or", [p[1] for p in ps]))),
        pairs.map(lambda ps: ([p[0] for p in ps], join("or", [p[1] for p in ps]))),
        children.map(lambda p: ({"$not": p[0]}, Not(p[1]))),
    )


FILTERS = st.recursive(leaf(), combine, max_leaves=6)


@st.composite
def order_item(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[Any, str]]:
    direction = draw(st.sampled_from(["asc", "desc"]))
    if draw(st.booleans()):
        field = draw(FIELDS)
        return {field: direction}, (Path((field,)), direction)
    nav = draw(NAVS)
    if draw(st.booleans()):
        return {nav: {"$count": {}}, "$dir": direction}, (Count((nav,), None), direction)
    spec, node = draw(FILTERS)
    return {nav: {"$count": {"$filter": spec}}, "$dir": direction}, (Count((nav,), node), direction)


@st.composite
def expand_item(draw: st.DrawFn, nav: str, depth: int) -> tuple[Any, Expand]:
    kind = draw(st.sampled_from(["options", "count", "counted"]))
    if kind == "count":
        return {"$count": {}}, Expand(nav, Options(), True)
    if kind == "counted":
        spec, node = draw(FILTERS)
        return {"$count": {"$filter": spec}}, Expand(nav, Options(filter=node), True)
    spec, options_ = draw(options(depth + 1))
    return spec, Expand(nav, options_)


@st.composite
def options(draw: st.DrawFn, depth: int = 0) -> tuple[dict[str, Any], Options]:
    spec: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if draw(st.booleans()):
        fields = draw(st.lists(FIELDS, min_size=1, max_size=3, unique=True))
        spec["$select"], values["select"] = fields, tuple(fields)
    if draw(st.booleans()):
        spec["$filter"], values["filter"] = draw(FILTERS)
    if depth < 2 and draw(st.booleans()):
        navs = draw(st.lists(NAVS, min_size=1, max_size=2, unique=True))
        nested = {nav: draw(expand_item(nav, depth)) for nav in navs}
        spec["$expand"] = {nav: pair[0] for nav, pair in nested.items()}
        values["expand"] = tuple(pair[1] for pair in nested.values())
    if draw(st.booleans()):
        order = draw(st.lists(order_item(), min_size=1, max_size=2))
        spec["$orderby"] = [item for item, _ in order]
        values["orderby"] = tuple(node for _, node in order)
    for key in ("top", "skip"):
        if draw(st.booleans()):
            number = draw(st.integers(min_value=0, max_value=10**6))
            spec[f"${key}"], values[key] = number, number
    return spec, Options(**values)


KEYS = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=10**9),
    st.fixed_dictionaries({"uuid": TEXT}),
    st.fixed_dictionaries({"organization": st.integers(min_value=0), "handle": TEXT}),
)


@st.composite
def requests(draw: st.DrawFn) -> Case:
    """A whole request: a key, options, maybe a count of the collection, maybe alias values."""
    key = draw(KEYS)
    spec, expected = draw(options())
    counts = False
    if draw(st.booleans()):
        counts = True
        if "$filter" in spec and draw(st.booleans()):
            spec["$count"] = {"$filter": spec.pop("$filter")}  # the SDK's spelling
        else:
            spec["$count"] = True
    aliases = draw(st.dictionaries(ALIASES, VALUES, max_size=3))
    for alias, value in aliases.items():
        spec[f"@{alias}"] = value
    literals = {alias: lit(value) for alias, value in aliases.items()}
    expected = dataclasses.replace(expected, aliases=tuple(literals.items()))
    params = {alias: node.value for alias, node in literals.items()}
    expected_key = {"id": key} if isinstance(key, int) else key
    return Case(key, spec, expected_key, counts, expected, params)


def read_back(url: httpx.URL) -> ODataRequest:
    """The stand-in's reading of a request for ``url``, as its route handler makes it."""
    raw_path, _, _ = url.raw_path.partition(b"?")
    scope = {
        "type": "http",
        "method": "GET",
        "path": url.path,
        "raw_path": raw_path,
        "query_string": url.query,
        "headers": [],
    }
    return ODataRequest(Request(scope))


@settings(max_examples=400, deadline=None)
@given(requests())
def test_builder_urls_parse_back_to_the_same_query(request: Case) -> None:
    # Through httpx's own URL handling, as the client sends it.
    url = encode_url("device", request.spec, key=request.key)
    parsed = read_back(httpx.URL("http://127.0.0.1" + url))
    assert (parsed.resource, parsed.key, parsed.count) == (
        "device",
        request.expected_key,
        request.counts,
    )
    assert parsed.options == request.expected
    assert parsed.params == request.params
