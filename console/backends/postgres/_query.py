"""One statement's run: the first batch at once, the rest streamed on demand.

Statements that can be declared as a cursor (SELECT, WITH, VALUES, TABLE)
run on a named server-side cursor, so the server keeps the rows and only
``fetch(n)`` brings more over (1,000 rows of a 1M-row table arrive in a few
ms with flat memory; a plain cursor would hold all of them first). Everything
else runs on a plain cursor in autocommit, as psql runs it.

A named cursor needs a transaction: when the connection is idle the run
opens its own and ends it when the rows run out or the run is closed; inside
an operator's ``BEGIN`` block (a session) it declares ``WITH HOLD`` in the
block instead and leaves the block alone.

On a read-only profile every statement runs in a transaction of the run's own
that the server holds read-only (``_readonly.begin_read_only``), rolled back
when the run ends, unless the statement was a ``SET`` meant to last.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import psycopg2
import psycopg2.errors
import psycopg2.extensions

from console.backends.postgres._classify import StatementKind
from console.backends.postgres._errors import map_pg_errors
from console.backends.postgres._readonly import begin_read_only
from console.backends.postgres._types import TypeNames
from console.backends.sql import ResultColumn
from console.errors import Cancelled, ConsoleError, Unavailable

Connection = psycopg2.extensions.connection
Release = Callable[[Connection, bool], None]
"""Gives the connection back; the flag says it must not be reused."""

_IDLE = psycopg2.extensions.TRANSACTION_STATUS_IDLE
_cursor_numbers = itertools.count(1)  # next() on a count is atomic; a generator's is not


class QueryRun:
    """A running or finished statement and its rows.

    Build it through ``PostgresClient.run`` or ``Session.run``. ``cancel()`` may
    be called from any thread; everything else belongs to the thread that runs
    it. Use it as a context manager, or call ``close()``; it ends by itself
    (transaction ended, connection given back) once its rows run out.
    """

    def __init__(self, conn: Connection, sql: str, kind: StatementKind, *, database: str,
                 release: Release, types: TypeNames, profile: str | None = None,
                 params: Sequence[Any] | None = None, read_only: bool = False) -> None:
        self.sql = sql
        """The statement as sent (the operator's own, or one wrapped around it)."""
        self.params = params
        """Values bound to ``%s`` in ``sql`` (a literal ``%`` is then written ``%%``)."""
        self.database = database
        self.kind = kind
        self.columns: list[ResultColumn] = []
        """Result columns; empty for statements without rows."""
        self.status = ""
        """The server's status, e.g. ``INSERT 0 3``; ``SELECT n`` counts rows fetched so far."""
        self.has_rows = False
        self.exhausted = False
        """No more rows will come (always true for statements without rows)."""
        self.rowcount = 0
        """Rows affected, or rows fetched so far for a streamed result."""
        self.elapsed = 0.0
        """Seconds from sending the statement to the first answer."""
        self.first_rows: list[tuple[Any, ...]] = []
        self._conn: Connection | None = conn
        self._release = release
        self._types = types
        self._profile = profile
        self._cursor: Any = None
        self._own_transaction = False
        self._read_only = read_only
        """Run inside a read-only transaction of its own, never committing a change."""
        self._cancelled = False
        self._in_flight = False
        """A statement or fetch is on its way to or from the server."""
        self._lock = threading.Lock()

    def __enter__(self) -> QueryRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, batch: int) -> None:
        """Send the statement and read the first ``batch`` rows (blocking).

        Raises:
            ConsoleError: the server refused or failed the statement; ``Cancelled``
                when ``cancel()`` stopped it.
        """
        with self._guard("run query"):
            self._stop_if_cancelled()
            began = time.perf_counter()
            self._cursor = self._open_cursor()
            self._in_flight = True
            try:
                self._cursor.execute(self.sql, self.params)
                if self._cursor.name or self._cursor.description is not None:
                    self.has_rows = True
                    self.first_rows = self._cursor.fetchmany(batch)
            finally:
                self._in_flight = False
            self.elapsed = time.perf_counter() - began
            if self._own_transaction:  # rows read in a transaction of its own: undo and stop
                self._stop_if_cancelled()
            self.columns = self._result_columns()
            self._advance(self.first_rows, batch)

    def _open_cursor(self) -> Any:
        conn = self._live()
        if self._read_only:
            self._own_transaction = True  # so a failure below rolls it back
            begin_read_only(conn)
            return conn.cursor(name=_cursor_name()) if self.kind.cursorable else conn.cursor()
        if not self.kind.cursorable:
            return conn.cursor()
        if conn.info.transaction_status == _IDLE:
            conn.autocommit = False  # psycopg2 opens the transaction the cursor lives in
            self._own_transaction = True
            return conn.cursor(name=_cursor_name())
        return conn.cursor(name=_cursor_name(), withhold=True)

    def _result_columns(self) -> list[ResultColumn]:
        description = self._cursor.description or []
        oids = [column.type_code for column in description]
        names = self._types.names(self._live(), self.database, oids) if oids else []
        return [ResultColumn(c.name, t) for c, t in zip(description, names)]

    def fetch(self, n: int) -> list[tuple[Any, ...]]:
        """Return the next ``n`` rows; ``[]`` once exhausted or closed.

        Raises:
            Cancelled: ``cancel()`` was called.
            ConsoleError: the server failed while producing the rows.
        """
        if self._conn is None or n <= 0:
            return []
        with self._guard("fetch rows"):
            self._stop_if_cancelled()
            self._in_flight = True
            try:
                rows: list[tuple[Any, ...]] = self._cursor.fetchmany(n)
            finally:
                self._in_flight = False
            self._stop_if_cancelled()
            self._advance(rows, n)
        return rows

    def _advance(self, rows: list[tuple[Any, ...]], wanted: int) -> None:
        cursor = self._cursor
        if cursor.name:
            self.rowcount += len(rows)
            self.status = f"SELECT {self.rowcount}"
            self.exhausted = len(rows) < wanted
        else:
            self.rowcount = cursor.rowcount
            self.status = cursor.statusmessage or ""
            self.exhausted = not self.has_rows or cursor.rownumber >= cursor.rowcount
        if self.exhausted:
            self._finish()

    def cancel(self) -> None:
        """Stop the statement: the thread running or fetching it gets ``Cancelled``.

        Safe from any thread; sends a cancel request to the server (one short
        round trip) while the statement holds the connection.
        """
        self._cancelled = True
        self._send_cancel()
        if self._in_flight:
            # A cancel request that reaches the server before the statement does cancels
            # nothing; keep asking until the statement comes back.
            threading.Thread(target=self._keep_cancelling, daemon=True).start()

    def _send_cancel(self) -> None:
        with self._lock:
            conn = self._conn
            if conn is None or conn.closed:
                return
            # If the server is gone, the running thread finds out and says so.
            with suppress(psycopg2.Error):
                conn.cancel()

    def _keep_cancelling(self, interval: float = 0.1, limit: float = 10.0) -> None:
        deadline = time.monotonic() + limit
        while self._in_flight and time.monotonic() < deadline:
            time.sleep(interval)
            if self._in_flight:
                self._send_cancel()

    @property
    def owns_transaction(self) -> bool:
        """Whether the run holds a transaction of its own open (a cursor still streaming)."""
        return self._own_transaction and self._conn is not None

    @property
    def cancelled(self) -> bool:
        """Whether ``cancel()`` was called."""
        return self._cancelled

    def close(self) -> None:
        """Close the cursor, end the run's transaction and give the connection back.

        Idempotent. Rows not fetched are dropped.
        """
        if self._conn is not None:
            with self._guard("close query"):
                self._finish()

    def close_quietly(self) -> None:
        """End without raising, rolling back what the run opened (after a failure elsewhere)."""
        self._abandon(broken=False)

    def _finish(self) -> None:
        """End normally: close the cursor, commit what the run opened, release."""
        conn = self._live()
        self.exhausted = True
        if self._cursor is not None and not self._cursor.closed:
            self._cursor.close()
        if self._own_transaction:
            if self._read_only and not self.kind.keeps_settings:
                conn.rollback()  # nothing it did may outlive it
            else:
                conn.commit()
            conn.autocommit = True
        self._hand_back(broken=False)

    def _abandon(self, broken: bool) -> None:
        """End after a failure: roll back what the run opened, release."""
        self.exhausted = True
        conn = self._conn
        if conn is None:
            return
        try:
            if self._own_transaction and not conn.closed:
                conn.rollback()
                conn.autocommit = True
        except psycopg2.Error:
            broken = True
        self._hand_back(broken=broken or bool(conn.closed))

    def _hand_back(self, broken: bool) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            self._release(conn, broken)

    def _live(self) -> Connection:
        if self._conn is None:
            raise psycopg2.InterfaceError("the query was closed")
        return self._conn

    def _stop_if_cancelled(self) -> None:
        if self._cancelled:
            raise psycopg2.errors.QueryCanceled("canceling statement due to user request")

    @contextmanager
    def _guard(self, operation: str) -> Iterator[None]:
        """Map errors, and after any failure end the run so its connection comes back."""
        try:
            with map_pg_errors(operation, profile=self._profile, locate=self._locate):
                yield
        except ConsoleError as exc:
            if self._cancelled and not isinstance(exc, Cancelled):
                self._abandon(broken=True)
                raise Cancelled("query cancelled", profile=self._profile,
                                operation=operation) from exc
            self._abandon(broken=isinstance(exc, Unavailable))
            raise
        except BaseException:
            self._abandon(broken=True)
            raise

    def _locate(self, position: int) -> int | None:
        """Turn a position in the text sent (``DECLARE … FOR <sql>``) into one in ``sql``."""
        sent = getattr(self._cursor, "query", None)
        text = sent.decode("utf-8", "replace") if isinstance(sent, bytes) else self.sql
        offset = max(text.find(self.sql), 0)
        inside = position - offset
        return inside if 1 <= inside <= len(self.sql) + 1 else None


def _cursor_name() -> str:
    return f"fleet_console_{next(_cursor_numbers)}"
