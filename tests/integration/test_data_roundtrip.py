"""Round trips: a table exported to each format and imported back has the same values and types.

The table holds what breaks naive tools: integers, decimals, text with quotes,
commas, newlines and unicode, timestamps with zones, NULLs, booleans and JSON.
Parquet is not an import format: its file is read back with pyarrow instead.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from console.backends.datajobs import DataJobs, JobHandle, JobState, JobStore
from console.backends.postgres import (
    ExportRequest,
    ImportRequest,
    PostgresClient,
    export_data,
    import_data,
)
from tests.conftest import scratch_database

DB = "it_data_roundtrip"
SOURCE = """
create table source (id bigint, amount numeric, note text, at timestamptz, ok boolean, doc jsonb)
"""
FILL = """
insert into source values
  (1, 1234.5678, 'plain', '2026-01-02 03:04:05.25+02', true, '{"a": [1, "x"], "b": null}'),
  (2, -0.5, 'He said "hi", then left
on a new line', '1999-12-31 23:59:59Z', false, '[1, 2.5, "three"]'),
  (3, null, 'Zoë — 東京 ✓', null, null, null),
  (4, 0, '', '2026-06-30 12:00:00-07', true, '{}'),
  (9007199254740993, 1e-3, 'comma, inside', '2026-01-01 00:00:00+00', false, '{"n": 1}')
"""
TYPES = ["bigint", "numeric", "text", "timestamp with time zone", "boolean", "jsonb"]


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(DB, SOURCE, FILL) as client:
        yield client


@pytest.fixture
def jobs(tmp_path: Path) -> DataJobs:
    return DataJobs("local", JobStore(tmp_path / "jobs.sqlite3"))


def fetch(client: PostgresClient, query: str) -> list[tuple[object, ...]]:
    with client.run(DB, query) as run:
        return run.first_rows


def column_types(client: PostgresClient, table: str) -> list[str]:
    return [r[0] for r in fetch(client, "select format_type(atttypid, null) from pg_attribute "
                                        f"where attrelid = '{table}'::regclass and attnum > 0 "
                                        "order by attnum")]


def same_rows(client: PostgresClient, table: str, where: str = "true") -> None:
    """Every row of ``table`` equals the source's, and the other way round."""
    diff = fetch(client, f"select count(*) from ((select * from source where {where} "
                         f"except all select * from {table} where {where}) union all "
                         f"(select * from {table} where {where} "
                         f"except all select * from source where {where})) d")
    assert diff == [(0,)]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_text_formats_round_trip_exactly(client: PostgresClient, jobs: DataJobs,
                                         tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"source.{fmt}"
    out = export_data(client, ExportRequest(DB, str(path), table="source"), jobs)
    assert (out.state, out.rows, out.download_url) == (JobState.DONE, 5, path.as_uri())
    back = import_data(client, ImportRequest(str(path), DB, f"back_{fmt}"), jobs)
    assert back.state is JobState.DONE, back.error_details
    assert column_types(client, f"back_{fmt}") == TYPES
    same_rows(client, f"back_{fmt}")


def test_xlsx_round_trips_numbers_dates_and_text(client: PostgresClient, jobs: DataJobs,
                                                 tmp_path: Path) -> None:
    """Excel keeps doubles and milliseconds, and has no empty strings (an empty cell is
    missing): the rows that fit come back the same."""
    path = tmp_path / "source.xlsx"
    query = "select * from source where id < 5"
    assert export_data(client, ExportRequest(DB, str(path), query=query), jobs).rows == 4
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert sheet[1][:2] == [1.0, 1234.5678]  # numbers as numbers
    assert isinstance(sheet[1][3], dt.datetime) and sheet[1][4] is True
    back = import_data(client, ImportRequest(str(path), DB, "back_xlsx"), jobs)
    assert back.state is JobState.DONE, back.error_details
    assert column_types(client, "back_xlsx") == TYPES
    same_rows(client, "back_xlsx", "id < 4")
    assert fetch(client, "select note, ok from back_xlsx where id = 4") == [(None, True)]


def test_sqlite_values_come_back_through_an_export(client: PostgresClient, jobs: DataJobs,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as db:
        db.execute("create table things (id integer, price decimal(10, 2), label text, "
                   "at datetime, on_sale boolean, meta json)")
        db.execute("insert into things values (1, 9.99, 'a \"q\", b', "
                   "'2026-01-01 10:00:00+00:00', 1, '{\"k\": [1]}'), "
                   "(2, null, null, null, 0, null)")
    db.close()
    assert import_data(client, ImportRequest(str(path), DB), jobs).state is JobState.DONE
    assert column_types(client, "things") == ["bigint", "numeric", "text",
                                              "timestamp with time zone", "boolean", "jsonb"]
    out = tmp_path / "things.json"
    export_data(client, ExportRequest(DB, str(out), query="select * from things order by id"),
                jobs)
    assert json.loads(out.read_text()) == [
        {"id": 1, "price": 9.99, "label": 'a "q", b', "at": "2026-01-01T10:00:00+00:00",
         "on_sale": True, "meta": {"k": [1]}},
        {"id": 2, "price": None, "label": None, "at": None, "on_sale": False, "meta": None}]


def test_parquet_keeps_postgres_types_as_arrow_types(client: PostgresClient, jobs: DataJobs,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "typed.parquet"
    query = ("select id, id::int as small, amount::numeric(12, 4) as fixed, amount as bare, "
             "note, at, at::timestamp as local_at, at::date as day, ok, doc, "
             "'8d2c6a8e-1f4e-4a51-9a8f-2d1f2b0c9a11'::uuid as u, array[id, 2] as pair "
             "from source where id < 5 order by id")
    job = export_data(client, ExportRequest(DB, str(path), query=query), jobs)
    assert job.state is JobState.DONE, job.error_details
    schema = pq.read_schema(path)
    assert [str(t) for t in schema.types] == [
        "int64", "int32", "decimal128(12, 4)", "decimal128(38, 4)", "string",
        "timestamp[us, tz=UTC]", "timestamp[us]", "date32[day]", "bool",
        "extension<arrow.json>", "extension<arrow.uuid>", "list<element: int64>"]
    table = pq.read_table(path).to_pylist()
    assert table[0]["fixed"] == decimal.Decimal("1234.5678")
    assert table[0]["at"] == dt.datetime(2026, 1, 2, 1, 4, 5, 250000, tzinfo=dt.timezone.utc)
    assert json.loads(table[0]["doc"]) == {"a": [1, "x"], "b": None}
    assert table[1]["note"] == 'He said "hi", then left\non a new line'
    assert table[2]["amount" if "amount" in table[2] else "bare"] is None
    assert pa.types.is_boolean(schema.field("ok").type)


def leftovers(folder: Path) -> list[str]:
    """Files in ``folder`` besides the job history (its SQLite file and write-ahead log)."""
    return [p.name for p in folder.iterdir() if not p.name.startswith("jobs.sqlite3")]


def test_a_bare_numeric_that_outgrows_the_first_batch_fails_without_rounding(
        client: PostgresClient, jobs: DataJobs, tmp_path: Path) -> None:
    path = tmp_path / "grow.parquet"
    query = ("select case when g < 30000 then 1.5 else 1.123456789 end as x "
             "from generate_series(1, 30001) g")
    job = export_data(client, ExportRequest(DB, str(path), query=query), jobs)
    assert job.state is JobState.FAILED and "cast it in the query" in job.error_details
    assert leftovers(tmp_path) == []


def test_cancel_an_export_leaves_no_file(client: PostgresClient, jobs: DataJobs,
                                         tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"

    def cancel_at_once(handle: JobHandle) -> None:
        original = handle.advance

        def advance(rows: int = 0, nbytes: int = 0) -> None:
            original(rows, nbytes)
            if rows:
                handle.cancel()

        handle.advance = advance  # type: ignore[method-assign]

    job = export_data(client, ExportRequest(DB, str(path),
                                            query="select g from generate_series(1, 50000) g"),
                      jobs, on_start=cancel_at_once)
    assert job.state is JobState.FAILED and job.error_type == "Cancelled"
    assert leftovers(tmp_path) == []
