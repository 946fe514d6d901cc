"""The same query on two profiles' PostgreSQL: keys, duplicates, NULLs, types, memory, safety.

Staging and production are two databases of the session's embedded server,
each reached through its own profile (and so its own ``Clients``), as two
servers would be.
"""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator

import pytest

from console import profiles
from console.clients import Clients
from console.diff import DIFFER, ONLY_A, ONLY_B
from console.diff.sql import WHOLE_ROWS, SqlDiff
from console.errors import BadQuery, Cancelled, ConsoleError
from tests.conftest import scratch_database
from tests.diff_env import Pair, Services, profile_pair

COMMON = (
    "create table items (id int primary key, name text, qty int, price numeric(6,2), "
    "seen timestamptz)",
    "create table tags (item int, tag text)",
    "create table notes (id int primary key, body text)",
    "create sequence ticket",
    "create table big (id int primary key, v int)",
)
STAGING = (
    *COMMON,
    "insert into items values (1, 'apple', 3, 1.50, '2026-01-01 10:00+00'), "
    "(2, 'pear', 5, 2.00, null), (3, 'fig', null, 0.99, null), (4, 'kiwi', 7, 3.10, null)",
    "insert into tags values (1, 'red'), (1, 'red'), (2, 'green')",
    "insert into notes values (1, null), (2, '')",
    "create table amounts (id int primary key, v int)",
    "insert into amounts values (1, 1), (2, 2)",
    "create table only_here (id int)",
    "create table wide (id int primary key, a int, extra text)",
    "insert into wide values (1, 1, 'x')",
    "insert into big select g, g from generate_series(1, 30000) g",
)
PRODUCTION = (
    *COMMON,
    # the same instant written in another zone is the same value
    "insert into items values (1, 'apple', 3, 1.50, '2026-01-01 12:00+02'), "
    "(2, 'pear', 6, 2.00, null), (3, 'fig', null, 0.99, null), (5, 'plum', 1, 0.50, null)",
    "insert into tags values (1, 'red'), (2, 'green'), (2, 'green')",
    "insert into notes values (1, ''), (2, '')",
    "create table amounts (id int primary key, v numeric)",
    "insert into amounts values (1, 1.0), (2, 2)",
    "create table wide (id int primary key, a int)",
    "insert into wide values (1, 1)",
    "insert into big select g, case when g in (7, 20000) then -g else g end "
    "from generate_series(1, 30001) g",
)


@pytest.fixture(scope="module")
def pair(local_pg: object) -> Iterator[Pair]:
    """Profiles ``diffsql-staging`` and ``diffsql-prod`` on databases whose rows differ."""
    socket_dir = str(local_pg.socket_dir)  # type: ignore[attr-defined]
    with scratch_database("diff_sql_staging", *STAGING), \
            scratch_database("diff_sql_prod", *PRODUCTION), \
            profile_pair("diffsql", Services(socket_dir, "diff_sql_staging"),
                         Services(socket_dir, "diff_sql_prod")) as found:
        yield found


@pytest.fixture
def diff(pair: Pair) -> Iterator[SqlDiff]:
    a, b = Clients(profiles.load(pair.a)), Clients(profiles.load(pair.b))
    yield SqlDiff(a, b, limit=50, page=100)
    a.close()
    b.close()


def test_rows_pair_by_primary_key(diff: SqlDiff) -> None:
    """One table read: its primary key pairs rows; NULLs and one instant in two zones match."""
    found = diff.run("select * from items")
    assert found.matched_by == "primary key (id)"
    assert (found.only_a, found.only_b, found.differ, found.same) == (1, 1, 1, 2)
    by_state = {row.state: row for row in found.rows}
    assert by_state[ONLY_A].key == (4,) and by_state[ONLY_B].key == (5,)
    assert by_state[DIFFER].key == (2,)
    assert by_state[DIFFER].differing == {found.columns.index("qty")}
    assert not found.equal
    assert found.summary().startswith("1 only in diffsql-staging · 1 only in diffsql-prod")


def test_each_side_uses_its_profiles_database(diff: SqlDiff) -> None:
    found = diff.run("select 1 as one")
    assert (found.a.place, found.b.place) == ("diff_sql_staging", "diff_sql_prod")
    assert (found.a.color, found.b.color) == ("yellow", "red")


def test_named_key_pairs_rows(diff: SqlDiff) -> None:
    found = diff.run("select name, qty from items", keys=["name"])
    assert found.matched_by == "key (name)"
    assert (found.only_a, found.only_b, found.differ, found.same) == (1, 1, 1, 2)


def test_without_a_key_rows_compare_as_a_multiset(diff: SqlDiff) -> None:
    """No primary key: a row twice on one side and once on the other is one row only there."""
    found = diff.run("select item, tag from tags")
    assert found.matched_by == WHOLE_ROWS
    assert (found.only_a, found.only_b, found.same) == (1, 1, 2)
    assert [(row.state, row.a or row.b) for row in found.rows] == [
        (ONLY_A, (1, "red")), (ONLY_B, (2, "green"))]


def test_null_differs_from_empty_text(diff: SqlDiff) -> None:
    found = diff.run("select * from notes")
    assert (found.differ, found.same) == (1, 1)
    assert found.rows[0].a == (1, None) and found.rows[0].b == (1, "")


def test_integer_one_differs_from_numeric_one_point_zero(diff: SqlDiff) -> None:
    """`1` and `1.0` are equal to Python but not to an operator comparing schemas."""
    found = diff.run("select * from amounts")
    assert found.differ == 1 and found.rows[0].key == (1,)
    assert found.schema_differs and not found.equal
    assert "column v is integer on diffsql-staging, numeric on diffsql-prod" in found.notes


def test_equal_results(diff: SqlDiff) -> None:
    found = diff.run("select id, name from items where id in (1, 3)")
    assert found.equal and found.same == 2 and found.rows == []
    assert found.summary() == "no differences · 2 the same"


def test_a_key_that_is_not_unique_falls_back_to_whole_rows(diff: SqlDiff) -> None:
    found = diff.run("select item as id, tag from tags", keys=["id"])
    assert found.matched_by == WHOLE_ROWS
    assert "id=1 appears more than once on diffsql-staging" in found.notes[0]
    assert (found.only_a, found.only_b, found.same) == (1, 1, 2)


def test_large_results_stream_in_bounded_memory(diff: SqlDiff) -> None:
    """30,000 rows a side: every difference counted, in far less memory than the rows take."""
    tracemalloc.start()
    try:
        found = diff.run("select * from big")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (found.only_a, found.only_b, found.differ, found.same) == (0, 1, 2, 29998)
    assert [row.key for row in found.rows] == [(7,), (20000,), (30001,)]
    # both sides' 30,000 rows of two ints, held at once, take ~5.7 MB in Python
    assert peak < 1_500_000, f"peak {peak:,} bytes"


def test_rows_kept_are_capped_and_counted(pair: Pair) -> None:
    a, b = Clients(profiles.load(pair.a)), Clients(profiles.load(pair.b))
    try:
        found = SqlDiff(a, b, limit=1).run("select * from items")
    finally:
        a.close()
        b.close()
    assert len(found.rows) == 1 and found.more == 2
    assert found.to_json()["more"] == 2


@pytest.mark.parametrize("sql, words", [
    ("select 1; select 2", "found 2 statements"),
    ("", "found no statement"),
    ("delete from items", "not DELETE: nothing was sent"),
    ("with gone as (delete from items returning *) select * from gone", "nothing was sent"),
], ids=["two", "none", "delete", "writing-cte"])
def test_only_one_read_only_query_is_sent(diff: SqlDiff, sql: str, words: str) -> None:
    with pytest.raises(BadQuery, match=words):
        diff.run(sql)
    assert first_value(diff.a, "select count(*) from items") == 4  # nothing was deleted


def test_a_function_that_writes_is_refused_by_the_server(diff: SqlDiff) -> None:
    """The session is read-only: even a write hidden in a function call is refused."""
    with pytest.raises(ConsoleError, match="read-only"):
        diff.run("select nextval('ticket')")
    assert first_value(diff.a, "select is_called from ticket") is False  # it never moved


def first_value(clients: Clients, sql: str) -> object:
    client = clients.postgres()
    with client.run(client.settings.dbname, sql) as run:
        return run.first_rows[0][0]


def test_an_unknown_key_column_is_refused(diff: SqlDiff) -> None:
    with pytest.raises(BadQuery, match="--key nope: not a column of both results"):
        diff.run("select * from items", keys=["nope"])


def test_repeated_column_names_are_refused(diff: SqlDiff) -> None:
    with pytest.raises(BadQuery, match="more than one column named a"):
        diff.run("select 1 as a, 2 as a")


def test_a_side_that_fails_is_named(diff: SqlDiff) -> None:
    with pytest.raises(ConsoleError, match="only_here") as caught:
        diff.run("select * from only_here")
    assert caught.value.profile == "diffsql-prod"


def test_a_column_on_one_side_only_is_noted_and_the_rest_compared(diff: SqlDiff) -> None:
    found = diff.run("select * from wide")
    assert found.columns == ["id", "a"]
    assert found.notes == ["column extra only on diffsql-staging"]
    assert found.same == 1 and found.schema_differs and not found.equal


def test_cancel_stops_both_statements(diff: SqlDiff) -> None:
    timer = threading.Timer(0.3, diff.cancel)
    timer.start()
    try:
        with pytest.raises(Cancelled):
            diff.run("select pg_sleep(30), 1 as x")
    finally:
        timer.cancel()
