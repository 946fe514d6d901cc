"""One import's transaction: a connection out of the pool, ``COPY … FROM STDIN``, commit.

The input reaches psycopg2 through ``CopyFeed.read``, which also checks for a
cancel: psycopg2 turns an exception raised there into a failed COPY (the
server rolls back), and the feed keeps the exception so the job reports the
real reason (cancelled, malformed JSON at element 9…), not psycopg2's words.
A cancel sent to the server is not enough during ``COPY FROM STDIN``: the
server waits for the client's data, so the read must stop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import psycopg2
from psycopg2 import sql

from console.backends.datajobs import JobHandle, LineMap
from console.backends.postgres._errors import map_pg_errors, translate
from console.backends.postgres._targets import Target
from console.errors import Cancelled, ConsoleError

if TYPE_CHECKING:
    from console.backends.postgres._client import PostgresClient

_CONTEXT = re.compile(r"COPY [^,]*, line (\d+)(?:, column ([^:]+))?")


class CopyFeed:
    """What ``copy_expert`` reads from: chunks of the input, with cancel checks."""

    def __init__(self, chunks: Iterator[bytes], handle: JobHandle) -> None:
        self._chunks = chunks
        self._handle = handle
        self.error: BaseException | None = None
        """Why reading stopped early, when it did."""

    def read(self, size: int = -1) -> bytes:
        """The next chunk (any length), ``b""`` at the end."""
        try:
            self._handle.check()
            return next(self._chunks, b"")
        except BaseException as exc:
            self.error = exc
            raise


class CopySession:
    """A cursor in the import's open transaction."""

    def __init__(self, conn: Any, handle: JobHandle, profile: str | None) -> None:
        self.conn = conn
        self.cursor = conn.cursor()
        self.handle = handle
        self.profile = profile

    def execute(self, statement: Any, params: Any = None) -> None:
        """Run one statement in the transaction (errors mapped)."""
        with map_pg_errors("import data", profile=self.profile):
            self.cursor.execute(statement, params)

    def fetchone(self) -> Any:
        """The next row of the last statement."""
        return self.cursor.fetchone()

    def fetchall(self) -> list[Any]:
        """Every row of the last statement."""
        return self.cursor.fetchall()  # type: ignore[no-any-return]

    def copy(self, target: Target, options: sql.Composable, feed: CopyFeed, *,
             lines: LineMap | None, unit: str, where: str) -> int:
        """``COPY target (columns) FROM STDIN WITH (options)``; return the rows copied.

        Raises:
            Cancelled: the job was cancelled.
            BadQuery: a row was refused (the message names its place in the input).
            ConsoleError: the input could not be read, or the server failed.
        """
        columns = sql.SQL(", ").join(sql.Identifier(name) for name in target.names)
        statement = sql.SQL("COPY {} ({}) FROM STDIN WITH ({})").format(
            target.identifier, columns, options)
        try:
            self.cursor.copy_expert(statement, feed)
        except (psycopg2.Error, psycopg2.Warning) as exc:
            raise self._why(exc, feed, lines, unit, where) from exc
        return int(self.cursor.rowcount)

    def _why(self, exc: BaseException, feed: CopyFeed, lines: LineMap | None, unit: str,
             where: str) -> BaseException:
        if self.handle.cancelled:
            return Cancelled("import cancelled by the operator; nothing was imported",
                             profile=self.profile, operation="import data")
        if isinstance(feed.error, (ConsoleError, KeyboardInterrupt)):
            return feed.error
        if feed.error is not None:  # a bug in reading: say so rather than hide it
            return feed.error
        error = translate(exc, "import rows", profile=self.profile)
        context = getattr(getattr(exc, "diag", None), "context", None) or ""
        found = _CONTEXT.search(context)
        if found is None:
            return error
        line = int(found.group(1))
        place = lines.place_of(line) if lines is not None else line
        if place is None:
            return error
        self.handle.fault(place, unit)
        column = f", column {found.group(2)}" if found.group(2) else ""
        message = f"{unit} {place:,}{' of ' + where if where else ''}{column}: {error.message}"
        return type(error)(message, profile=self.profile, operation="import rows")

    def commit(self) -> None:
        """Commit everything the import did."""
        with map_pg_errors("commit the import", profile=self.profile):
            self.conn.commit()


@contextmanager
def copy_in(client: PostgresClient, database: str, handle: JobHandle) -> Iterator[CopySession]:
    """Lend a session in a new transaction; roll back unless it committed.

    The profile's statement timeout does not apply: a data job runs as long as
    its input (the operator can cancel it).

    Raises:
        ConsoleError: the database cannot be reached.
    """
    pool = client.pool(database)
    conn = pool.acquire()
    active = True

    def cancel() -> None:
        if active:  # never cancel what the connection runs after this job
            conn.cancel()

    broken = True
    try:
        conn.autocommit = False
        session = CopySession(conn, handle, client.profile.name)
        session.execute("SET LOCAL statement_timeout = 0")
        handle.on_cancel(cancel)
        yield session
        broken = False
    finally:
        active = False
        if broken:
            _rollback(conn)
        pool.release(conn, discard=bool(conn.closed))


def _rollback(conn: Any) -> None:
    try:
        if not conn.closed:
            conn.rollback()
    except psycopg2.Error:
        conn.close()
