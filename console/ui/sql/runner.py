"""The thread side of the SQL pane: a psql-like session per database, history, paging.

Everything here blocks and runs in the pane's thread workers. The editor
keeps one session (one connection) per database, as psql does, so ``SET``
and ``BEGIN`` … ``COMMIT`` behave as the operator expects; a lock keeps the
run and fetch workers from using the connection at once. ``cancel()`` takes
no lock: it is meant to interrupt a statement holding it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from console.backends.postgres import filter_rows
from console.clients import Clients
from console.errors import ConsoleError
from console.profiles.history import History, HistoryEntry
from console.ui.sql import result_table

if TYPE_CHECKING:
    from console.backends.postgres import QueryRun, Session, Statement

FIRST_BATCH = 200
"""Rows read before the first page is shown: a screenful and then some. Converting and
drawing them is most of the time to first rows, so the next page waits for the scroll."""
PAGE = 5000
"""Rows fetched each time the operator scrolls near the end (~50 ms to add to the grid)."""


@dataclass
class Outcome:
    """What one statement produced, for the UI thread to show."""

    index: int
    statement: Statement
    database: str = ""
    """The database it ran in."""
    run: QueryRun | None = None
    schema: pa.Schema | None = None
    table: pa.Table | None = None
    """The first rows, converted for the grid, when the statement returns rows."""
    error: ConsoleError | None = None
    row_filter: str | None = None
    """For a shown result run again by ``refilter``: the text its rows must hold
    (``""``: every row again). ``None`` for a statement the operator ran."""


class SqlRunner:
    """Run the editor's statements on one profile's PostgreSQL, from worker threads."""

    def __init__(self, clients: Clients, history: History,
                 warn: Callable[[str], None]) -> None:
        self.clients = clients
        self.history = history
        self._warn = warn
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._current: QueryRun | None = None
        self._cancel_requested = False
        self._history_failing = False

    def _session(self, database: str) -> Session:
        session = self._sessions.get(database)
        if session is None:
            session = self.clients.postgres().session(database)
            self._sessions[database] = session
        return session

    def _started(self, run: QueryRun) -> None:
        self._current = run
        if self._cancel_requested:  # cancel pressed before the statement was even sent
            run.cancel()

    def execute(self, database: str, statements: list[Statement],
                emit: Callable[[Outcome], None], stopped: Callable[[], bool]) -> None:
        """Run ``statements`` in order, emitting each outcome; stop at the first failure."""
        self._cancel_requested = False
        for index, statement in enumerate(statements):
            if stopped():
                return
            outcome = self._run_one(database, index, statement)
            emit(outcome)
            if outcome.error is not None:
                return

    def _run_one(self, database: str, index: int, statement: Statement) -> Outcome:
        outcome = Outcome(index, statement, database)
        self._launch(database, outcome, statement.text)
        self._remember(database, outcome)
        return outcome

    def refilter(self, database: str, index: int, statement: Statement, text: str) -> Outcome:
        """Run a shown result's statement again, keeping the rows whose text holds ``text``.

        The server filters (see ``filter_rows``) and the rows stream as the
        original's did; an empty ``text`` runs the statement as it was. Not added
        to the history: the operator ran the statement, not this wrapper.
        """
        self._cancel_requested = False
        outcome = Outcome(index, statement, database, row_filter=text)
        try:
            sql, params = filter_rows(statement.text, text) if text else (statement.text, None)
        except ConsoleError as exc:
            outcome.error = exc
            return outcome
        self._launch(database, outcome, sql, params)
        return outcome

    def _launch(self, database: str, outcome: Outcome, sql: str,
                params: tuple[Any, ...] | None = None) -> None:
        """Run ``sql`` on the database's session and fill ``outcome`` with its first rows."""
        with self._lock:
            try:
                run = self._session(database).run(sql, params=params, batch=FIRST_BATCH,
                                                  on_start=self._started)
            except ConsoleError as exc:
                outcome.error = exc
            else:
                outcome.run = run
                if run.has_rows:
                    names = [c.name for c in run.columns]
                    outcome.schema = result_table.schema(names, [c.type_name for c in run.columns])
                    batch = result_table.to_batch(outcome.schema, run.first_rows)
                    outcome.table = pa.Table.from_batches([batch])
            finally:
                self._current = None

    def fetch(self, run: QueryRun, schema: pa.Schema, count: int = PAGE) -> list[list[Any]]:
        """Fetch and convert the next page of ``run`` (``[]`` once it is exhausted or closed).

        Raises:
            ConsoleError: the server failed or the fetch was cancelled.
        """
        with self._lock:
            self._cancel_requested = False
            self._current = run
            try:
                rows = run.fetch(count)
            finally:
                self._current = None
        return result_table.to_cells(schema, rows)

    def cancel(self) -> bool:
        """Cancel the statement or fetch in flight; return whether there was one."""
        self._cancel_requested = True
        run = self._current
        if run is None:
            return False
        run.cancel()
        return True

    def _remember(self, database: str, outcome: Outcome) -> None:
        run, error = outcome.run, outcome.error
        entry = HistoryEntry.now(
            outcome.statement.text, database,
            elapsed=run.elapsed if run else None,
            rowcount=run.rowcount if run else None,
            error=str(error) if error else None,
        )
        try:
            self.history.append(entry)
        except OSError as exc:
            if not self._history_failing:  # say it once per failing streak, not per statement
                self._warn(f"History not saved ({exc.strerror or exc}); the query still ran.")
            self._history_failing = True
        else:
            self._history_failing = False

    def close(self) -> None:
        """Cancel what runs and give every session's connection back."""
        self.cancel()
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            with suppress(ConsoleError):  # the server is gone: nothing left to give back
                session.close()
