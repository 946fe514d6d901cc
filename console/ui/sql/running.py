"""Running statements: the run keys, the run worker, each outcome shown, cancel.

Statements run in a thread worker on the database's session (``SqlRunner``), one
run at a time; each statement's outcome is shown as it arrives: its status, its
error (with the error's position marked in the editor) or its first rows, which
``Streaming`` takes over. One key cancels the statement or fetch in flight.

Uses ``Streaming._show_rows`` and ``_close_earlier``, and ``Filtering``'s
``_filter_again`` and ``_filter_run_ended`` (a filter's re-run is a run too).
"""

from __future__ import annotations

from textual import on, work
from textual.worker import get_current_worker

from console.backends.postgres import Statement, split_statements, statement_at
from console.errors import BadQuery, Cancelled
from console.ui import messages
from console.ui.sql import guard, result_table
from console.ui.sql.base import SqlPaneBase
from console.ui.sql.editor import RunTarget
from console.ui.sql.results import ResultView
from console.ui.sql.runner import Outcome


class Running(SqlPaneBase):
    """Run the statement at the cursor, the selection or the buffer; show each outcome."""

    def statements_for(self, target: RunTarget) -> list[Statement]:
        """Return the statements a run covers: all of the target, or the one at the cursor."""
        if target.whole:
            return split_statements(target.text)
        found = statement_at(target.text, self.editor.cursor_index())
        return [found] if found is not None else []

    async def action_run(self) -> None:
        await self._start(self.editor.run_target(whole=False))

    async def action_run_all(self) -> None:
        await self._start(self.editor.run_target(whole=True))

    async def _start(self, target: RunTarget, confirmed: bool = False) -> None:
        if self._run_worker is not None:
            self.notify("A query is running: ctrl+t cancels it.", severity="warning")
            return
        statements = self.statements_for(target)
        if not statements:
            self.notify("Nothing to run: the editor holds no statement here.", severity="warning")
            return
        if not confirmed and guard.held_back(self, statements, lambda: self._start(target, True)):
            return
        self._live.clear()
        count = len(statements)
        self._set_state(f"running {count} statement{'s' if count > 1 else ''}… ctrl+t cancels")
        removing = self.results.begin()
        self._run_worker = self.execute(self.database, statements, target.base)
        await removing  # the old results go while the statement travels to the server

    @work(
        thread=True, exclusive=True, group="sql-run", description="Running SQL", exit_on_error=False
    )
    def execute(self, database: str, statements: list[Statement], base: int) -> None:
        """Run ``statements`` in order, posting each outcome as it arrives."""
        worker = get_current_worker()
        stopped = True
        try:
            self.runner.execute(
                database,
                statements,
                lambda outcome: self.post_message(messages.StatementFinished(outcome, base)),
                lambda: worker.is_cancelled,
            )
            stopped = worker.is_cancelled
        finally:
            self.post_message(messages.RunEnded(stopped))

    @on(messages.StatementFinished)
    async def _statement_finished(self, event: messages.StatementFinished) -> None:
        outcome = event.outcome
        if outcome.row_filter is None:
            self._close_earlier(outcome.index)
        if outcome.error is not None:
            if isinstance(outcome.error, Cancelled) and self._filter_again:
                return  # a newer filter stopped this one: its result is on the way
            await self._show_error(outcome, event.base)
            return
        run = outcome.run
        assert run is not None
        if outcome.schema is None:
            view = ResultView(
                outcome.index,
                outcome.statement.text,
                run=self.results.run,
                message=run.status or "OK",
                database=outcome.database,
            )
            await self.results.add(view)
            self.results.set_status(
                view,
                result_table.status_text(
                    rows=run.rowcount,
                    exhausted=True,
                    elapsed=run.elapsed,
                    status=run.status,
                    has_rows=False,
                ),
            )
            return
        await self._show_rows(outcome)

    async def _show_error(self, outcome: Outcome, base: int) -> None:
        error = outcome.error
        assert error is not None
        text = str(error)
        # a filter's position points into the wrapper, not into what the operator wrote
        if isinstance(error, BadQuery) and error.position and outcome.row_filter is None:
            line, column = self.editor.mark(base + outcome.statement.start + error.position - 1)
            text = f"{text} (line {line}, column {column})"
            self.editor.focus()
        view = ResultView(
            outcome.index,
            outcome.statement.text,
            run=self.results.run,
            message=text,
            database=outcome.database,
            row_filter=outcome.row_filter,
        )
        view.add_class("-error")
        await self._place(view)
        self.results.set_status(view, "cancelled" if isinstance(error, Cancelled) else error.title)
        severity = "warning" if isinstance(error, Cancelled) else "error"
        self.notify(text, title=error.title, severity=severity)

    @on(messages.RunEnded)
    def _run_ended(self, event: messages.RunEnded) -> None:
        self._run_worker = None
        self._set_state("cancelled" if event.stopped else "")
        self._filter_run_ended()

    def action_cancel(self) -> None:
        fetching = [w for w in self.workers if w.group == "sql-fetch" and w.is_running]
        if self._run_worker is None and not fetching:
            self.notify("No query is running.", severity="information", timeout=2)
            return
        self.cancel_statement()
        if self._run_worker is not None:
            self._run_worker.cancel()
        self._set_state("cancelling…")

    @work(
        thread=True,
        exclusive=False,
        group="sql-cancel",
        description="Cancelling the query",
        exit_on_error=False,
    )
    def cancel_statement(self) -> None:
        """Ask the server to cancel the statement in flight (one short round trip)."""
        self.runner.cancel()
