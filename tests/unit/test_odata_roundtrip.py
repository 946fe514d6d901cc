"""Every URL the client's builder makes is parsed back by the stand-in to the same query.

The builder (console.backends) and the parser (console.sandbox) share no code; the
expected tree is derived here from the query object, independently of both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from console.backends.balena.odata import encode_url
from console.sandbox.balena.parser import parse_query
from console.sandbox.balena.query import (
    Bin,
    Call,
    Count,
    Expand,
    In,
    Lambda,
    Lit,
    Not,
    Options,
    Path,
)

FIELDS = st.sampled_from(["device_name", "is_online", "cpu_temp", "note", "uuid", "status"])
NAVS = st.sampled_from(["device_tag", "owns__device", "belongs_to__application"])
OPS = st.sampled_from(["$eq", "$ne", "$gt", "$ge", "$lt", "$le"])
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2200, 1, 1)),
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
    return Lit(value, "str")


def join(op: str, nodes: list[Any]) -> Any:
    node = nodes[0]
    for other in nodes[1:]:
        node = Bin(op, node, other)
    return node


@st.composite
def leaf(draw: st.DrawFn) -> tuple[Any, Any]:
    field = draw(FIELDS)
    kind = draw(st.sampled_from(["eq", "op", "in", "fn", "any", "count"]))
    if kind == "eq":
        value = draw(VALUES)
        return {field: value}, Bin("eq", Path((field,)), lit(value))
    if kind == "op":
        op, value = draw(OPS), draw(VALUES)
        return {field: {op: value}}, Bin(op[1:], Path((field,)), lit(value))
    if kind == "in":
        values = draw(st.lists(VALUES, min_size=1, max_size=4))
        return {field: {"$in": values}}, In(Path((field,)), tuple(lit(v) for v in values))
    if kind == "fn":
        fn, text = draw(st.sampled_from(["contains", "startswith", "endswith"])), draw(st.text())
        return {field: {f"${fn}": text}}, Call(fn, (Path((field,)), lit(text)))
    nav = draw(NAVS)
    if kind == "any":
        kind_, value = draw(st.sampled_from(["any", "all"])), draw(VALUES)
        spec = {nav: {f"${kind_}": {"$alias": "x", "$expr": {"x": {field: value}}}}}
        return spec, Lambda((nav,), kind_, "x", Bin("eq", Path(("x", field)), lit(value)))
    count = draw(st.integers(min_value=0, max_value=99))
    return {nav: {"$count": count}}, Bin("eq", Count((nav,), None), lit(count))


def combine(children: st.SearchStrategy[tuple[Any, Any]]) -> st.SearchStrategy[tuple[Any, Any]]:
    pairs = st.lists(children, min_size=2, max_size=3)
    return st.one_of(
        pairs.map(lambda ps: ({"$and": [p[0] for p in ps]}, join("and", [p[1] for p in ps]))),
        pairs.map(lambda ps: ({"$or": [p[0] for p in ps]}, join("or", [p[1] for p in ps]))),
        pairs.map(lambda ps: ([p[0] for p in ps], join("or", [p[1] for p in ps]))),
        children.map(lambda p: ({"$not": p[0]}, Not(p[1]))),
    )


FILTERS = st.recursive(leaf(), combine, max_leaves=6)


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
        nested = {nav: draw(options(depth + 1)) for nav in navs}
        spec["$expand"] = {nav: pair[0] for nav, pair in nested.items()}
        values["expand"] = tuple(Expand(nav, pair[1]) for nav, pair in nested.items())
    if draw(st.booleans()):
        order = draw(
            st.lists(st.tuples(FIELDS, st.sampled_from(["asc", "desc"])), min_size=1, max_size=2)
        )
        spec["$orderby"] = [{f: d} for f, d in order]
        values["orderby"] = tuple((Path((f,)), d) for f, d in order)
    for key in ("top", "skip"):
        if draw(st.booleans()):
            number = draw(st.integers(min_value=0, max_value=10**6))
            spec[f"${key}"], values[key] = number, number
    return spec, Options(**values)


@settings(max_examples=300, deadline=None)
@given(options())
def test_builder_urls_parse_back_to_the_same_query(pair: tuple[dict[str, Any], Options]) -> None:
    spec, expected = pair
    # Through httpx's own URL handling, as the client sends it.
    url = httpx.URL("http://127.0.0.1" + encode_url("device", spec))
    assert parse_query(url.query.decode("ascii")) == expected
