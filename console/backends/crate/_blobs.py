"""A blob table's blobs: list them in pages with their sizes; check, size and delete one."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.backends.crate._errors import blob_error, map_crate_errors
from console.backends.crate._http import blob_path, send
from console.backends.crate._names import check_digest, check_table, quote
from console.errors import BadQuery, NotFound

if TYPE_CHECKING:
    from console.backends.crate._client import CrateClient

SORTS = {"digest": "digest", "modified": "last_modified"}
"""Orders the server can page by; size is not a column of a blob table."""
HEADS_AT_ONCE = 8


@dataclass(frozen=True)
class BlobInfo:
    """One blob: its digest (its key), size in bytes and when it was last written."""

    digest: str
    size: int | None
    """From ``HEAD`` (``None`` if it went away between the listing and the look)."""
    modified: dt.datetime | None


def list_blobs(client: CrateClient, table: str, *, limit: int = 100, offset: int = 0,
               order: str = "digest", descending: bool = False) -> list[BlobInfo]:
    """One page of a table's blobs, sized by a ``HEAD`` each (sent a few at once)."""
    operation = f"list blobs of {table}"
    check_table(table, operation)
    if order not in SORTS:
        raise BadQuery(f"cannot order blobs by '{order}': use {' or '.join(SORTS)}",
                       operation=operation)
    if limit < 1 or offset < 0:
        raise BadQuery("limit must be 1 or more and offset 0 or more", operation=operation)
    stmt = (f"SELECT digest, last_modified FROM blob.{quote(table)} ORDER BY "
            f"{SORTS[order]} {'DESC' if descending else 'ASC'}, digest LIMIT ? OFFSET ?")
    rows = client.sql(stmt, [limit, offset], operation=operation).rows
    with ThreadPoolExecutor(HEADS_AT_ONCE, thread_name_prefix="crate-head") as heads:
        sizes = list(heads.map(lambda row: size_of(client, table, row[0]), rows))
    return [BlobInfo(row[0], size, row[1]) for row, size in zip(rows, sizes)]


def count_blobs(client: CrateClient, table: str) -> int:
    """How many blobs a table holds."""
    check_table(table, "count blobs")
    rows = client.sql(f"SELECT count(*) FROM blob.{quote(table)}", operation="count blobs").rows
    return int(rows[0][0]) if rows else 0


def size_of(client: CrateClient, table: str, digest: str) -> int | None:
    """The blob's size from ``HEAD`` (following ``307``), or ``None`` when it is not there."""
    size, _ = head(client, table, digest)
    return size


def head(client: CrateClient, table: str, digest: str) -> tuple[int | None, str | None]:
    """``HEAD`` the blob: its size (``None`` on 404) and the node that holds it."""
    operation = f"look up blob {digest[:12]}"
    response, node = send(client, "HEAD", blob_path(table, digest), operation=operation)
    if response.status_code == 404:
        return None, None
    if response.status_code != 200:
        raise blob_error(response.status_code, response.text, table=table, digest=digest,
                         operation=operation, profile=client.profile_name)
    return int(response.headers.get("content-length", 0)), node


def exists(client: CrateClient, table: str, digest: str) -> bool:
    """Whether the blob is stored (crate-python's ``exists``: ``HEAD``)."""
    digest = check_digest(digest, "check blob")
    check_table(table, "check blob")
    container = client.connection().get_blob_container(table)
    with map_crate_errors("check blob", client.profile_name):
        return bool(container.exists(digest))


def delete(client: CrateClient, table: str, digest: str) -> None:
    """Delete one blob (crate-python's ``delete``).

    Raises:
        NotFound: no such blob (or table).
        ReadOnlyRefused: the profile is read-only.
    """
    digest = check_digest(digest, "delete blob")
    check_table(table, "delete blob")
    container = client.connection().get_blob_container(table)
    with client.write("blobs.delete", f"{table}/{digest}", count=1):
        with map_crate_errors("delete blob", client.profile_name):
            deleted = container.delete(digest)
        if not deleted:
            raise NotFound(f"no blob {digest} in blob table '{table}'",
                           operation="delete blob", profile=client.profile_name)
