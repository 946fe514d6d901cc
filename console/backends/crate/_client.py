"""``CrateClient``: SQL and blobs on one profile's CrateDB cluster (blocking; call from threads).

Every write (SQL that changes data or schema, blob tables created or dropped,
blobs uploaded or deleted) goes through ``write()``: a read-only profile is
refused there before anything is sent, and the outcome lands in the
profile's audit log.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import httpx
from crate.client.connection import Connection

from console.backends.crate import _blobs, _connection, _download, _tables, _upload
from console.backends.crate._blobs import BlobInfo
from console.backends.crate._classify import classify
from console.backends.crate._download import Downloaded
from console.backends.crate._errors import map_crate_errors
from console.backends.crate._pool import NodeState, ServerPool, node_url
from console.backends.crate._progress import OnProgress
from console.backends.crate._tables import BlobTable
from console.backends.crate._types import columns_of, convert_rows
from console.backends.crate._upload import Uploaded
from console.backends.sql import ResultColumn
from console.errors import ConsoleError, ReadOnlyRefused
from console.profiles import audit
from console.profiles.settings import CrateSettings

if TYPE_CHECKING:
    from console.profiles import Profile


@dataclass(frozen=True)
class BulkResult:
    """One row of a ``bulk_args`` statement: its count, or why it failed."""

    rowcount: int | None
    """Rows affected; ``None`` when the server did not know (``-1``) or the row failed."""
    error: str | None = None


@dataclass(frozen=True)
class SqlResult:
    """What ``/_sql`` answered, with values converted by their ``col_types``."""

    columns: list[ResultColumn]
    rows: list[tuple[Any, ...]]
    rowcount: int | None
    """Rows returned or affected; ``None`` for CrateDB's ``-1`` (unknown)."""
    duration_ms: float
    server: str | None
    """The node that answered."""
    bulk: list[BulkResult] = field(default_factory=list)
    """One entry per ``bulk_args`` row (empty otherwise)."""


class CrateClient:
    """A profile's CrateDB cluster.

    Args:
        settings: The ``[cratedb]`` section.
        password: The password (from credentials or ``password_env``).
        profile: Read-only flag, audit log and error messages come from it; ``None``
            for a client of its own (tests, benchmarks): writable, not audited.
    """

    def __init__(self, settings: CrateSettings, password: str | None = None, *,
                 profile: Profile | None = None) -> None:
        self.settings = settings
        self.profile_name = profile.name if profile is not None else None
        self.read_only = profile.read_only if profile is not None else False
        self._password = password
        self._lock = threading.Lock()
        self._connections: dict[str, Connection] = {}
        self._writing = threading.local()  # inside write(): its SQL is audited there
        self.pool: ServerPool = _connection.server_pool(settings)
        try:
            self.http: httpx.Client = _connection.http_client(settings, password)
        except OSError as exc:
            raise ConsoleError(f"CrateDB: cannot read ca_cert {settings.ca_cert}: "
                               f"{exc.strerror}", title="Bad settings",
                               profile=self.profile_name) from exc

    @classmethod
    def from_profile(cls, profile: Profile) -> CrateClient:
        """Make the client of a profile's ``[cratedb]`` section.

        Raises:
            ConsoleError: the profile has no ``[cratedb]`` section; the message says what to add.
        """
        settings = profile.service("cratedb")
        if settings is None:
            raise ConsoleError(profile.missing_hint("cratedb"), title="CrateDB not configured",
                               profile=profile.name)
        return cls(settings, profile.secret("cratedb", "password"), profile=profile)

    # -- SQL ------------------------------------------------------------------------

    def connection(self, schema: str | None = None) -> Connection:
        """The crate-python connection for ``schema`` (made on first use).

        Raises:
            AuthError: wrong credentials.
            Unavailable: no node answers.
        """
        schema = schema or self.settings.schema_name
        with self._lock:
            conn = self._connections.get(schema)
        if conn is None:
            conn = _connection.connect(self.settings, self._password, schema,
                                       profile=self.profile_name)
            with self._lock:
                conn = self._connections.setdefault(schema, conn)
        return conn

    def sql(self, stmt: str, args: Sequence[Any] | None = None, *,
            bulk_args: Sequence[Sequence[Any]] | None = None, schema: str | None = None,
            operation: str = "run SQL") -> SqlResult:
        """Run one statement through ``/_sql``; a write is refused or audited (``write``).

        Args:
            stmt: One statement with ``?`` or ``$n`` placeholders.
            args: Values for the placeholders.
            bulk_args: One list of values per row (instead of ``args``).
            schema: The default schema (the profile's when not given).
            operation: What the console is doing, for messages.

        Returns:
            The typed result and the node that answered.

        Raises:
            BadQuery: CrateDB refused the statement (its message, position when it says).
            NotFound: an unknown table, schema or column.
            Conflict: a duplicate key or an existing relation.
            AuthError: wrong credentials or missing privilege.
            ReadOnlyRefused: a write on a read-only profile (nothing is sent).
            Unavailable: no node answered.
        """
        if args and bulk_args:
            raise ConsoleError("give args or bulk_args, not both", title="Bad call",
                               operation=operation)
        kind = classify(stmt)
        if kind.writes and not getattr(self._writing, "active", False):
            with self.write("sql.write", f"{schema or self.settings.schema_name}: "
                            f"{kind.keyword}"):
                return self.sql(stmt, args, bulk_args=bulk_args, schema=schema,
                                operation=operation)
        conn = self.connection(schema)
        with map_crate_errors(operation, self.profile_name):
            reply = conn.client.sql(stmt, list(args or []) or None,
                                    [list(r) for r in bulk_args] if bulk_args else None)
        server = conn.client.last_server()
        if server:
            self.pool.answered(node_url(server))
        return _result(reply if isinstance(reply, dict) else {}, server)

    @contextmanager
    def write(self, action: str, target: str, *, count: int | None = None) -> Iterator[None]:
        """Refuse on a read-only profile, else run the block and audit its outcome.

        Raises:
            ReadOnlyRefused: the profile is read-only (nothing is sent; refusal audited).
        """
        if self.read_only:
            audit.record(self.profile_name, action, target, count=count,
                         outcome="refused: read-only profile")
            raise ReadOnlyRefused(f"profile '{self.profile_name}' is read-only: {action} "
                                  f"{target} refused", profile=self.profile_name,
                                  operation=action)
        outer = getattr(self._writing, "active", False)
        self._writing.active = True
        try:
            yield
        except ConsoleError as exc:
            audit.record(self.profile_name, action, target, count=count,
                         outcome=f"failed: {exc.message[:200]}")
            raise
        finally:
            self._writing.active = outer
        audit.record(self.profile_name, action, target, count=count)

    # -- blob tables and blobs ------------------------------------------------------

    def blob_tables(self) -> list[BlobTable]:
        """Every blob table with its blob count and total size (primary shards)."""
        return _tables.list_tables(self)

    def create_blob_table(self, name: str, *, shards: int | None = None,
                          replicas: str | int | None = None) -> None:
        """Create a blob table.

        Raises:
            BadQuery: a name CrateDB cannot take, or bad shards/replicas.
            Conflict: it exists already.
            ReadOnlyRefused: the profile is read-only.
        """
        _tables.create_table(self, name, shards=shards, replicas=replicas)

    def drop_blob_table(self, name: str) -> None:
        """Drop a blob table and every blob in it.

        Raises:
            NotFound: no such blob table.
            ReadOnlyRefused: the profile is read-only.
        """
        _tables.drop_table(self, name)

    def list_blobs(self, table: str, *, limit: int = 100, offset: int = 0,
                   order: str = "digest", descending: bool = False) -> list[BlobInfo]:
        """One page of a table's blobs (digest, size, last modified).

        Raises:
            NotFound: no such blob table.
            BadQuery: an order other than ``digest`` or ``modified``.
        """
        return _blobs.list_blobs(self, table, limit=limit, offset=offset, order=order,
                                 descending=descending)

    def count_blobs(self, table: str) -> int:
        """How many blobs a table holds.

        Raises:
            NotFound: no such blob table.
        """
        return _blobs.count_blobs(self, table)

    def exists(self, table: str, digest: str) -> bool:
        """Whether a blob is stored (``HEAD``).

        Raises:
            BadQuery: the digest is not 40 hex characters.
        """
        return _blobs.exists(self, table, digest)

    def size_of(self, table: str, digest: str) -> int | None:
        """A blob's size from ``HEAD`` (``None`` when it is not stored).

        Raises:
            Unavailable: no node answered.
        """
        return _blobs.size_of(self, table, digest)

    def delete(self, table: str, digest: str) -> None:
        """Delete a blob.

        Raises:
            NotFound: no such blob.
            ReadOnlyRefused: the profile is read-only.
        """
        _blobs.delete(self, table, digest)

    def upload(self, table: str, source: str | Path | IO[bytes], *,
               on_progress: OnProgress | None = None,
               cancel: threading.Event | None = None) -> Uploaded:
        """Store a file (path or binary stream) as a blob; see ``_upload.upload``.

        Raises:
            NotFound: no such file or blob table.
            BadQuery: a directory, an empty file, or a file that changed meanwhile.
            ReadOnlyRefused: the profile is read-only.
            Cancelled: ``cancel`` was set.
        """
        return _upload.upload(self, table, source, on_progress=on_progress, cancel=cancel)

    def download(self, table: str, digest: str, dest: str | Path, *,
                 on_progress: OnProgress | None = None, cancel: threading.Event | None = None,
                 resume: bool = True) -> Downloaded:
        """Write a blob to a file, resuming a partial one; see ``_download.download``.

        Raises:
            NotFound: no such blob.
            BadQuery: a bad digest or destination.
            Cancelled: ``cancel`` was set (the partial file stays, to resume).
            Unavailable: the stream kept breaking.
            ConsoleError: the bytes did not match the digest.
        """
        return _download.download(self, table, digest, dest, on_progress=on_progress,
                                  cancel=cancel, resume=resume)

    def nodes(self) -> list[NodeState]:
        """Every configured (or learnt) node, in or out of the rotation and why."""
        return self.pool.states()

    @property
    def answered_by(self) -> str | None:
        """The node that answered the latest request."""
        return self.pool.last_answered

    def close(self) -> None:
        """Close every connection of this client."""
        with self._lock:
            conns, self._connections = list(self._connections.values()), {}
        for conn in conns:
            conn.close()
        self.http.close()


def _result(reply: dict[str, Any], server: str | None) -> SqlResult:
    names = [str(n) for n in reply.get("cols", [])]
    raw_rows = reply.get("rows") or []
    columns = columns_of(names, reply.get("col_types"), raw_rows)
    rows = convert_rows(raw_rows, [c[2] for c in columns])
    bulk = [BulkResult(_count(r.get("rowcount")), r.get("error_message"))
            for r in reply.get("results") or []]
    rowcount = _count(reply.get("rowcount"))
    if bulk and rowcount is None:
        counted = [b.rowcount for b in bulk if b.rowcount is not None]
        rowcount = sum(counted) if counted else None
    return SqlResult([ResultColumn(n, t) for n, t, _ in columns], rows, rowcount,
                     float(reply.get("duration") or 0.0), server and node_url(server), bulk)


def _count(value: Any) -> int | None:
    """CrateDB's ``rowcount``: ``-1`` unknown and ``-2`` failed are not counts."""
    return value if isinstance(value, int) and value >= 0 else None
