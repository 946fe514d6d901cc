"""One side of a SQL comparison: a session on one profile's database, read-only.

Statements go through the engine seam (``Clients.engine("postgres")``), on a
session of their own: the comparison's ``SET``s (read-only, UTC…) mark it as
changed, so its connection is closed rather than handed back to the pool.
Every call blocks; ``cancel()`` may come from any thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from console.backends.sql import ResultColumn, SqlRun, SqlSession, Target
from console.clients import Clients
from console.diff import sql_text
from console.diff.model import Side
from console.diff.sides import on_side, side_of
from console.errors import Cancelled, ConsoleError

PAGE = 1000
"""Rows fetched per round trip: the memory a side holds at once."""


class SqlSide:
    """A read-only session on one profile's database, for one comparison.

    Args:
        clients: The profile's registry.
        database: The database to read; ``None`` for the profile's default.
        page: Rows per fetch.
    """

    def __init__(self, clients: Clients, database: str | None, *, page: int = PAGE) -> None:
        self.clients = clients
        self.profile = clients.profile.name
        self.database = database
        self.page = page
        self._session: SqlSession | None = None
        self._runs: set[SqlRun] = set()
        self._lock = threading.Lock()
        self._cancelled = False

    @property
    def side(self) -> Side:
        """How the comparison names this side."""
        return side_of(self.clients, self.database or "")

    def open(self) -> None:
        """Connect, and make the session read-only and print values alike.

        Raises:
            ConsoleError: the profile reaches no PostgreSQL, or the database is not there.
        """
        with on_side(self.profile):
            engine = self.clients.engine("postgres")
            target = Target("postgres", self.database) if self.database else \
                engine.default_target()
            self.database = target.name
            self._session = engine.session(target)
            for statement in sql_text.SESSION_SETUP:
                self.read(statement)

    def read(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a statement whose rows are few, and return them all."""
        return list(self.stream(sql, params))

    def columns(self, query: str) -> list[ResultColumn]:
        """Return the query's result columns (run with ``LIMIT 0``)."""
        run = self._run(sql_text.describe_sql(query), None)
        with self._holding(run):
            return list(run.columns)

    def primary_key(self, query: str) -> tuple[str, ...]:
        """The primary key of the one table the query scans; empty when it scans others too."""
        plan = self.read(sql_text.explain_sql(query))
        relations = sql_text.scanned_relations(plan[0][0]) if plan else set()
        if len(relations) != 1:
            return ()
        name = sql_text.relation_name(*relations.pop())
        return tuple(row[0] for row in self.read(sql_text.PRIMARY_KEY, (name,)))

    def stream(self, sql: str, params: Sequence[Any] | None = None
               ) -> Iterator[tuple[Any, ...]]:
        """Yield the statement's rows, a page at a time from the server."""
        run = self._run(sql, params)
        with self._holding(run), on_side(self.profile):
            yield from run.first_rows
            while not run.exhausted:
                rows = run.fetch(self.page)
                if not rows:
                    break
                yield from rows

    def _run(self, sql: str, params: Sequence[Any] | None) -> SqlRun:
        if self._session is None:
            raise ConsoleError("the comparison's session is not open", operation="compare")
        if self._cancelled:
            raise Cancelled("comparison cancelled", profile=self.profile, operation="compare")
        with on_side(self.profile):
            return self._session.run(sql, params=params, batch=self.page, on_start=self._started)

    def _started(self, run: SqlRun) -> None:
        with self._lock:
            self._runs.add(run)
        if self._cancelled:
            run.cancel()

    @contextmanager
    def _holding(self, run: SqlRun) -> Iterator[None]:
        try:
            yield
        finally:
            with self._lock:
                self._runs.discard(run)
            run.close()

    def cancel(self) -> None:
        """Stop the statement or fetch in flight; later ones are refused."""
        self._cancelled = True
        with self._lock:
            runs = list(self._runs)
        for run in runs:
            run.cancel()

    def close(self) -> None:
        """Give the session back (its connection is closed: its settings were changed)."""
        session, self._session = self._session, None
        if session is not None:
            session.close()
