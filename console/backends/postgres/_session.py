"""A session: one connection kept for a series of statements, as psql keeps one.

``SET`` lasts, temporary tables stay, and ``BEGIN`` … ``COMMIT`` spans the
statements between them: the connection runs in autocommit and the server
tracks the operator's transaction block.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TYPE_CHECKING

import psycopg2.extensions

from console.backends.postgres._classify import classify
from console.backends.postgres._copy import copy_csv
from console.backends.postgres._pool import DatabasePool
from console.backends.postgres._query import QueryRun

if TYPE_CHECKING:
    from console.backends.postgres._client import PostgresClient

_IDLE = psycopg2.extensions.TRANSACTION_STATUS_IDLE


class Session:
    """Statements on one kept connection; close it (or use ``with``) to give it back.

    One statement at a time: starting a run closes the previous one.
    """

    def __init__(self, client: PostgresClient, pool: DatabasePool) -> None:
        self.database = pool.database
        self._client = client
        self._pool = pool
        self._conn: psycopg2.extensions.connection | None = None
        self._current: QueryRun | None = None
        self._dirty = False

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, sql: str, *, batch: int = 500,
            on_start: Callable[[QueryRun], None] | None = None) -> QueryRun:
        """Run one statement on the session's connection; see ``PostgresClient.run``.

        Transaction control (``BEGIN``, ``COMMIT``, ``ROLLBACK``…) is allowed here.

        Raises:
            ReadOnlyRefused: a write on a read-only profile (nothing is sent).
            ConsoleError: as ``PostgresClient.run``.
        """
        kind = classify(sql)
        self._client.refuse_writes(kind)
        self._end_current()
        conn = self._connection()
        self._dirty |= kind.session_state
        run = QueryRun(conn, sql, kind, database=self.database, release=self._taken_back,
                       types=self._client.types, profile=self._client.profile.name)
        self._current = run
        self._client.launch(run, batch, on_start)
        return run

    def copy_csv(self, query: str, out: IO[bytes], *, header: bool = True) -> int:
        """Write a query's rows to ``out`` as CSV via ``COPY``; see ``PostgresClient.copy_csv``."""
        self._client.refuse_writes(classify(query), copy=True)
        self._end_current()
        return copy_csv(self._connection(), query, out, header=header,
                        profile=self._client.profile.name)

    @property
    def in_transaction(self) -> bool:
        """Whether the operator's ``BEGIN`` block is open (or failed and awaits ``ROLLBACK``)."""
        conn = self._conn
        return conn is not None and not conn.closed and conn.info.transaction_status != _IDLE

    def _connection(self) -> psycopg2.extensions.connection:
        if self._conn is not None and self._conn.closed:
            self._pool.release(self._conn, discard=True)
            self._conn = None
        if self._conn is None:
            self._conn = self._pool.acquire()
        return self._conn

    def _taken_back(self, conn: psycopg2.extensions.connection, broken: bool) -> None:
        """A run ended; the connection stays unless the server dropped it."""
        if broken and not conn.closed:
            conn.close()

    def _end_current(self) -> None:
        run, self._current = self._current, None
        if run is not None:
            run.close()

    def close(self) -> None:
        """End the current run, roll back an open block and give the connection back."""
        try:
            self._end_current()
        finally:
            conn, self._conn = self._conn, None
            if conn is not None:
                self._pool.release(conn, discard=self._dirty)
