"""The stand-in reads OData URLs as the real server's parser does (protocol §4)."""

from __future__ import annotations

import pytest

from console.sandbox.balena.parser import ParseError, parse_filter, parse_query
from console.sandbox.balena.query import Bin, Bool, Call, Count, Expand, Lit, Not, Options, Path

A, B, C = (Bin("eq", Path((n,)), Lit(1, "int")) for n in "abc")


def test_and_or_share_precedence_left_to_right() -> None:
    assert parse_filter("a eq 1 or b eq 1 and c eq 1") == Bool("and", (Bool("or", (A, B)), C))


def test_a_run_of_one_operator_is_one_node_however_parenthesised() -> None:
    assert parse_filter("(a eq 1 and b eq 1) and c eq 1") == Bool("and", (A, B, C))
    assert parse_filter("a eq 1 and (b eq 1 and c eq 1)") == Bool("and", (A, B, C))
    assert parse_filter("a eq 1 and (b eq 1 or c eq 1)") == Bool("and", (A, Bool("or", (B, C))))


@pytest.mark.parametrize("space", [" ", "+", "%20"])
def test_whitespace_forms(space: str) -> None:
    assert parse_filter(f"a{space}eq{space}1") == A


def test_literal_is_percent_decoded_after_parsing_and_quotes_undoubled() -> None:
    node = parse_filter("name eq 'o''brien%20%26%20co'")
    assert node == Bin("eq", Path(("name",)), Lit("o'brien & co", "str"))


def test_plus_inside_a_literal_stays_a_plus() -> None:
    assert parse_filter("name eq 'a+b'") == Bin("eq", Path(("name",)), Lit("a+b", "str"))


def test_orderby_without_direction_means_desc() -> None:
    assert parse_query("$orderby=a,b asc").orderby == (
        (Path(("a",)), "desc"),
        (Path(("b",)), "asc"),
    )


def test_encoded_dollar_in_option_names() -> None:
    assert parse_query("%24top=5&%24skip=10") == Options(top=5, skip=10)


def test_not_without_space_and_count_with_filter() -> None:
    node = parse_filter("not(owns__device/$count($filter=is_online eq true) gt 2)")
    count = Count(("owns__device",), Bin("eq", Path(("is_online",)), Lit(True, "bool")))
    assert node == Not(Bin("gt", count, Lit(2, "int")))


def test_typed_literals_and_functions() -> None:
    node = parse_filter("tolower(created_at) ge datetime'2024-05-01T12:00:00.000Z'")
    assert node == Bin(
        "ge", Call("tolower", (Path(("created_at",)),)), Lit("2024-05-01T12:00:00.000Z", "datetime")
    )


def test_nested_expand_options() -> None:
    options = parse_query(
        "$expand=a($select=x,y;$filter=x eq 1;$expand=b($top=2)),c/$count($filter=z eq 1)"
    )
    inner = Expand("b", Options(top=2))
    assert options.expand == (
        Expand(
            "a",
            Options(
                select=("x", "y"), filter=Bin("eq", Path(("x",)), Lit(1, "int")), expand=(inner,)
            ),
        ),
        Expand("c", Options(filter=Bin("eq", Path(("z",)), Lit(1, "int"))), count=True),
    )


@pytest.mark.parametrize(
    ("query", "position"),
    [("$filter=a eq", 12), ("$filter=a eq 'x", 13), ("$top=x", 5), ("$select=a&$orderby=b up", 21)],
)
def test_malformed_options_report_where(query: str, position: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse_query(query)
    assert caught.value.position == position
