"""Imports on the real PostgreSQL: one transaction, streamed, bad rows named by their place."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from console import profiles
from console.backends.datajobs import ColumnType, DataJobs, ImportColumn, JobState, JobStore
from console.backends.postgres import ImportMode, ImportRequest, PostgresClient, import_data
from console.errors import ReadOnlyRefused
from console.profiles import PostgresSettings, Profile, ProfileSettings, audit
from tests.conftest import scratch_database

DB = "it_data_import"


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(DB) as client:
        yield client


@pytest.fixture
def jobs(tmp_path: Path) -> DataJobs:
    return DataJobs("local", JobStore(tmp_path / "jobs.sqlite3"))


def rows(client: PostgresClient, query: str) -> list[tuple[object, ...]]:
    with client.run(DB, query) as run:
        return run.first_rows


def types(client: PostgresClient, table: str) -> list[str]:
    return [r[0] for r in rows(client, "select format_type(atttypid, null) from pg_attribute "
                                       f"where attrelid = '{table}'::regclass and attnum > 0 "
                                       "order by attnum")]


def exists(client: PostgresClient, table: str) -> bool:
    return rows(client, f"select to_regclass('{table}') is not null")[0][0] is True


def test_csv_types_are_inferred_and_values_kept(client: PostgresClient, jobs: DataJobs,
                                                tmp_path: Path) -> None:
    """Quotes, commas, newlines and unicode survive; empty is NULL, "" is an empty string."""
    source = tmp_path / "people.csv"
    source.write_text('id,name,score,seen,active,doc\n'
                      '1,"Zoë ""Z"", jr.",1.25,2026-01-02 03:04:05+02,true,"{""a"": [1]}"\n'
                      '2,"two\nlines",,2026-01-03T00:00:00Z,no,[]\n'
                      '3,"",-7,2026-01-04 10:00:00+00,yes,{}\n', encoding="utf-8")
    job = import_data(client, ImportRequest(str(source), DB, "people"), jobs)
    assert (job.state, job.rows) == (JobState.DONE, 3)
    assert types(client, "people") == ["bigint", "text", "numeric", "timestamp with time zone",
                                       "boolean", "jsonb"]
    got = rows(client, "select id, name, score, active, doc, extract(epoch from seen)::int "
                       "from people order by id")
    assert got == [(1, 'Zoë "Z", jr.', pytest.approx(1.25), True, {"a": [1]}, 1767315845),
                   (2, "two\nlines", None, False, [], 1767398400),
                   (3, "", -7, True, {}, 1767520800)]


def test_a_bad_row_near_the_end_fails_with_its_line_and_leaves_nothing(
        client: PostgresClient, jobs: DataJobs, tmp_path: Path) -> None:
    """A malformed value on line 200,001 of a big CSV: FAILED at that line, no table."""
    source = tmp_path / "big.csv"
    with source.open("w") as out:
        out.write("id,amount\n")
        out.writelines(f"{i},{i}.5\n" for i in range(1, 200_000))
        out.write("200000,12x\n200001,1\n")
    columns = (ImportColumn("id", ColumnType.INTEGER), ImportColumn("amount", ColumnType.DECIMAL))
    job = import_data(client, ImportRequest(str(source), DB, "big", columns=columns), jobs)
    assert job.state is JobState.FAILED
    assert (job.error_line, job.error_unit) == (200_001, "line")
    assert "line 200,001, column amount" in job.error_details
    assert '"12x"' in job.error_details
    assert not exists(client, "big")
    assert jobs.store.get(job.id).state is JobState.FAILED  # the history says so too


def test_append_adds_rows_and_matches_columns_by_name(client: PostgresClient, jobs: DataJobs,
                                                     tmp_path: Path) -> None:
    client.run(DB, "create table target (id int, label text, extra text default 'x')").close()
    source = tmp_path / "more.csv"
    source.write_text("LABEL,id\nfirst,1\nsecond,2\n")
    refused = import_data(client, ImportRequest(str(source), DB, "target"), jobs)
    assert refused.state is JobState.FAILED and refused.error_type == "Conflict"
    job = import_data(client, ImportRequest(str(source), DB, "target", mode=ImportMode.APPEND),
                      jobs)
    assert job.state is JobState.DONE
    assert rows(client, "select id, label, extra from target order by id") == [
        (1, "first", "x"), (2, "second", "x")]
    missing = import_data(client, ImportRequest(str(source), DB, "nope", mode=ImportMode.APPEND),
                          jobs)
    assert missing.error_type == "NotFound"


def test_json_array_and_lines_keep_decimals_and_nested_objects(
        client: PostgresClient, jobs: DataJobs, tmp_path: Path) -> None:
    records = [{"id": 1, "price": "x", "tags": ["a", "b"], "when": "2026-05-01T12:00:00+00:00",
                "ok": True}, {"id": 2, "price": None, "tags": {"k": 1}, "ok": False}]
    array = tmp_path / "array.json"
    array.write_text(json.dumps(records).replace('"x"', "12345678901234.123456"))
    lines = tmp_path / "lines.ndjson"
    lines.write_text("\n".join(json.dumps(r) for r in records).replace('"x"', "0.10") + "\n")
    for source, table in ((array, "from_array"), (lines, "from_lines")):
        job = import_data(client, ImportRequest(str(source), DB, table), jobs)
        assert job.state is JobState.DONE, job.error_details
        assert types(client, table) == ["bigint", "numeric", "jsonb",
                                        "timestamp with time zone", "boolean"]
    assert rows(client, "select price::text, tags from from_array order by id") == [
        ("12345678901234.123456", ["a", "b"]), (None, {"k": 1})]
    assert rows(client, "select price::text from from_lines where id = 1") == [("0.10",)]


def test_json_errors_name_the_line_or_element(client: PostgresClient, jobs: DataJobs,
                                              tmp_path: Path) -> None:
    lines = tmp_path / "bad.ndjson"
    lines.write_text('{"n": 1, "t": "a"}\n\n{"n": 2, "t": "multi\\nline"}\n{"n": "x", "t": "b"}\n')
    columns = (ImportColumn("n", ColumnType.INTEGER), ImportColumn("t", ColumnType.TEXT))
    job = import_data(client, ImportRequest(str(lines), DB, "bad_lines", columns=columns), jobs)
    assert (job.state, job.error_line, job.error_unit) == (JobState.FAILED, 4, "line")
    extra = tmp_path / "extra.json"  # a key the first 1,000 objects did not have
    extra.write_text(json.dumps([{"a": n} for n in range(1000)] + [{"a": 1, "b": 3}]))
    job = import_data(client, ImportRequest(str(extra), DB, "bad_extra"), jobs)
    assert (job.error_line, job.error_unit) == (1001, "element")
    assert "key 'b'" in job.error_details
    broken = tmp_path / "broken.json"
    broken.write_text('[{"a": 1}, {"a": 2}, {"a": ')
    job = import_data(client, ImportRequest(str(broken), DB, "bad_broken"), jobs)
    assert "after element 2" in job.error_details
    assert not any(exists(client, t) for t in ("bad_lines", "bad_extra", "bad_broken"))


def test_xlsx_numbers_dates_and_booleans_become_typed_columns(
        client: PostgresClient, jobs: DataJobs, tmp_path: Path) -> None:
    import datetime as dt

    source = tmp_path / "sheet.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet("readings")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["id", "value", "taken", "day", "ok", "note"])
    for r in range(1, 4):
        sheet.write_number(r, 0, r)
        sheet.write_number(r, 1, r * 1.5)
        sheet.write_datetime(r, 2, dt.datetime(2026, 1, r, 8, 30), when)
        sheet.write_datetime(r, 3, dt.datetime(2026, 2, r), day)
        sheet.write_boolean(r, 4, r % 2 == 1)
        sheet.write_string(r, 5, f"=not a formula {r}")
    book.close()
    job = import_data(client, ImportRequest(str(source), DB, "readings"), jobs)
    assert job.state is JobState.DONE, job.error_details
    assert types(client, "readings") == ["bigint", "numeric", "timestamp with time zone",
                                         "date", "boolean", "text"]
    assert rows(client, "select id, value::text, taken = timestamptz '2026-01-02 08:30Z', "
                        "day::text, ok, note from readings where id = 2") == [
        (2, "3", True, "2026-02-02", False, "=not a formula 2")]


def test_sqlite_imports_every_table_or_the_chosen_ones(client: PostgresClient, jobs: DataJobs,
                                                       tmp_path: Path) -> None:
    source = tmp_path / "app.sqlite"
    with sqlite3.connect(source) as db:
        db.execute("create table sensors (id integer primary key, name text, ok boolean, "
                   "reading real, meta json, raw blob)")
        db.execute("insert into sensors values (1, 'a''b', 1, 2.5, '{\"x\": 1}', x'00ff')")
        db.execute("insert into sensors values (2, null, 0, null, null, null)")
        db.execute("create table events (at, what text)")  # undeclared: inferred
        db.execute("insert into events values ('2026-03-01 10:00:00', 'boot')")
    db.close()
    job = import_data(client, ImportRequest(str(source), DB, schema="public"), jobs)
    assert (job.state, job.rows) == (JobState.DONE, 3), job.error_details
    assert types(client, "sensors") == ["bigint", "text", "boolean", "numeric", "jsonb", "bytea"]
    assert rows(client, "select name, ok, reading, meta, encode(raw, 'hex') from sensors "
                        "order by id") == [("a'b", True, pytest.approx(2.5), {"x": 1}, "00ff"),
                                           (None, False, None, None, None)]
    assert types(client, "events") == ["timestamp with time zone", "text"]
    client.run(DB, "drop table sensors, events").close()
    chosen = import_data(client, ImportRequest(str(source), DB, tables=("events",)), jobs)
    assert chosen.state is JobState.DONE and not exists(client, "sensors")


def test_a_failure_in_the_second_sqlite_table_undoes_the_first(
        client: PostgresClient, jobs: DataJobs, tmp_path: Path) -> None:
    source = tmp_path / "two.sqlite"
    with sqlite3.connect(source) as db:
        db.execute("create table a_first (n integer)")
        db.execute("insert into a_first values (1)")
        db.execute("create table b_second (n integer)")
        db.execute("insert into b_second values (1), ('not a number')")
    db.close()
    job = import_data(client, ImportRequest(str(source), DB), jobs)
    assert job.state is JobState.FAILED
    assert (job.error_line, job.error_unit) == (2, "row")
    assert "of table 'b_second'" in job.error_details
    assert not exists(client, "a_first")


def test_a_killed_connection_fails_the_job_and_commits_nothing(
        client: PostgresClient, jobs: DataJobs, tmp_path: Path) -> None:
    """The server ending the import's backend mid-COPY: FAILED, Unavailable, no table."""
    source = tmp_path / "slow.csv"
    source.write_text("n\n" + "".join(f"{i}\n" for i in range(50_000)))

    def kill_when_started(handle: object) -> None:
        killer = client.run(DB, "select pg_terminate_backend(pid) from pg_stat_activity "
                                "where datname = current_database() and pid <> pg_backend_pid() "
                                "and query like 'COPY%'")
        killer.close()

    chunks_seen = []

    def on_start(handle):  # type: ignore[no-untyped-def]
        original = handle.advance

        def advance(rows: int = 0, nbytes: int = 0) -> None:
            original(rows, nbytes)
            if not chunks_seen:
                chunks_seen.append(nbytes)
                kill_when_started(handle)

        handle.advance = advance

    job = import_data(client, ImportRequest(str(source), DB, "killed"), jobs, on_start=on_start)
    assert job.state is JobState.FAILED
    assert job.error_type == "Unavailable"
    assert not exists(client, "killed")


def test_a_read_only_profile_refuses_imports_in_the_backend(local_pg: Any, tmp_path: Path,
                                                            client: PostgresClient) -> None:
    """Refused before any job or statement, and the refusal is in the audit log."""
    settings = ProfileSettings(read_only=True, postgres=PostgresSettings(host=local_pg.socket_dir))
    profiles.save_settings("ro-import", settings)
    reader = PostgresClient(Profile("ro-import", settings, tmp_path))
    source = tmp_path / "a.csv"
    source.write_text("a\n1\n")
    jobs = DataJobs("ro-import", JobStore(tmp_path / "jobs.sqlite3"))
    try:
        with pytest.raises(ReadOnlyRefused):
            import_data(reader, ImportRequest(str(source), DB, "never"), jobs)
    finally:
        reader.close()
    assert jobs.list() == []
    assert not exists(client, "never")
    assert audit.read("ro-import")[-1].outcome == "refused: read-only profile"
