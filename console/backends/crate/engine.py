"""CrateDB as a ``SqlEngine``: its schemas are the targets; results come in pages.

``/_sql`` answers with the whole result in one document and has no server
cursor, so a query (``SELECT``, ``WITH``, ``VALUES``) is sent as
``SELECT * FROM (<query>) LIMIT n OFFSET m``, one page per ``fetch``: memory
stays bounded on any table. Each page is a new statement, so rows that move
between pages can be seen twice or not at all, as with any offset paging.
Other statements run as they are. ``cancel`` drops the page in flight and
sends no more (CrateDB's ``KILL`` needs a job id the HTTP reply never gives).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from console.backends.crate._classify import classify
from console.backends.crate._client import CrateClient, SqlResult
from console.backends.sql import (
    Catalog,
    ResultColumn,
    Statement,
    Target,
    WithoutTransactions,
    split_statements,
)
from console.errors import BadQuery, Cancelled

ENGINE = "cratedb"
_WRAP = "SELECT * FROM ("
_HIDDEN = ("information_schema", "sys", "pg_catalog")


class CrateRun:
    """One statement's result, read a page at a time."""

    def __init__(self, client: CrateClient, sql: str, params: Sequence[Any] | None,
                 schema: str) -> None:
        self.client = client
        self.sql = sql
        self.params = list(params or [])
        self.schema = schema
        self.kind = classify(sql)
        self.columns: list[ResultColumn] = []
        self.first_rows: list[tuple[Any, ...]] = []
        self.has_rows = False
        self.exhausted = False
        self.rowcount = 0
        self.status = ""
        self.elapsed = 0.0
        self.server: str | None = None
        """The node that answered the latest page."""
        self._offset = 0
        self._cancelled = threading.Event()

    def start(self, batch: int) -> None:
        """Send the statement and read its first page (``batch`` rows)."""
        started = time.perf_counter()
        if self.kind.pageable:
            self.first_rows = self._page(batch)
            self.has_rows = True
            self.status = f"SELECT {self.rowcount}"
        else:
            result = self._send(self.sql)
            self.columns = result.columns
            self.has_rows = bool(result.columns)
            self.first_rows = list(result.rows)
            self.exhausted = True
            self.rowcount = result.rowcount if result.rowcount is not None else len(result.rows)
            self.status = _status(self.kind.keyword, result)
        self.elapsed = time.perf_counter() - started

    def fetch(self, n: int) -> list[tuple[Any, ...]]:
        """Read the next ``n`` rows (``[]`` once exhausted).

        Raises:
            Cancelled: ``cancel()`` was called.
            ConsoleError: the page could not be read.
        """
        if self.exhausted:
            return []
        return self._page(n)

    def _page(self, n: int) -> list[tuple[Any, ...]]:
        self._check()
        n = max(1, n)
        result = self._send(f"{_WRAP}{self.sql}\n) AS _fleet_page LIMIT {n} OFFSET "
                            f"{self._offset}", shift=len(_WRAP))
        self._check()
        if not self.columns:
            self.columns = result.columns
        self._offset += len(result.rows)
        self.rowcount = self._offset
        self.exhausted = len(result.rows) < n
        self.status = f"SELECT {self.rowcount}"
        return list(result.rows)

    def _send(self, stmt: str, shift: int = 0) -> SqlResult:
        try:
            result = self.client.sql(stmt, self.params, schema=self.schema,
                                     operation="run query")
        except BadQuery as exc:
            if exc.position is not None and shift:
                exc.position = max(1, exc.position - shift)
            raise
        self.server = result.server
        return result

    def _check(self) -> None:
        if self._cancelled.is_set():
            self.exhausted = True
            raise Cancelled("query cancelled", operation="run query")

    def cancel(self) -> None:
        """Send no further page; the one in flight is dropped when it arrives."""
        self._cancelled.set()

    def close(self) -> None:
        """Forget the rest of the result (nothing is held on the server)."""
        self.exhausted = True


def _status(keyword: str, result: SqlResult) -> str:
    if result.rowcount is None:
        return f"{keyword or 'OK'} (row count unknown)"
    noun = "row" if result.rowcount == 1 else "rows"
    return f"{keyword} {result.rowcount} {noun}"


class CrateSession(WithoutTransactions):
    """Statements on one schema; CrateDB has no transactions, so no block is ever open."""

    def __init__(self, client: CrateClient, schema: str) -> None:
        self.client = client
        self.schema = schema
        self._current: CrateRun | None = None

    def run(self, sql: str, *, params: Sequence[Any] | None = None, batch: int = 500,
            on_start: Callable[[CrateRun], None] | None = None) -> CrateRun:
        """Run one statement and read its first ``batch`` rows.

        Raises:
            ReadOnlyRefused: a write on a read-only profile (nothing is sent).
            BadQuery: CrateDB refused it (``position`` when it said where).
            ConsoleError: any other failure.
        """
        self.close()
        run = CrateRun(self.client, sql, params, self.schema)
        self._current = run
        if on_start is not None:
            on_start(run)
        run.start(batch)
        return run

    def close(self) -> None:
        """End the current run."""
        run, self._current = self._current, None
        if run is not None:
            run.close()


class CrateEngine:
    """Run the SQL editor's statements on the profile's CrateDB cluster."""

    name = ENGINE
    title = "CrateDB"

    def __init__(self, client: CrateClient) -> None:
        self.client = client

    def targets(self) -> list[Target]:
        """Every schema of the cluster."""
        rows = self.client.sql("SELECT schema_name FROM information_schema.schemata "
                               "ORDER BY schema_name", operation="list schemas").rows
        return [Target(ENGINE, str(row[0])) for row in rows]

    def default_target(self) -> Target:
        """The profile's default schema (``doc`` unless it says otherwise)."""
        return Target(ENGINE, self.client.settings.schema_name)

    def session(self, target: Target) -> CrateSession:
        """Statements whose unqualified names resolve in ``target``'s schema."""
        return CrateSession(self.client, target.name)

    def catalog(self, target: Target) -> Catalog:
        """Schemas, tables and columns (system schemas left out) for completion."""
        rows = self.client.sql(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema NOT IN (?, ?, ?) "
            "ORDER BY table_schema, table_name, ordinal_position", list(_HIDDEN),
            schema=target.name, operation="read catalog").rows
        catalog: Catalog = {}
        for schema, table, column in rows:
            catalog.setdefault(schema, {}).setdefault(table, []).append(column)
        return catalog

    def split(self, text: str) -> list[Statement]:
        """Split on ``;`` outside quotes and comments (CrateDB quotes as PostgreSQL does)."""
        return split_statements(text)

    def close(self) -> None:
        """Nothing of its own to close: the client belongs to the registry."""
