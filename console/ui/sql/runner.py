"""The thread side of the SQL pane: a session per target, history, paging, cancel.

Everything here blocks and runs in the pane's thread workers. The editor keeps
one session (one connection) per target — a PostgreSQL database, a cluster's
schema — as psql keeps one, so ``SET`` and ``BEGIN`` … ``COMMIT`` behave as the
operator expects; a lock keeps the run and fetch workers from using a session
at once. ``cancel()`` takes no lock: it is meant to interrupt a statement
holding it. Which engine runs a target is the registry's business
(``Clients.engine``): nothing here knows PostgreSQL from Ignite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from console.backends.sql import SqlEngine, SqlRun, SqlSession, Statement, Target
from console.clients import Clients
from console.errors import BadQuery, ConsoleError
from console.profiles.history import History, HistoryEntry
from console.ui.sql import result_table

if TYPE_CHECKING:
    from collections.abc import Sequence

FIRST_BATCH = 200
"""Rows read before the first page is shown: a screenful and then some. Converting and
drawing them is most of the time to first rows, so the next page waits for the scroll."""
PAGE = 5000
"""Rows fetched each time the operator scrolls near the end (~50 ms to add to the grid)."""
TO_END_PAGE = 50_000
"""Rows fetched at a time when the operator jumps to the last row (``G``): converted to
one Arrow batch in the thread, so adding it costs the UI thread next to nothing."""


@dataclass
class Outcome:
    """What one statement produced, for the UI thread to show."""

    index: int
    statement: Statement
    target: Target
    """Where it ran."""
    run: SqlRun | None = None
    schema: pa.Schema | None = None
    table: pa.Table | None = None
    """The first rows, converted for the grid, when the statement returns rows."""
    error: ConsoleError | None = None
    row_filter: str | None = None
    """For a shown result run again by ``refilter``: the text its rows must hold
    (``""``: every row again). ``None`` for a statement the operator ran."""


class SqlRunner:
    """Run the editor's statements on one profile's engines, from worker threads."""

    def __init__(self, clients: Clients, history: History,
                 warn: Callable[[str], None]) -> None:
        self.clients = clients
        self.history = history
        self._warn = warn
        self._lock = threading.Lock()
        self._sessions: dict[Target, SqlSession] = {}
        self._current: SqlRun | None = None
        self._cancel_requested = False
        self._history_failing = False
        self._counting: dict[SqlRun, HistoryEntry] = {}
        """History entries of results still streaming: their row count is written once
        the last row is read."""

    def engine(self, target: Target) -> SqlEngine:
        """Return the engine that runs ``target`` (blocking: may connect)."""
        return self.clients.engine(target.engine)

    def _session(self, target: Target) -> SqlSession:
        session = self._sessions.get(target)
        if session is None:
            session = self._sessions[target] = self.engine(target).session(target)
        return session

    def _started(self, run: SqlRun) -> None:
        self._current = run
        if self._cancel_requested:  # cancel pressed before the statement was even sent
            run.cancel()

    def execute(self, target: Target, statements: list[Statement],
                emit: Callable[[Outcome], None], stopped: Callable[[], bool]) -> None:
        """Run ``statements`` in order, emitting each outcome; stop at the first failure."""
        self._cancel_requested = False
        self._counting.clear()  # the results of the last run can stream no more
        for index, statement in enumerate(statements):
            if stopped():
                return
            outcome = Outcome(index, statement, target)
            self._launch(outcome, statement.text)
            self._remember(outcome)
            emit(outcome)
            if outcome.error is not None:
                return

    def refilter(self, target: Target, index: int, statement: Statement, text: str) -> Outcome:
        """Run a shown result's statement again, keeping the rows whose text holds ``text``.

        The engine filters on its server (``filter_rows``) and the rows stream as the
        original's did; an empty ``text`` runs the statement as it was. Not added to
        the history: the operator ran the statement, not this wrapper.
        """
        self._cancel_requested = False
        outcome = Outcome(index, statement, target, row_filter=text)
        try:
            sql, params = self._filtered(target, statement.text, text)
        except ConsoleError as exc:
            outcome.error = exc
            return outcome
        self._launch(outcome, sql, params)
        return outcome

    def _filtered(self, target: Target, sql: str, text: str) -> tuple[str, Sequence[Any] | None]:
        if not text:
            return sql, None
        filter_rows = getattr(self.engine(target), "filter_rows", None)
        if filter_rows is None:
            raise BadQuery(f"{self.engine(target).title} results cannot be filtered on the "
                           "server; run a query with a WHERE instead", operation="filter rows")
        query, params = filter_rows(sql, text)
        return query, params

    def _launch(self, outcome: Outcome, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run ``sql`` on the target's session and fill ``outcome`` with its first rows."""
        with self._lock:
            try:
                run = self._session(outcome.target).run(
                    sql, params=params, batch=FIRST_BATCH, on_start=self._started)
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

    def fetch(self, run: SqlRun, schema: pa.Schema, count: int = PAGE) -> list[list[Any]]:
        """Fetch and convert the next page of ``run`` (``[]`` once it is exhausted or closed).

        Raises:
            ConsoleError: the server failed or the fetch was cancelled.
        """
        return result_table.to_cells(schema, self._fetch(run, count))

    def fetch_batch(self, run: SqlRun, schema: pa.Schema,
                    count: int = TO_END_PAGE) -> pa.RecordBatch:
        """``fetch``, as one Arrow batch (a large page: nothing left to convert on screen).

        Raises:
            ConsoleError: the server failed or the fetch was cancelled.
        """
        return result_table.to_batch(schema, self._fetch(run, count))

    def _fetch(self, run: SqlRun, count: int) -> list[tuple[Any, ...]]:
        with self._lock:
            self._cancel_requested = False
            self._current = run
            ended_before = run.exhausted  # closed, or already read to the end
            try:
                rows = run.fetch(count)
            finally:
                self._current = None
            if run.exhausted and not ended_before:
                self._count_known(run)
        return rows

    def _count_known(self, run: SqlRun) -> None:
        """The last row of a streamed result was read: its history entry gets the count."""
        entry = self._counting.pop(run, None)
        if entry is None:
            return
        try:
            self.history.set_rowcount(entry, run.rowcount)
        except OSError as exc:
            self._warn(f"History not updated ({exc.strerror or exc}); the rows are shown.")

    def cancel(self) -> bool:
        """Cancel the statement or fetch in flight; return whether there was one."""
        self._cancel_requested = True
        run = self._current
        if run is None:
            return False
        run.cancel()
        return True

    def open_transactions(self) -> list[Target]:
        """Return the targets whose session holds an open transaction block."""
        return [target for target, session in self._sessions.items() if session.in_transaction]

    def end_transactions(self, *, commit: bool) -> list[str]:
        """Commit or roll back every open block; return ``target: STATUS`` for each.

        Raises:
            ConsoleError: the first server that failed (the others are still ended).
        """
        answers, failure = [], None
        for target in self.open_transactions():
            try:
                with self._lock:
                    status = self._sessions[target].end_transaction(commit=commit)
            except ConsoleError as exc:
                failure = failure or exc
                continue
            answers.append(f"{target.label}: {status}")
        if failure is not None:
            raise failure
        return answers

    def _remember(self, outcome: Outcome) -> None:
        run, error = outcome.run, outcome.error
        streaming = run is not None and not run.exhausted
        entry = HistoryEntry.now(
            outcome.statement.text, outcome.target.label,
            elapsed=run.elapsed if run else None,
            # rows still to come: the count is unknown until the last is read
            rowcount=run.rowcount if run is not None and not streaming else None,
            error=str(error) if error else None,
        )
        if streaming:
            assert run is not None
            self._counting[run] = entry
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
