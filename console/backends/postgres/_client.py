"""``PostgresClient``: one profile's PostgreSQL, pooled per database, used from threads.

psycopg2 blocks, so every method is meant for a worker thread. Each database
gets its own pool (``application_name=fleet-console``, so a DBA can find the
console's sessions in ``pg_stat_activity``); database DDL goes over one
maintenance connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from console.backends.postgres import _catalog, _databases
from console.backends.postgres._audit import record_refusal, record_run
from console.backends.postgres._classify import StatementKind, classify
from console.backends.postgres._errors import map_pg_errors
from console.backends.postgres._models import Column, Relation
from console.backends.postgres._pool import DatabasePool
from console.backends.postgres._query import QueryRun
from console.backends.postgres._session import Session
from console.backends.postgres._types import TypeNames
from console.errors import BadQuery, ConsoleError, ReadOnlyRefused, Unavailable

if TYPE_CHECKING:
    from console.profiles import PostgresSettings, Profile

APPLICATION_NAME = "fleet-console"
POOL_WAIT = 30.0
"""Seconds a caller waits for one of the pool's connections before giving up."""

Params = Sequence[Any] | Mapping[str, Any]
"""Values for ``%s`` placeholders, or for ``%(name)s`` ones."""


class PostgresClient(_databases.DatabaseMethods):
    """Query and manage the PostgreSQL server of one profile.

    Args:
        profile: The profile whose ``[postgres]`` settings and secrets to use.
        host: Overrides the settings' host, e.g. the embedded server's socket directory.

    Raises:
        ConsoleError: the profile has no ``[postgres]`` section (the message says what to add).
    """

    def __init__(self, profile: Profile, host: str | None = None) -> None:
        settings = profile.service("postgres")
        if settings is None:
            raise ConsoleError(profile.missing_hint("postgres"), profile=profile.name,
                               title="PostgreSQL not configured")
        self.profile = profile
        self.settings: PostgresSettings = settings
        self.host = host or settings.host
        self.types = TypeNames()
        self._pools: dict[str, DatabasePool] = {}
        self._running: set[QueryRun] = set()
        self._lock = threading.Lock()
        self.maintenance = _databases.Maintenance(self.connect_kwargs, settings.dbname,
                                                  profile.name)

    def connect_kwargs(self, database: str) -> dict[str, Any]:
        """Return psycopg2 ``connect()`` keywords for one database of this profile."""
        settings = self.settings
        options = []
        if settings.statement_timeout_ms:
            options.append(f"-c statement_timeout={int(settings.statement_timeout_ms)}")
        if self.profile.read_only:
            # the parser that vets statements reads strings as standard SQL does
            options.append("-c default_transaction_read_only=on")
            options.append("-c standard_conforming_strings=on")
        kwargs = {
            "dbname": database, "host": self.host, "port": settings.port,
            "user": settings.user, "password": self.profile.secret("postgres", "password"),
            "sslmode": settings.sslmode, "connect_timeout": settings.connect_timeout,
            "application_name": APPLICATION_NAME, "options": " ".join(options) or None,
        }
        return {key: value for key, value in kwargs.items() if value is not None}

    def pool(self, database: str) -> DatabasePool:
        """Return the pool of one database, creating it (no connection yet) on first use."""
        with self._lock:
            pool = self._pools.get(database)
            if pool is None:
                pool = DatabasePool(self.connect_kwargs(database), self.settings.pool_size,
                                    POOL_WAIT, self.profile.name)
                self._pools[database] = pool
            return pool

    def forget_pool(self, database: str) -> None:
        """Close a database's idle connections and stop reusing the rest."""
        with self._lock:
            pool = self._pools.pop(database, None)
        if pool is not None:
            pool.retire()

    # Catalog ---------------------------------------------------------------

    def schemas(self, database: str) -> list[str]:
        """List a database's schemas, ``pg_catalog`` and ``information_schema`` last.

        TOAST and other sessions' temporary schemas are left out.

        Raises:
            NotFound: no such database.
            ConsoleError: any other failure (``Unavailable``, ``AuthError``…).
        """
        return [row[0] for row in self.read(database, "list schemas", _catalog.SCHEMAS)]

    def relations(self, database: str, schema: str) -> list[Relation]:
        """List the tables, views, materialized views, foreign and partitioned tables of a schema.

        Raises:
            ConsoleError: as ``schemas``.
        """
        rows = self.read(database, "list relations", _catalog.RELATIONS, (schema,))
        return _catalog.relations(rows)

    def columns(self, database: str, schema: str, relation: str) -> list[Column]:
        """List a relation's columns in table order with their types.

        Raises:
            ConsoleError: as ``schemas``.
        """
        rows = self.read(database, "list columns", _catalog.COLUMNS, (schema, relation))
        return _catalog.columns(rows)

    def catalog(self, database: str) -> dict[str, dict[str, list[str]]]:
        """Return schema → relation → column names in one query, for completion.

        Raises:
            ConsoleError: as ``schemas``.
        """
        return _catalog.catalog(self.read(database, "read catalog", _catalog.CATALOG))

    def read(self, database: str, operation: str, query: str,
             params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run an idempotent catalog read; retried once when the connection dropped."""
        for attempt in (1, 2):
            try:
                return self._read_once(database, operation, query, params)
            except Unavailable:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _read_once(self, database: str, operation: str, query: str,
                   params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        pool = self.pool(database)
        conn = pool.acquire()
        broken = True
        try:
            with map_pg_errors(operation, profile=self.profile.name), conn.cursor() as cur:
                cur.execute(query, params or None)
                rows = cur.fetchall()
            broken = False
            return rows
        finally:
            pool.release(conn, discard=broken)

    # Queries ---------------------------------------------------------------

    def run(self, database: str, sql: str, *, params: Params | None = None,
            batch: int = 500, on_start: Callable[[QueryRun], None] | None = None) -> QueryRun:
        """Run one statement and return once the server has answered the first batch.

        Each statement commits on its own (use ``session()`` for ``BEGIN`` … ``COMMIT``
        or ``SET`` that lasts). Rows stream: ``first_rows`` holds up to ``batch``
        rows, ``fetch(n)`` brings more.

        Args:
            database: The database to run it in.
            sql: One statement (see ``split_statements``).
            params: Values for its ``%s`` placeholders, bound by the driver
                (a literal ``%`` is then written ``%%``); ``None`` sends ``sql`` as is.
            batch: Rows to read before returning.
            on_start: Called with the run before the statement is sent, so
                another thread can ``cancel()`` it while ``run`` still blocks.

        Returns:
            The run; close it (or use ``with``) unless it is ``exhausted``.

        Raises:
            ReadOnlyRefused: a write on a read-only profile (nothing is sent).
            BadQuery: the server rejected it (``position`` is 1-based in ``sql``),
                or it is transaction control, which needs a session.
            Cancelled: ``cancel()`` stopped it.
            Unavailable: the server went away or timed the statement out.
            ConsoleError: any other failure, as mapped by ``map_pg_errors``.
        """
        kind = self.vet(database, sql, params)
        if kind.transaction:
            raise BadQuery(
                f"{kind.keyword} needs a session: here each statement commits on its own",
                profile=self.profile.name, operation="run query",
            )
        pool = self.pool(database)
        conn = pool.acquire()

        def release(connection: Any, broken: bool) -> None:
            pool.release(connection, discard=broken or kind.session_state)

        run = QueryRun(conn, sql, kind, database=database, release=release, types=self.types,
                       profile=self.profile.name, params=params,
                       read_only=self.profile.read_only)
        self.launch(run, batch, on_start)
        return run

    def launch(self, run: QueryRun, batch: int, on_start: Callable[[QueryRun], None] | None,
               *, in_block: bool = False) -> None:
        """Start a run, cancellable through ``cancel_running`` until it returns.

        A statement that writes is recorded in the profile's audit log, with its
        outcome (``in_block``: inside the operator's transaction, not yet committed).
        """
        with self._lock:
            self._running.add(run)
        try:
            if on_start is not None:
                on_start(run)
            run.start(batch)
        except ConsoleError as exc:
            run.close_quietly()
            record_run(self.profile.name, run, error=exc)
            raise
        except BaseException:
            run.close_quietly()
            raise
        else:
            record_run(self.profile.name, run, in_block=in_block)
        finally:
            with self._lock:
                self._running.discard(run)

    def session(self, database: str) -> Session:
        """Keep one connection for a series of statements, as psql does.

        Returns:
            A ``Session``; close it (or use ``with``) to give the connection back.
        """
        return Session(self, self.pool(database))

    def copy_csv(self, database: str, query: str, out: IO[bytes], *,
                 header: bool = True, params: Params | None = None) -> int:
        """Write a query's rows to a binary file as CSV through ``COPY … TO STDOUT``.

        Args:
            database: The database to run it in.
            query: One statement that returns rows (SELECT, WITH, VALUES, TABLE).
            out: A binary file-like object.
            header: Write the column names first.
            params: Values for the query's ``%s`` placeholders, as in ``run``.

        Returns:
            The number of rows written.

        Raises:
            BadQuery: not a query that returns rows, or the server rejected it.
            ReadOnlyRefused: a write on a read-only profile.
            ConsoleError: as ``run``.
        """
        with self.session(database) as session:
            return session.copy_csv(query, out, header=header, params=params)

    def vet(self, database: str, sql: str, params: Params | None = None, *,
            copy: bool = False) -> StatementKind:
        """Classify a statement and refuse, before anything is sent, what may not run.

        Raises:
            BadQuery: the text holds a NUL byte (the driver would cut the statement
                there), or ``copy`` and it returns no rows, or a read-only profile
                cannot parse it (the parser is the server's: it would refuse it too).
            ReadOnlyRefused: a read-only profile and a statement that may write or
                act outside its transaction (recorded in the audit log).
        """
        _refuse_nul(sql, params, self.profile.name)
        kind = classify(sql, params)
        self.refuse_writes(kind, copy=copy, database=database)
        return kind

    def refuse_writes(self, kind: StatementKind, *, copy: bool = False,
                      database: str = "") -> None:
        """Raise before anything is sent when a read-only profile is asked to write."""
        if copy and not kind.cursorable:
            raise BadQuery("only a query that returns rows (SELECT, WITH, VALUES, TABLE) "
                           "can be copied out", profile=self.profile.name,
                           operation="copy rows")
        if not self.profile.read_only:
            return
        if kind.syntax_error is not None:
            raise BadQuery(kind.syntax_error, position=kind.error_position,
                           profile=self.profile.name, operation="check query")
        if kind.refusal is not None:
            record_refusal(self.profile.name, database, kind)
            raise ReadOnlyRefused(
                f"profile '{self.profile.name}' is read-only: {kind.refusal}; nothing was sent",
                profile=self.profile.name, operation="run query",
            )

    def cancel_running(self) -> int:
        """Cancel every statement still waiting for its first answer; return how many."""
        with self._lock:
            runs = list(self._running)
        for run in runs:
            run.cancel()
        return len(runs)

    def close(self) -> None:
        """Cancel what still runs and close every connection of this client."""
        self.cancel_running()
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()
        self.maintenance.close_connection()


def _refuse_nul(sql: str, params: Params | None, profile: str) -> None:
    """A NUL ends a C string: libpq would send only the text before it."""
    at = sql.find("\x00")
    if at >= 0:
        raise BadQuery(f"the statement holds a NUL byte at position {at + 1}; nothing was sent",
                       position=at + 1, profile=profile, operation="check query")
    values = params.items() if isinstance(params, Mapping) else enumerate(params or (), 1)
    for name, value in values:
        if isinstance(value, str) and "\x00" in value:
            raise BadQuery(f"parameter {name} holds a NUL byte; nothing was sent",
                           profile=profile, operation="check query")
