"""The PostgreSQL backend's public surface: what the UI and CLI may import."""

from __future__ import annotations

import dataclasses

import console.backends.postgres as pg

PROMISED = {
    "PostgresClient", "DatabaseInfo", "Relation", "Column", "ResultColumn", "QueryRun",
    "Statement", "split_statements", "statement_at", "map_pg_errors", "export_query",
}


def test_all_is_sorted_and_importable() -> None:
    assert pg.__all__ == sorted(pg.__all__)
    for name in pg.__all__:
        assert getattr(pg, name) is not None


def test_promised_names_are_exported() -> None:
    assert set(pg.__all__) >= PROMISED


def test_records_are_frozen_dataclasses() -> None:
    for record in (pg.DatabaseInfo, pg.Relation, pg.Column, pg.ResultColumn, pg.Statement):
        assert dataclasses.is_dataclass(record)
        assert record.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_public_functions_have_docstrings() -> None:
    for name in pg.__all__:
        assert getattr(pg, name).__doc__, name
    for method in ("run", "session", "list_databases", "create_database", "rename_database",
                   "drop_database", "connections_to", "schemas", "relations", "columns",
                   "catalog", "copy_csv", "cancel_running", "close"):
        assert getattr(pg.PostgresClient, method).__doc__, method
