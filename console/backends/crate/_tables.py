"""Blob tables: list them with their blob count and total size; create and drop them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.backends.crate._names import check_replicas, check_table, quote
from console.errors import BadQuery

if TYPE_CHECKING:
    from console.backends.crate._client import CrateClient

_TABLES = ("SELECT table_name, number_of_shards, number_of_replicas, blobs_path "
           "FROM information_schema.tables WHERE table_schema = 'blob' ORDER BY table_name")
_SIZES = ("SELECT table_name, sum(num_docs), sum(size) FROM sys.shards "
          "WHERE schema_name = 'blob' AND \"primary\" = true GROUP BY table_name")


@dataclass(frozen=True)
class BlobTable:
    """A blob table and what it holds (primary shards only, so replicas do not count twice)."""

    name: str
    shards: int | None
    replicas: str | None
    blobs: int
    size: int
    """Bytes in its primary shards."""
    blobs_path: str | None = None


def list_tables(client: CrateClient) -> list[BlobTable]:
    """Every blob table with its blob count and size, by name."""
    tables = client.sql(_TABLES, operation="list blob tables").rows
    sizes = {row[0]: row[1:] for row in client.sql(_SIZES, operation="list blob tables").rows}
    found = []
    for name, shards, replicas, path in tables:
        blobs, size = sizes.get(name, (0, 0))
        found.append(BlobTable(name, shards, None if replicas is None else str(replicas),
                               int(blobs or 0), int(size or 0), path))
    return found


def create_table(client: CrateClient, name: str, *, shards: int | None = None,
                 replicas: str | int | None = None) -> None:
    """``CREATE BLOB TABLE``; shards and replicas default to the cluster's."""
    operation = "create blob table"
    check_table(name, operation)
    stmt = f"CREATE BLOB TABLE {quote(name)}"
    if shards is not None:
        if not 1 <= shards <= 1000:
            raise BadQuery(f"{shards} shards: give 1 to 1000", operation=operation)
        stmt += f" CLUSTERED INTO {int(shards)} SHARDS"
    if replicas is not None:
        stmt += f" WITH (number_of_replicas = '{check_replicas(replicas, operation)}')"
    with client.write("blobs.create-table", name):
        client.sql(stmt, operation=operation)


def drop_table(client: CrateClient, name: str) -> None:
    """``DROP BLOB TABLE``: the table and every blob in it."""
    check_table(name, "drop blob table")
    with client.write("blobs.drop-table", name):
        client.sql(f"DROP BLOB TABLE {quote(name)}", operation="drop blob table")
