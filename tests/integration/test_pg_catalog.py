"""The catalog of a real database: schemas, relations by kind, columns, the completion map."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.backends.postgres import Column, PostgresClient, Relation
from tests.conftest import scratch_database

DB = "pgcat_shop"
SCHEMA_SQL = [
    "create schema sales",
    "create table sales.orders (id bigint primary key, placed timestamptz not null, "
    "note varchar(40), dropped int)",
    "alter table sales.orders drop column dropped",
    "create view sales.recent as select id, placed from sales.orders",
    "create materialized view sales.totals as select count(*) as n from sales.orders",
    "create table sales.events (at date not null, kind text) partition by range (at)",
    "create temp table scratch (a int)",
]


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(DB) as client, client.session(DB) as session:
        for statement in SCHEMA_SQL:  # one session: the temp table lives only while it does
            session.run(statement).close()
        yield client


def test_schemas_user_first_system_last(client: PostgresClient) -> None:
    schemas = client.schemas(DB)
    assert schemas[:2] == ["public", "sales"]
    assert set(schemas[2:]) == {"pg_catalog", "information_schema"}
    assert not any(s.startswith(("pg_toast", "pg_temp")) for s in schemas)


def test_relations_with_their_kinds(client: PostgresClient) -> None:
    assert client.relations(DB, "sales") == [
        Relation("events", "partitioned table"),
        Relation("orders", "table"),
        Relation("recent", "view"),
        Relation("totals", "materialized view"),
    ]
    assert client.relations(DB, "no_such_schema") == []


def test_columns_in_order_with_types_and_nullability(client: PostgresClient) -> None:
    assert client.columns(DB, "sales", "orders") == [
        Column("id", "bigint", False, 1),
        Column("placed", "timestamp with time zone", False, 2),
        Column("note", "character varying(40)", True, 3),
    ]


def test_catalog_nests_schema_relation_columns(client: PostgresClient) -> None:
    tree = client.catalog(DB)
    assert tree["sales"]["orders"] == ["id", "placed", "note"]
    assert tree["sales"]["totals"] == ["n"]
    assert "pg_class" in tree["pg_catalog"]
    assert not any(schema.startswith("pg_temp") for schema in tree)


def test_catalog_lists_a_schema_without_relations(client: PostgresClient) -> None:
    """An empty schema is still there to complete (an inner join on relations lost it)."""
    client.run(DB, "create schema pgcat_empty").close()
    try:
        tree = client.catalog(DB)
    finally:
        client.run(DB, "drop schema pgcat_empty").close()
    assert tree["pgcat_empty"] == {}
    assert tree["public"] == {}
