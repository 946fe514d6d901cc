"""Running statements on the real server: streaming, statuses, positions, cancel, sessions."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import threading
import time
from collections.abc import Iterator

import psycopg2
import pytest

from console import profiles
from console.backends.postgres import PostgresClient, QueryRun, ResultColumn
from console.errors import BadQuery, Cancelled, ReadOnlyRefused, Unavailable
from console.profiles import PostgresSettings, ProfileSettings
from tests.conftest import scratch_database

DB = "pgq_work"


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(
        DB,
        "create table items (id int primary key, name text, at timestamptz, "
        "price numeric(12, 2))",
        "insert into items select g, 'item ' || g, "
        "timestamptz '2026-01-01 00:00+00' + g * interval '1 hour', g * 1.25 "
        "from generate_series(1, 1200) g",
    ) as client:
        yield client


def _other_client(client: PostgresClient, name: str, **settings: object) -> PostgresClient:
    """A second profile on the same server, with other settings."""
    if name in profiles.names():
        profiles.remove(name)
    profiles.add(name, ProfileSettings(
        read_only=bool(settings.pop("read_only", False)),
        postgres=PostgresSettings(host=client.host, **settings),
    ))
    return PostgresClient(profiles.load(name))


def test_select_streams_in_batches(client: PostgresClient) -> None:
    with client.run(DB, "select * from items order by id", batch=500) as run:
        assert [c.name for c in run.columns] == ["id", "name", "at", "price"]
        assert run.columns[2] == ResultColumn("at", "timestamp with time zone")
        assert run.has_rows and not run.exhausted
        assert len(run.first_rows) == 500 and run.first_rows[0][0] == 1
        assert run.status == "SELECT 500"
        assert run.elapsed > 0
        assert [r[0] for r in run.fetch(600)] == list(range(501, 1101))
        rest = run.fetch(600)
        assert len(rest) == 100 and run.exhausted
        assert run.status == "SELECT 1200" and run.rowcount == 1200
        assert run.fetch(10) == []


def test_values_come_back_as_python_types(client: PostgresClient) -> None:
    row = client.run(DB, "select id, at, price from items where id = 2").first_rows[0]
    assert row == (2, dt.datetime(2026, 1, 1, 2, tzinfo=dt.timezone.utc),
                   decimal.Decimal("2.50"))


def test_statements_without_rows_report_the_server_status(client: PostgresClient) -> None:
    run = client.run(DB, "update items set name = name where id <= 3")
    assert (run.status, run.rowcount, run.has_rows, run.exhausted) == ("UPDATE 3", 3, False, True)
    assert run.columns == [] and run.first_rows == []
    assert client.run(DB, "create table t_status (a int)").status == "CREATE TABLE"
    assert client.run(DB, "drop table t_status").status == "DROP TABLE"


def test_rows_from_statements_that_cannot_be_declared(client: PostgresClient) -> None:
    run = client.run(DB, "insert into items values (5001, 'x', now(), 1) returning id, name")
    assert run.first_rows == [(5001, "x")] and run.status == "INSERT 0 1"
    show = client.run(DB, "show server_encoding")
    assert show.first_rows == [("UTF8",)] and show.exhausted
    client.run(DB, "delete from items where id = 5001").close()


def test_writes_commit_on_their_own(client: PostgresClient) -> None:
    client.run(DB, "insert into items values (5002, 'kept', now(), 1)").close()
    with client.session(DB) as other:
        assert other.run("select name from items where id = 5002").first_rows == [("kept",)]
    client.run(DB, "delete from items where id = 5002").close()


@pytest.mark.parametrize(("sql", "position"), [
    ("select nope from items", 8),
    ("SELEC 1", 1),
    ("select id from items where name = 1 +", 38),
    ("  insert into items (nope) values (1)", 22),
])
def test_bad_query_points_into_the_statement(client: PostgresClient, sql: str,
                                             position: int) -> None:
    with pytest.raises(BadQuery) as caught:
        client.run(DB, sql)
    assert caught.value.position == position


def test_errors_leave_the_pool_usable(client: PostgresClient) -> None:
    for _ in range(client.settings.pool_size + 2):
        with pytest.raises(BadQuery, match="division by zero"):
            client.run(DB, "select 1 / (id - id) from items")
    assert client.run(DB, "select count(*) from items").first_rows == [(1200,)]


def test_an_error_while_streaming_is_raised_by_fetch(client: PostgresClient) -> None:
    run = client.run(DB, "select 10 / (1000 - id) from items order by id", batch=500)
    run.fetch(400)
    with pytest.raises(BadQuery, match="division by zero"):
        run.fetch(400)
    assert run.exhausted and run.fetch(1) == []
    assert client.run(DB, "select 1").first_rows == [(1,)]


def test_cancel_while_run_still_blocks(client: PostgresClient) -> None:
    started: list[QueryRun] = []

    def cancel_soon(run: QueryRun) -> None:
        started.append(run)
        threading.Timer(0.2, run.cancel).start()

    with pytest.raises(Cancelled):
        client.run(DB, "select pg_sleep(30)", on_start=cancel_soon)
    assert started[0].cancelled
    assert client.run(DB, "select 2").first_rows == [(2,)]


def test_cancel_running_stops_statements_of_other_threads(client: PostgresClient) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            client.run(DB, "select pg_sleep(30)")
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 10
    while client.cancel_running() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.join(10)
    assert not worker.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], Cancelled)


def test_cancel_between_fetches(client: PostgresClient) -> None:
    run = client.run(DB, "select * from items", batch=100)
    run.cancel()
    with pytest.raises(Cancelled):
        run.fetch(100)
    run.close()
    run.close()  # idempotent


def test_transaction_control_needs_a_session(client: PostgresClient) -> None:
    with pytest.raises(BadQuery, match="BEGIN needs a session"):
        client.run(DB, "begin")


def test_session_keeps_a_transaction_block(client: PostgresClient) -> None:
    with client.session(DB) as session:
        session.run("begin").close()
        session.run("insert into items values (6001, 'tmp', now(), 1)").close()
        assert session.in_transaction
        with session.run("select id from items where id > 6000", batch=1) as run:
            assert run.first_rows == [(6001,)]  # the block's own row, through a cursor
        outside = client.run(DB, "select count(*) from items where id > 6000")
        assert outside.first_rows == [(0,)]
        session.run("rollback").close()
        assert not session.in_transaction
    assert client.run(DB, "select count(*) from items where id > 6000").first_rows == [(0,)]


def test_session_settings_last_and_pool_connections_stay_clean(client: PostgresClient) -> None:
    with client.session(DB) as session:
        session.run("set application_name = 'changed'").close()
        assert session.run("show application_name").first_rows == [("changed",)]
    for _ in range(3):
        assert client.run(DB, "show application_name").first_rows == [("fleet-console",)]
    client.run(DB, "set application_name = 'leaky'").close()
    assert client.run(DB, "show application_name").first_rows == [("fleet-console",)]


def test_more_threads_than_connections_wait_their_turn(client: PostgresClient) -> None:
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(
            client.run(DB, "select pg_sleep(0.05), 1").first_rows[0][1]))
        for _ in range(client.settings.pool_size * 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == [1] * len(threads)


def test_a_dead_pooled_connection_is_replaced(client: PostgresClient, local_pg: object) -> None:
    client.run(DB, "select 1").close()  # leaves an idle connection in the pool
    killer = psycopg2.connect(dbname="postgres", user="postgres", host=local_pg.socket_dir)
    killer.autocommit = True
    with killer.cursor() as cur:
        cur.execute("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                    "where datname = %s and application_name = 'fleet-console'", (DB,))
        assert cur.fetchone()[0] >= 1
    killer.close()
    time.sleep(0.1)
    assert client.run(DB, "select 3").first_rows == [(3,)]


def test_statement_timeout_from_settings(client: PostgresClient) -> None:
    timed = _other_client(client, "pgq-timeout", statement_timeout_ms=200)
    try:
        with pytest.raises(Unavailable, match="statement timeout"):
            timed.run(DB, "select pg_sleep(5)")
        assert timed.run(DB, "select 4").first_rows == [(4,)]
    finally:
        timed.close()


def test_read_only_profile_refuses_writes(client: PostgresClient) -> None:
    read_only = _other_client(client, "pgq-ro", read_only=True)
    try:
        assert read_only.run(DB, "select count(*) from items").first_rows == [(1200,)]
        for sql in ("insert into items values (7001, 'no', now(), 1)", "drop table items",
                    "set default_transaction_read_only = off"):
            with pytest.raises(ReadOnlyRefused):
                read_only.run(DB, sql)
        client.run(DB, "create sequence if not exists seq").close()
        with pytest.raises(ReadOnlyRefused, match=r"nextval\(\) acts outside"):
            read_only.run(DB, "select nextval('seq')")
        client.run(DB, "create or replace function pgq_bump() returns int language sql "
                       "as 'insert into items values (7002, ''f'', now(), 1) returning 1'").close()
        with pytest.raises(ReadOnlyRefused, match="read-only transaction"):
            read_only.run(DB, "select pgq_bump()")  # the server's own refusal (25006)
    finally:
        read_only.close()
    assert client.run(DB, "select count(*) from items").first_rows == [(1200,)]


def test_connections_are_tagged_for_the_dba(client: PostgresClient) -> None:
    run = client.run(DB, "select application_name from pg_stat_activity "
                         "where pid = pg_backend_pid()")
    assert run.first_rows == [("fleet-console",)]


def test_copy_csv_writes_rows_with_header(client: PostgresClient) -> None:
    out = io.BytesIO()
    count = client.copy_csv(DB, "select id, name from items where id <= 2 order by id -- note",
                            out)
    assert count == 2
    assert out.getvalue().decode() == "id,name\n1,item 1\n2,item 2\n"
    with pytest.raises(BadQuery) as caught:
        client.copy_csv(DB, "select nope from items", io.BytesIO())
    assert caught.value.position == 8
    with pytest.raises(BadQuery, match="only a query that returns rows"):
        client.copy_csv(DB, "delete from items", io.BytesIO())
