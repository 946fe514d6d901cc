"""The comparison's pure parts: cell equality, the hash-ordered merge, the tally, the SQL sent."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from console.diff import (
    DIFFER,
    ONLY_A,
    ONLY_B,
    SAME,
    Comparison,
    DiffRequest,
    Row,
    Side,
    display,
    json_value,
    same,
)
from console.diff.devices import by_name
from console.diff.jobs import short_names
from console.diff.merge import DuplicateKey, KeyedMatch, WholeRowMatch, groups, merged
from console.diff.sql_text import only_query, ordered_sql, quote, scanned_relations
from console.diff.tally import Tally
from console.diff.values import same_row, sort_key
from console.errors import BadQuery

UTC = dt.timezone.utc


@pytest.mark.parametrize("a, b, equal", [
    (1, Decimal("1.0"), False),
    (Decimal("1.0"), Decimal("1.00"), False),
    (2, Decimal("2"), True),
    (2, 2.0, True),
    (Decimal("1.0"), 1.0, False),
    (True, 1, False),
    (float("nan"), float("nan"), True),
    (0.0, -0.0, False),
    (None, "", False),
    (None, None, True),
    (dt.datetime(2026, 1, 1, 10, tzinfo=UTC),
     dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2))), True),
    (dt.datetime(2026, 1, 1, 10, tzinfo=UTC), dt.datetime(2026, 1, 1, 10), False),
    ({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}, True),
    ([Decimal("1.0")], [Decimal("1.00")], False),
    (b"\x01", memoryview(b"\x01"), True),
], ids=["int-numeric", "scale", "int-numeric-same", "int-float", "numeric-float", "bool-int",
        "nan", "negative-zero", "null-empty", "nulls", "one-instant", "aware-naive", "json",
        "array-scale", "bytes"])
def test_cells_are_the_same_only_as_psql_would_show_them(a: object, b: object,
                                                         equal: bool) -> None:
    assert same(a, b) is equal
    assert same_row((1, a), (1, b)) is equal


def test_display_writes_null_and_keeps_one_line() -> None:
    assert display(None) == "NULL"
    assert display("two\nlines") == "two\\nlines"
    assert display(1.0) == "1" and display(float("nan")) == "NaN"
    assert display(b"\xff") == "\\xff"


def test_json_keeps_decimals_as_text() -> None:
    encoded = json.dumps(json_value({"n": Decimal("1.0"), "f": float("inf"), "d": [b"\x01"]}))
    assert json.loads(encoded) == {"n": "1.0", "f": "inf", "d": ["\\x01"]}


def test_sort_key_orders_mixed_cells() -> None:
    values = ["b", None, 10, Decimal("2.5"), "a", 1]
    assert sorted(values, key=sort_key) == [1, Decimal("2.5"), 10, "a", "b", None]


def test_groups_and_merge_pair_equal_hashes() -> None:
    a = iter(groups([("1", "x"), ("1", "y"), ("3", "z")]))
    b = iter(groups([("2", "w"), ("3", "z")]))
    assert list(merged(a, b)) == [
        ([("x",), ("y",)], []), ([], [("w",)]), ([("z",)], [("z",)])]


def test_keyed_match_tells_shared_hashes_apart() -> None:
    tally = Tally()
    KeyedMatch([0], ("a", "b")).add(tally, [(1, "x"), (2, "y")], [(2, "z"), (3, "w")])
    assert [(r.state, r.key) for r in tally.rows] == [(ONLY_A, (1,)), (DIFFER, (2,)),
                                                     (ONLY_B, (3,))]
    assert tally.rows[1].differing == {1}


def test_keyed_match_refuses_a_repeated_key() -> None:
    with pytest.raises(DuplicateKey) as caught:
        KeyedMatch([0], ("staging", "prod")).add(Tally(), [(1, "x"), (1, "y")], [])
    assert caught.value.describe(["id"]) == "id=1 appears more than once on staging"


def test_whole_row_match_is_a_multiset() -> None:
    tally = Tally()
    WholeRowMatch().add(tally, [(1, "red")] * 3, [(1, "red")])
    assert (tally.only_a, tally.same) == (2, 1)
    assert tally.rows == [Row((1, "red"), (1, "red"), None, copies=2)]


def test_tally_keeps_the_first_rows_and_counts_all() -> None:
    tally = Tally(limit=2)
    for n in range(5):
        tally.only_in_a((n,), (n,))
    found = tally.into(Comparison("sql", "q", Side("a"), Side("b"), ["n"], [0], "key (n)"))
    assert found.only_a == 5 and len(found.rows) == 2 and found.more == 3


def test_ignored_columns_never_make_a_difference() -> None:
    tally = Tally(ignored=frozenset({1}))
    tally.pair(("gw",), ("gw", "uuid-a"), ("gw", "uuid-b"))
    assert (tally.same, tally.differ) == (1, 0)


def test_summary_and_json_of_a_comparison() -> None:
    found = Comparison("jobs-summary", "jobs", Side("staging"), Side("prod"),
                       ["state", "jobs"], [0], "state",
                       rows=[Row(("RUNNING",), ("RUNNING", 3), ("RUNNING", 5), frozenset({1}))],
                       differ=1, only_b=2, same=4)
    assert found.summary() == "2 only in prod · 1 differ · 4 the same"
    data = found.to_json()
    assert data["equal"] is False and data["more"] == 2
    assert data["rows"][0]["delta"] == {"jobs": 2}
    assert data["rows"][0]["key"] == {"state": "RUNNING"}


def test_row_states() -> None:
    assert Row((1,), (1,), None).state == ONLY_A
    assert Row((1,), None, (1,)).state == ONLY_B
    assert Row((1,), (1,), (1,)).state == SAME


@pytest.mark.parametrize("sql, words", [
    ("select 1; select 2", "found 2 statements"),
    ("  ; ", "found no statement"),
    ("update t set a = 1", "not UPDATE"),
    ("select * into copy from t", "nothing was sent"),
    ("show search_path", "not SHOW"),
], ids=["two", "none", "update", "select-into", "show"])
def test_only_one_reading_query_is_compared(sql: str, words: str) -> None:
    with pytest.raises(BadQuery, match=words):
        only_query(sql)


def test_the_query_is_wrapped_not_edited() -> None:
    query = only_query("select * from t -- trailing comment")
    sent = ordered_sql(query, ["id", 'we"ird'], ["id"])
    assert 'md5(row(q."id")::text) COLLATE "C"' in sent
    assert 'q."we""ird"' in sent
    assert "-- trailing comment\n) AS q" in sent  # the comment cannot swallow the wrapper
    assert quote("a") == '"a"'


def test_scanned_relations_walk_the_plan() -> None:
    plan = [{"Plan": {"Node Type": "Hash Join", "Plans": [
        {"Node Type": "Seq Scan", "Relation Name": "items", "Schema": "public"},
        {"Node Type": "Hash", "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "tags", "Schema": "public"}]}]}}]
    assert scanned_relations(json.dumps(plan)) == {("public", "items"), ("public", "tags")}


def test_repeated_device_names_are_numbered_in_uuid_order() -> None:
    notes: list[str] = []
    rest = ("operational", True, "1.3.0", "balenaOS 6.0.13", "")
    found = by_name([("gw", *rest, "b-uuid"), ("gw", *rest, "a-uuid"), ("kiosk", *rest, "c")],
                    "prod", notes)
    assert {name: row[-1] for name, row in found.items()} == {
        "gw #1": "a-uuid", "gw #2": "b-uuid", "kiosk": "c"}
    assert found["gw #2"][0] == "gw #2"
    assert notes == ["2 devices named gw on prod: paired in uuid order"]


def test_app_groups_drop_their_site_only_when_no_name_repeats() -> None:
    names = ["all", "@a", "a/Sim", "b/Sim", "b/Train", "a/all"]
    assert short_names(names) == {"all": "all", "@a": "@a", "a/Sim": "a/Sim",
                                  "b/Sim": "b/Sim", "b/Train": "Train", "a/all": "a/all"}


def test_requests_describe_themselves() -> None:
    assert DiffRequest.sql_query("select\n  1").describe() == "select 1"
    assert DiffRequest.devices(" online ").describe() == "devices · filter: online"
    assert DiffRequest.jobs_summary().describe() == "jobs by state, site and app"


def test_diff_package_never_imports_the_tui() -> None:
    """The CLI's diff and the comparisons load no Textual (rich comes with httpx's own CLI)."""
    code = ("import sys, console.diff, console.commands.diff; "
            "print(sorted(m for m in sys.modules if m.startswith(('textual', 'console.ui'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
