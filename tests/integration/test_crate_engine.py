"""``CrateEngine`` through the ``SqlEngine`` protocol: targets, paged runs, cancel, catalog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from console import profiles
from console.backends.crate import CrateClient, CrateEngine
from console.backends.sql import SqlEngine, SqlRun, SqlSession, Target
from console.clients import Clients
from console.errors import BadQuery, Cancelled, ReadOnlyRefused
from console.profiles.settings import ProfileSettings
from tests.integration.crate_standin import PASSWORD, StandInCluster, running_standin


@pytest.fixture(scope="module")
def standin(local_pg: object) -> Iterator[StandInCluster]:
    with running_standin("engine") as running:
        yield running


@pytest.fixture(scope="module")
def engine(standin: StandInCluster) -> Iterator[SqlEngine]:
    client = CrateClient(standin.settings(), PASSWORD)
    yield CrateEngine(client)
    client.close()


def test_it_is_an_engine(engine: SqlEngine) -> None:
    assert isinstance(engine, SqlEngine)
    assert engine.default_target() == Target("cratedb", "doc")
    assert {"doc", "blob", "sys"} <= {t.name for t in engine.targets()}


def test_rows_come_in_pages(engine: SqlEngine) -> None:
    session = engine.session(Target("cratedb", "doc"))
    assert isinstance(session, SqlSession) and not session.in_transaction
    run = session.run("SELECT sensor_id, ts FROM readings ORDER BY ts DESC, sensor_id",
                      batch=100)
    assert isinstance(run, SqlRun)
    assert len(run.first_rows) == 100 and not run.exhausted
    assert [c.type_name for c in run.columns] == ["integer", "timestamp with time zone"]
    assert isinstance(run.first_rows[0][1], dt.datetime)
    rest = []
    while rows := run.fetch(2000):
        rest.extend(rows)
    assert run.exhausted and run.rowcount == 100 + len(rest) >= 5000
    assert rest[0][1] <= run.first_rows[-1][1]
    session.close()


def test_params_and_statements_without_rows(engine: SqlEngine) -> None:
    session = engine.session(Target("cratedb", "doc"))
    run = session.run("SELECT name FROM sensors WHERE id = ?", params=[5])
    assert run.first_rows == [("sensor-005",)] and run.exhausted
    done = session.run("UPDATE sensors SET active = true WHERE id = ?", params=[5])
    assert not done.has_rows and done.rowcount == 1 and "UPDATE" in done.status


def test_cancel_stops_the_next_page(engine: SqlEngine) -> None:
    run = engine.session(Target("cratedb", "doc")).run("SELECT * FROM readings", batch=10)
    run.cancel()
    with pytest.raises(Cancelled):
        run.fetch(10)


def test_bad_sql_position_points_into_the_operators_text(engine: SqlEngine) -> None:
    with pytest.raises(BadQuery) as caught:
        engine.session(Target("cratedb", "doc")).run("SELECT FROM WHERE")
    assert caught.value.position is not None and caught.value.position <= len("SELECT FROM WHERE")


def test_catalog_for_completion(engine: SqlEngine) -> None:
    catalog = engine.catalog(Target("cratedb", "doc"))
    assert catalog["doc"]["sensors"][:2] == ["id", "name"]
    assert catalog["blob"]["firmware"] == ["digest", "last_modified"]
    assert "sys" not in catalog
    assert [s.text for s in engine.split("select 1; select ';'")] == ["select 1", "select ';'"]


def test_the_registry_lists_cratedb_for_a_profile_with_it(standin: StandInCluster) -> None:
    profiles.add("crate-engine-ro", ProfileSettings(read_only=True,
                                                    cratedb=standin.settings()))
    profiles.set_secret("crate-engine-ro", "cratedb", "password", PASSWORD)
    clients = Clients(profiles.load("crate-engine-ro"))
    engine = clients.engine("cratedb")
    assert engine.title == "CrateDB" and "cratedb" in [e.name for e in clients.engines()]
    with pytest.raises(ReadOnlyRefused):
        engine.session(engine.default_target()).run("DELETE FROM readings")
    clients.close()
