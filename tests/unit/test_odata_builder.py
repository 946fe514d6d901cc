"""The OData builder compiles SDK query objects the way pinejs-client does (protocol §5, §6)."""

from __future__ import annotations

import datetime as dt

import pytest

from console.backends.balena.odata import compile_filter, compile_query, encode_url, literal
from console.errors import BadQuery

FILTERS = [
    ({"a": "b", "d": "e"}, "(a eq 'b') and (d eq 'e')"),
    ([{"a": "b"}, {"c": "d"}], "(a eq 'b') or (c eq 'd')"),
    ({"a": None}, "a eq null"),
    ({"a": True}, "a eq true"),
    ({"a": 1}, "a eq 1"),
    ({"a": {"$ne": "b"}}, "a ne 'b'"),
    ({"a": {"$gt": 1, "$le": 5}}, "(a gt 1) and (a le 5)"),
    ({"$or": {"a": "b", "c": "d"}}, "(a eq 'b') or (c eq 'd')"),
    ({"$and": [{"a": "b"}, {"c": "d"}]}, "(a eq 'b') and (c eq 'd')"),
    ({"$not": {"a": "b", "c": "d"}}, "not((a eq 'b') and (c eq 'd'))"),
    ({"a": {"$in": ["c", "d"]}}, "a in ('c', 'd')"),
    ({"a": {"$contains": "b"}}, "contains(a,'b')"),
    ({"a": {"$startswith": "b"}}, "startswith(a,'b')"),
    ({"a": {"$endswith": "b"}}, "endswith(a,'b')"),
    ({"a": {"b": "c"}}, "a/b eq 'c'"),
    ({"a": {"$any": {"$alias": "x", "$expr": {"x": {"c": "d"}}}}}, "a/any(x:x/c eq 'd')"),
    ({"a": {"$all": {"$alias": "x", "$expr": {"x": {"c": "d"}}}}}, "a/all(x:x/c eq 'd')"),
    ({"a": {"$count": 1}}, "a/$count eq 1"),
    (
        {"$lt": [{"a": {"$count": {"$filter": {"b": "c"}}}}, 1]},
        "a/$count($filter=b eq 'c') lt 1",
    ),
    ({"a": {"$": "b"}}, "a eq b"),
    ({"a": {"@": "p"}}, "a eq @p"),
    ({"$eq": [{"$tolower": {"$": "a"}}, {"$tolower": "b"}]}, "tolower(a) eq tolower('b')"),
    ({"$raw": "a ge b"}, "(a ge b)"),
    ({"a": {"$ne": {"$raw": "x"}}}, "a ne (x)"),
    ({"a": dt.datetime(1995, 12, 21)}, "a eq datetime'1995-12-21T00:00:00.000Z'"),
]


@pytest.mark.parametrize(("spec", "expected"), FILTERS, ids=[e for _, e in FILTERS])
def test_filter_compiles_like_pinejs(spec: object, expected: str) -> None:
    assert compile_filter(spec) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("o'brien & co", "'o''brien%20%26%20co'"),
        ("myorg/app", "'myorg%2Fapp'"),
        ("a+b", "'a%2Bb'"),
        (1.5, "1.5"),
        (1e-7, "0.0000001"),
        (dt.date(2024, 5, 1), "date'2024-05-01'"),
    ],
)
def test_literals_are_encoded_per_protocol(value: object, expected: str) -> None:
    assert literal(value) == expected


def test_seed_example_compiles_in_order() -> None:
    query = {
        "$select": ["id", "is_online"],
        "$filter": {"is_online": False},
        "$expand": {"is_of__device_type": {"$select": "name"}},
        "$orderby": "last_connectivity_event desc",
    }
    assert compile_query(query) == (
        "$select=id,is_online&$filter=is_online eq false"
        "&$expand=is_of__device_type($select=name)&$orderby=last_connectivity_event desc"
    )


def test_nested_expand_keeps_each_level_options() -> None:
    query = {
        "$expand": {
            "image_install": {
                "$select": ["id", "status"],
                "$filter": {"status": {"$ne": "deleted"}},
                "$orderby": {"id": "asc"},
                "$top": 5,
                "$expand": {"is_provided_by__release": {"$select": ["commit"]}},
            }
        }
    }
    assert compile_query(query) == (
        "$expand=image_install($select=id,status;$filter=status ne 'deleted';"
        "$orderby=id asc;$top=5;$expand=is_provided_by__release($select=commit))"
    )


def test_expand_count_with_filter() -> None:
    query = {"$expand": {"owns__device": {"$count": {"$filter": {"is_online": True}}}}}
    assert compile_query(query) == "$expand=owns__device/$count($filter=is_online eq true)"


def test_count_query_moves_to_the_path() -> None:
    url = encode_url("device", {"$count": {"$filter": {"is_online": True}}})
    assert url == "/v7/device/$count?$filter=is_online eq true"


def test_keys_by_id_and_alternate_key() -> None:
    assert encode_url("device", {"$select": "id"}, key=12) == "/v7/device(12)?$select=id"
    assert encode_url("device", None, key={"uuid": "ab12"}) == "/v7/device(uuid='ab12')"


def test_parameter_aliases_are_sent_as_literals() -> None:
    query = {"$filter": {"device_name": {"@": "name"}}, "@name": "o'brien & co"}
    assert compile_query(query) == "$filter=device_name eq @name&@name='o''brien%20%26%20co'"
    with pytest.raises(BadQuery):
        compile_query({"@not a name": 1})
    with pytest.raises(BadQuery):
        compile_query({"$expand": {"a": {"@p": 1}}})  # aliases belong to the request


@pytest.mark.parametrize(
    ("orderby", "expected"),
    [
        ({"a": "desc"}, "a desc"),
        ([{"a": "desc"}, {"b": "asc"}], "a desc,b asc"),
        ("a asc,b desc", "a asc,b desc"),
        ({"a": {"$count": {}}, "$dir": "desc"}, "a/$count desc"),
    ],
)
def test_orderby_forms(orderby: object, expected: str) -> None:
    assert compile_query({"$orderby": orderby}) == f"$orderby={expected}"


@pytest.mark.parametrize(
    "query",
    [
        {"$orderby": "device_name"},
        {"$orderby": {"a": "up"}},
        {"$top": -1},
        {"$top": "5"},
        {"$filter": {"a": {"$in": []}}},
        {"$filter": {"a": {"$bogus": 1}}},
        {"$filter": {"a": object()}},
        {"$wat": 1},
    ],
    ids=[
        "no-direction",
        "bad-direction",
        "negative-top",
        "text-top",
        "empty-in",
        "op",
        "value",
        "opt",
    ],
)
def test_malformed_query_objects_raise_bad_query(query: dict) -> None:
    with pytest.raises(BadQuery):
        compile_query(query)
