"""Saving a result to a file: whole or not at all, CSV through COPY, JSON typed."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from console import profiles
from console.backends.postgres import PostgresClient, export_query
from console.clients import Clients
from console.errors import BadQuery, ConsoleError

QUERY = ("select g as id, 'n' || g as name, timestamp '2026-01-01' + g * interval '1 day' as day, "
         "g / 4.0 as quarter, 123456789012345678.5 as big from generate_series(1, 7) g")


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    client = Clients(profiles.load("local")).postgres()
    yield client
    client.close()


def test_csv_has_a_header_and_every_row(client: PostgresClient, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert export_query(client, "postgres", QUERY, target, "csv") == 7
    rows = list(csv.reader(target.open()))
    assert rows[0] == ["id", "name", "day", "quarter", "big"]
    assert rows[1] == ["1", "n1", "2026-01-02 00:00:00", "0.25000000000000000000",
                       "123456789012345678.5"]
    assert len(rows) == 8
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_json_is_an_array_of_typed_objects(client: PostgresClient, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert export_query(client, "postgres", QUERY, target, "json") == 7
    records = json.loads(target.read_text())
    assert len(records) == 7
    assert records[0] == {"id": 1, "name": "n1", "day": "2026-01-02T00:00:00",
                          "quarter": 0.25, "big": "123456789012345678.5"}


def test_a_failed_export_leaves_the_old_file_alone(client: PostgresClient,
                                                   tmp_path: Path) -> None:
    target = tmp_path / "keep.csv"
    target.write_text("previous\n")
    with pytest.raises(BadQuery):
        export_query(client, "postgres", "select 1 / (g - 5) from generate_series(1, 9) g",
                     target, "csv")
    with pytest.raises(BadQuery):
        export_query(client, "postgres", "select 1 / (g - 5) from generate_series(1, 9) g",
                     target, "json")
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


def test_statements_that_write_are_not_run_again(client: PostgresClient, tmp_path: Path) -> None:
    with pytest.raises(BadQuery, match="only a query that returns rows"):
        export_query(client, "postgres", "create table never (a int)", tmp_path / "x", "json")
    assert "never" not in client.catalog("postgres").get("public", {})


def test_unknown_format_and_unwritable_path(client: PostgresClient, tmp_path: Path) -> None:
    with pytest.raises(BadQuery, match="use csv, json, xlsx or parquet"):
        export_query(client, "postgres", "select 1", tmp_path / "x.xml", "xml")
    with pytest.raises(ConsoleError, match="cannot write"):
        export_query(client, "postgres", "select 1", tmp_path / "missing" / "x.csv", "csv")
