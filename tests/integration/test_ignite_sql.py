"""SQL fields queries on the stand-in (DDL, DML, SELECT with arguments and pages), and the
``IgniteEngine`` driven only through the ``SqlEngine`` protocol the SQL editor uses."""

from __future__ import annotations

import threading

import pytest

from console.backends.ignite import IgniteClient, IgniteEngine
from console.backends.sql import SqlEngine, SqlRun, SqlSession, Target
from console.errors import BadQuery, Cancelled, ReadOnlyRefused
from tests.integration import ignite_fixtures
from tests.integration.ignite_fixtures import Cluster

client = ignite_fixtures.client
cluster = ignite_fixtures.cluster  # the module-scoped stand-in and a client of it


def test_ddl_dml_and_select_with_args(client: IgniteClient) -> None:
    client.sql("CREATE TABLE Gadget (id INT PRIMARY KEY, name VARCHAR, price DECIMAL(10,2)) "
               'WITH "template=replicated,backups=1"')
    inserted = client.sql("INSERT INTO Gadget (id, name, price) VALUES (?, ?, ?), (?, ?, ?)",
                          args=[1, "lamp", "19.99", 2, "fan", "35.50"])
    assert inserted.rowcount == 2
    updated = client.sql("UPDATE gadget SET price = price * 2 WHERE id = ?", args=[2])
    assert updated.rowcount == 1
    rows = client.sql("SELECT id, name, price FROM gadget ORDER BY id")
    assert rows.columns == ["ID", "NAME", "PRICE"]
    assert [r[:2] for r in rows.first_rows] == [[1, "lamp"], [2, "fan"]]
    assert str(rows.first_rows[1][2]) == "71"
    info = client.cache_info("SQL_PUBLIC_GADGET")
    assert (info.mode, info.backups, info.size) == ("replicated", 1, 2)
    client.sql("DROP TABLE gadget")
    assert "SQL_PUBLIC_GADGET" not in client.cache_names()


def test_select_streams_in_pages(client: IgniteClient) -> None:
    cursor = client.sql("SELECT id FROM readings WHERE id >= ? ORDER BY id", args=[500],
                        page_size=300)
    got = [row[0] for row in cursor.first_rows]
    while page := cursor.fetch(300):
        got.extend(row[0] for row in page)
    assert got == list(range(500, 2500))
    assert cursor.exhausted


def test_bad_sql_carries_the_engine_message(client: IgniteClient) -> None:
    with pytest.raises(BadQuery) as caught:
        client.sql("SELEC * FROM readings")
    assert "syntax error" in caught.value.message
    with pytest.raises(BadQuery, match="no such table"):
        client.sql("SELECT * FROM nowhere")
    with pytest.raises(BadQuery, match="one statement"):
        client.sql("SELECT 1; SELECT 2")


def test_a_cache_schema_is_queried_by_name(client: IgniteClient) -> None:
    rows = client.sql("SELECT COUNT(*) FROM city", schema="PUBLIC")
    assert rows.first_rows == [[8]]


# -- the engine, through the protocol -----------------------------------------


@pytest.fixture
def engine(client: IgniteClient) -> SqlEngine:
    made = IgniteEngine(client)
    assert isinstance(made, SqlEngine)
    return made


def test_targets_are_schemas_public_first(engine: SqlEngine) -> None:
    targets = engine.targets()
    assert targets[0] == Target("ignite", "PUBLIC") == engine.default_target()
    assert targets[0].label == "ignite:PUBLIC"


def test_catalog_lists_tables_and_columns(engine: SqlEngine) -> None:
    catalog = engine.catalog(engine.default_target())
    assert catalog["PUBLIC"]["READINGS"] == ["ID", "DEVICE", "SENSOR", "READING", "TAKEN"]
    assert catalog["PUBLIC"]["CITY"][:2] == ["ID", "NAME"]


def test_session_streams_a_result_with_postgres_types(engine: SqlEngine) -> None:
    session = engine.session(engine.default_target())
    assert isinstance(session, SqlSession)
    run = session.run("SELECT id, device, reading, taken FROM readings ORDER BY id", batch=1000)
    assert isinstance(run, SqlRun)
    assert [c.type_name for c in run.columns] == ["bigint", "text", "double precision",
                                                  "timestamp with time zone"]
    assert len(run.first_rows) == 1000 and not run.exhausted
    total = len(run.first_rows)
    while rows := run.fetch(1000):
        total += len(rows)
    assert total == 2500 and run.exhausted and run.status == "SELECT 2500"
    session.close()


def test_session_runs_dml_with_a_status(engine: SqlEngine) -> None:
    session = engine.session(engine.default_target())
    session.run("CREATE TABLE IF NOT EXISTS NOTES (ID INT PRIMARY KEY, T VARCHAR)")
    run = session.run("INSERT INTO notes VALUES (?, ?)", params=[1, "x"])
    assert (run.has_rows, run.rowcount, run.status) == (False, 1, "INSERT 1")
    session.run("DROP TABLE notes")
    session.close()


def test_cancel_from_another_thread_stops_the_rows(engine: SqlEngine) -> None:
    session = engine.session(engine.default_target())
    started: list[SqlRun] = []
    run = session.run("SELECT * FROM readings", batch=100, on_start=started.append)
    assert started == [run]
    threading.Thread(target=run.cancel).start()
    with pytest.raises(Cancelled):
        for _ in range(100):
            run.fetch(100)
    session.close()


def test_engine_refuses_writes_on_a_read_only_profile(cluster: Cluster) -> None:
    with cluster.client(read_only=True) as ro:
        session = IgniteEngine(ro).session(Target("ignite", "PUBLIC"))
        with pytest.raises(ReadOnlyRefused):
            session.run("DELETE FROM readings")
        assert session.run("SELECT COUNT(*) FROM readings").first_rows == [(2500,)]
        session.close()
