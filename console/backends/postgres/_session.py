"""A session: one connection kept for a series of statements, as psql keeps one.

``SET`` lasts, temporary tables stay, and ``BEGIN`` … ``COMMIT`` spans the
statements between them: the connection runs in autocommit and the server
tracks the operator's transaction block.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import IO, TYPE_CHECKING, Any

import psycopg2.extensions

from console.backends.postgres._audit import record_block_end
from console.backends.postgres._copy import copy_csv
from console.backends.postgres._pool import DatabasePool, looks_alive
from console.backends.postgres._query import QueryRun
from console.backends.postgres._readonly import read_only_transaction
from console.errors import ConsoleError, Unavailable

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
        self._block_open = False
        self._block_wrote = False
        """A statement that writes ran inside the open block (its end is audited)."""

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, sql: str, *, params: Sequence[Any] | None = None, batch: int = 500,
            on_start: Callable[[QueryRun], None] | None = None) -> QueryRun:
        """Run one statement on the session's connection; see ``PostgresClient.run``.

        Transaction control (``BEGIN``, ``COMMIT``, ``ROLLBACK``…) is allowed here,
        except on a read-only profile, where every statement runs in a read-only
        transaction of its own.

        Raises:
            ReadOnlyRefused: a write on a read-only profile (nothing is sent).
            ConsoleError: as ``PostgresClient.run``.
        """
        client = self._client
        kind = client.vet(self.database, sql, params)
        self._end_current()
        conn = self._connection()
        self._dirty |= kind.session_state
        in_block = self.in_transaction
        run = QueryRun(conn, sql, kind, database=self.database, release=self._taken_back,
                       types=client.types, profile=client.profile.name, params=params,
                       read_only=client.profile.read_only)
        self._current = run
        try:
            client.launch(run, batch, on_start, in_block=in_block)
        finally:
            if not conn.closed:  # a dropped connection keeps what was known before
                self._block_open = self.in_transaction and not run.owns_transaction
        self._follow_block(run, in_block)
        return run

    def _follow_block(self, run: QueryRun, was_in_block: bool) -> None:
        """Note writes inside the operator's block, and audit how a block that wrote ended."""
        if was_in_block and run.kind.writes:
            self._block_wrote = True
        if was_in_block and not self._block_open and self._block_wrote:
            record_block_end(self._client.profile.name, self.database,
                             committed=run.status == "COMMIT")
            self._block_wrote = False

    def end_transaction(self, *, commit: bool) -> str:
        """Commit or roll back the operator's open block; return the server's status.

        For a prompt on quit or on a profile switch. Does nothing (``""``) when no
        block is open.

        Raises:
            ConsoleError: as ``run`` (a failed block answers ``ROLLBACK`` to ``COMMIT``).
        """
        if not self.in_transaction:
            return ""
        with self.run("COMMIT" if commit else "ROLLBACK") as run:
            return run.status

    def copy_csv(self, query: str, out: IO[bytes], *, header: bool = True,
                 params: Sequence[Any] | None = None) -> int:
        """Write a query's rows to ``out`` as CSV via ``COPY``; see ``PostgresClient.copy_csv``."""
        self._client.vet(self.database, query, params, copy=True)
        self._end_current()
        conn = self._connection()
        if not self._client.profile.read_only:
            return copy_csv(conn, query, out, header=header, params=params,
                            profile=self._client.profile.name)
        with read_only_transaction(conn):
            return copy_csv(conn, query, out, header=header, params=params,
                            profile=self._client.profile.name)

    @property
    def in_transaction(self) -> bool:
        """Whether the operator's ``BEGIN`` block is open (or failed and awaits ``ROLLBACK``)."""
        conn = self._conn
        return conn is not None and not conn.closed and conn.info.transaction_status != _IDLE

    def _connection(self) -> psycopg2.extensions.connection:
        """The kept connection; a dropped one is replaced, unless that would leave a block.

        Raises:
            Unavailable: the connection dropped inside the operator's ``BEGIN`` block;
                running on would commit statements meant for the block, so the
                next statement is refused once (a new connection serves the one after).
        """
        conn = self._conn
        if conn is not None and not looks_alive(conn):
            self._conn = None
            self._pool.release(conn, discard=True)
            if self._block_open:
                self._block_open = False
                raise Unavailable(
                    "the connection dropped inside a transaction block: nothing in it was "
                    "committed, and this statement was not run",
                    profile=self._client.profile.name, operation="run query",
                )
        if self._conn is None:
            self._conn = self._pool.acquire()
        return self._conn

    def _taken_back(self, conn: psycopg2.extensions.connection, broken: bool) -> None:
        """A run ended; the connection stays unless the server dropped it."""
        if broken and not conn.closed:
            conn.close()

    def _end_current(self) -> None:
        """Close the previous run; its late failure is old news to the next statement."""
        run, self._current = self._current, None
        if run is not None:
            with suppress(ConsoleError):
                run.close()

    def close(self) -> None:
        """End the current run, roll back an open block and give the connection back."""
        try:
            self._end_current()
        finally:
            if self._block_wrote and self.in_transaction:
                record_block_end(self._client.profile.name, self.database, committed=False,
                                 how=": never committed, rolled back when the session closed")
            self._block_wrote = False
            self._block_open = False
            conn, self._conn = self._conn, None
            if conn is not None:
                self._pool.release(conn, discard=self._dirty)
