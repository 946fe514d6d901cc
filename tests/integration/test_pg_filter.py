"""Filtering a result on the server: the query wrapped, the text bound, the rows streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.backends.postgres import PostgresClient, export_query, filter_rows
from console.errors import BadQuery
from tests.conftest import scratch_database

DB = "pgfilter_work"


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(
        DB,
        "create table notes (id int, body text)",
        "insert into notes select g, case when g % 10 = 0 then 'Ten ' || g "
        "else 'plain ' || g end from generate_series(1, 2000) g",
        "insert into notes values (5001, '100% sure'), (5002, 'snake_case'), "
        "(5003, 'back\\slash'), (5004, '1000 sure'), (5005, 'snakeXcase'), "
        "(5006, 'say \"hi\", then go')",
    ) as client:
        yield client


def _ids(client: PostgresClient, sql: str, text: str) -> list[int]:
    query, params = filter_rows(sql, text)
    with client.run(DB, query, params=params) as run:
        return [row[0] for row in run.first_rows]


def test_matching_rows_stream_through_a_named_cursor(client: PostgresClient) -> None:
    """200 rows match; a 50-row first batch leaves the rest on the server, fetched on demand."""
    query, params = filter_rows("select id, body from notes order by id", "ten")
    with client.run(DB, query, params=params, batch=50) as run:
        assert [c.name for c in run.columns] == ["id", "body"]
        assert run.first_rows[0] == (10, "Ten 10") and not run.exhausted
        rest = run.fetch(1000)
        assert run.exhausted and run.rowcount == 200
        assert rest[-1] == (2000, "Ten 2000")


def test_the_text_is_literal_not_a_pattern(client: PostgresClient) -> None:
    assert _ids(client, "select * from notes", "100%") == [5001]
    assert _ids(client, "select * from notes", "snake_case") == [5002]
    assert _ids(client, "select * from notes", "back\\sl") == [5003]
    assert _ids(client, "select * from notes", 'say "hi", then') == [5006]
    assert _ids(client, "select * from notes", "'; drop table notes; --") == []
    with client.run(DB, "select count(*) from notes") as run:  # the table is intact
        assert run.first_rows == [(2006,)]


def test_the_query_keeps_its_own_percent_signs_and_comments(client: PostgresClient) -> None:
    sql = "select id, body from notes where body like '%sure' -- ends with a comment"
    assert _ids(client, sql, "100% s") == [5001]
    assert _ids(client, "values (1, 'a%b'), (2, 'c')", "a%b") == [1]


def test_the_filter_sees_what_the_query_returned(client: PostgresClient) -> None:
    """A LIMIT inside the query is applied first: only its rows are narrowed."""
    assert _ids(client, "select id from notes order by id limit 25", "2") == [2, 12, 20, 21, 22,
                                                                              23, 24, 25]


@pytest.mark.parametrize("sql", ["show server_version", "update notes set id = id",
                                 "create table x (a int)"])
def test_statements_that_cannot_be_wrapped_are_refused(sql: str) -> None:
    with pytest.raises(BadQuery, match="only rows of a SELECT"):
        filter_rows(sql, "x")


def test_a_filtered_result_saves_as_csv_and_json(client: PostgresClient, tmp_path: Path) -> None:
    query, params = filter_rows("select id, body from notes order by id", "sure")
    target = tmp_path / "sure.csv"
    assert export_query(client, DB, query, target, "csv", params) == 2
    assert list(csv.reader(io.StringIO(target.read_text()))) == [
        ["id", "body"], ["5001", "100% sure"], ["5004", "1000 sure"]]
    as_json = tmp_path / "sure.json"
    assert export_query(client, DB, query, as_json, "json", params) == 2
    assert '"100% sure"' in as_json.read_text()
