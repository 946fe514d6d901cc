"""Databases on the real embedded server: list, create, rename, drop, in use, read-only."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg2
import pytest

from console import profiles
from console.backends.postgres import PostgresClient
from console.clients import Clients
from console.errors import BadQuery, Conflict, NotFound, ReadOnlyRefused
from console.profiles import PostgresSettings, ProfileSettings


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    client = Clients(profiles.load("local")).postgres()
    yield client
    for info in client.list_databases():
        if info.name.startswith("pgdb_"):
            client.drop_database(info.name, force=True)
    client.close()


def _names(client: PostgresClient) -> list[str]:
    return [d.name for d in client.list_databases()]


def test_list_shows_postgres_with_owner_size_and_encoding(client: PostgresClient) -> None:
    info = {d.name: d for d in client.list_databases()}["postgres"]
    assert info.owner == "postgres"
    assert info.encoding == "UTF8"
    assert info.size_bytes is not None and info.size_bytes > 1_000_000
    assert info.allow_connections
    assert "template0" not in info.name and "template1" not in _names(client)


def test_create_rename_drop(client: PostgresClient) -> None:
    client.create_database("pgdb_one")
    assert "pgdb_one" in _names(client)
    client.rename_database("pgdb_one", "pgdb_two")
    assert "pgdb_two" in _names(client) and "pgdb_one" not in _names(client)
    client.drop_database("pgdb_two")
    assert "pgdb_two" not in _names(client)


def test_odd_names_are_quoted_not_interpolated(client: PostgresClient) -> None:
    name = 'pgdb_alice/d1 "quoted"; drop'
    client.create_database(name)
    run = client.run(name, "select current_database()")
    assert run.first_rows == [(name,)]
    client.drop_database(name)
    assert name not in _names(client)


def test_create_existing_is_a_conflict(client: PostgresClient) -> None:
    client.create_database("pgdb_dup")
    with pytest.raises(Conflict, match='"pgdb_dup" already exists'):
        client.create_database("pgdb_dup")


def test_missing_database_is_not_found(client: PostgresClient) -> None:
    with pytest.raises(NotFound, match='"pgdb_nope" does not exist'):
        client.drop_database("pgdb_nope")
    with pytest.raises(NotFound, match='"pgdb_nope" does not exist'):
        client.rename_database("pgdb_nope", "pgdb_other")
    with pytest.raises(NotFound, match='"pgdb_nope" does not exist'):
        client.schemas("pgdb_nope")


def test_rename_to_an_existing_name_is_a_conflict(client: PostgresClient) -> None:
    client.create_database("pgdb_a")
    client.create_database("pgdb_b")
    with pytest.raises(Conflict, match="already exists"):
        client.rename_database("pgdb_a", "pgdb_b")


def test_in_use_says_how_many_connections(client: PostgresClient, local_pg: object) -> None:
    client.create_database("pgdb_busy")
    others = [psycopg2.connect(dbname="pgdb_busy", user="postgres", host=local_pg.socket_dir)
              for _ in range(2)]
    try:
        assert client.connections_to("pgdb_busy") == 2
        # The server waits 5 s for sessions to leave before it refuses; the CLI
        # test covers the same refusal for drop.
        with pytest.raises(Conflict, match='"pgdb_busy" is in use by 2 connections'):
            client.rename_database("pgdb_busy", "pgdb_busy2")
        client.drop_database("pgdb_busy", force=True)
        assert "pgdb_busy" not in _names(client)
    finally:
        for conn in others:
            conn.close()


def test_own_idle_connections_do_not_block_a_drop(client: PostgresClient) -> None:
    """The client's own pooled connections to the database are closed first."""
    client.create_database("pgdb_pooled")
    assert client.run("pgdb_pooled", "select 1").first_rows == [(1,)]
    client.drop_database("pgdb_pooled")
    assert "pgdb_pooled" not in _names(client)


def test_names_the_server_would_cut_are_refused(client: PostgresClient) -> None:
    with pytest.raises(BadQuery, match="at most 63 bytes"):
        client.create_database("pgdb_" + "x" * 70)
    with pytest.raises(BadQuery, match="empty"):
        client.create_database("")


def test_the_maintenance_database_itself_can_be_renamed_back(client: PostgresClient) -> None:
    """DDL on the maintenance database goes through template1 instead."""
    client.create_database("pgdb_maint")
    settings = ProfileSettings(postgres=PostgresSettings(host=client.host, dbname="pgdb_maint"))
    profiles.add("pgdb-maint", settings)
    other = PostgresClient(profiles.load("pgdb-maint"))
    try:
        assert "pgdb_maint" in [d.name for d in other.list_databases()]
        other.rename_database("pgdb_maint", "pgdb_maint2")
        with pytest.raises(NotFound, match='"pgdb_maint" does not exist'):
            other.list_databases()  # its maintenance database is gone: said plainly
    finally:
        other.close()
        profiles.remove("pgdb-maint")
    client.drop_database("pgdb_maint2")
    assert "pgdb_maint2" not in _names(client)


def test_read_only_profile_refuses_before_sending(client: PostgresClient) -> None:
    settings = ProfileSettings(read_only=True, postgres=PostgresSettings(host=client.host))
    profiles.add("pgdb-ro", settings)
    read_only = PostgresClient(profiles.load("pgdb-ro"))
    try:
        assert "postgres" in [d.name for d in read_only.list_databases()]
        with pytest.raises(ReadOnlyRefused):
            read_only.create_database("pgdb_never")
        with pytest.raises(ReadOnlyRefused):
            read_only.drop_database("postgres")
        with pytest.raises(ReadOnlyRefused):
            read_only.rename_database("postgres", "pgdb_never")
    finally:
        read_only.close()
        profiles.remove("pgdb-ro")
    assert "pgdb_never" not in _names(client)
