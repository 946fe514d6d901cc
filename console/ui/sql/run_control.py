"""Running statements: the run worker, each outcome shown as it arrives, cancel.

Statements run in a thread worker on the target's session (``SqlRunner``), one
run at a time; each outcome is shown as it arrives: its status, its error (with
the error's position marked in the editor) or its first rows, which the
pane's ``ResultStreams`` take over. One key cancels the statement or fetch in
flight. A filter's re-run (``ResultFilter``) is a run too: it goes through
``launch`` so that two runs never share the session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.worker import Worker, get_current_worker

from console.backends.sql import Statement, Target, split_statements, statement_at
from console.errors import BadQuery, Cancelled
from console.ui.sql import guard, messages, result_table
from console.ui.sql.editor import RunTarget
from console.ui.sql.results import ResultView
from console.ui.sql.runner import Outcome

if TYPE_CHECKING:
    from console.ui.panes.sql import SqlPane


class RunControl:
    """Start runs, show their outcomes, cancel them: one run in flight at a time."""

    def __init__(self, pane: SqlPane) -> None:
        self.pane = pane
        self.worker: Worker[None] | None = None
        """The run in flight (the operator's statements or a filter's re-run), if any."""

    @property
    def running(self) -> bool:
        """Whether a run is in flight."""
        return self.worker is not None

    def statements_for(self, target: RunTarget) -> list[Statement]:
        """Return the statements a run covers: all of the target, or the one at the cursor."""
        if target.whole:
            return split_statements(target.text)
        found = statement_at(target.text, self.pane.editor.cursor_index())
        return [found] if found is not None else []

    async def start(self, run_target: RunTarget, *, confirmed: bool = False) -> None:
        """Run the statements ``run_target`` covers on the pane's current target.

        NUL bytes refuse the run; destructive statements ask first (``guard``), and the
        run starts again with ``confirmed`` once the operator agrees.
        """
        pane = self.pane
        if self.running:
            pane.notify("A query is running: ctrl+t cancels it.", severity="warning")
            return
        statements = self.statements_for(run_target)
        if not statements:
            pane.notify("Nothing to run: the editor holds no statement here.", severity="warning")
            return
        if not confirmed and guard.held_back(
                pane, statements, lambda: self.start(run_target, confirmed=True)):
            return
        pane.streams.forget_all()
        count = len(statements)
        pane.set_state(f"running {count} statement{'s' if count > 1 else ''}… ctrl+t cancels")
        removing = pane.results.begin()
        target = pane.target
        self.launch(partial(self._execute, target, statements, run_target.base), "Running SQL")
        await removing  # the old results go while the statement travels to the server

    def launch(self, work: Callable[[], None], description: str) -> None:
        """Start ``work`` as the run worker (a thread: the drivers block)."""
        self.worker = self.pane.run_worker(
            work, thread=True, exclusive=True, group="sql-run", description=description,
            exit_on_error=False)

    def _execute(self, target: Target, statements: list[Statement], base: int) -> None:
        worker = get_current_worker()
        pane = self.pane
        stopped = True
        try:
            pane.runner.execute(
                target, statements,
                lambda outcome: pane.post_message(messages.StatementFinished(outcome, base)),
                lambda: worker.is_cancelled,
            )
            stopped = worker.is_cancelled
        finally:
            pane.post_message(messages.RunEnded(stopped))

    async def statement_finished(self, event: messages.StatementFinished) -> None:
        """Show one statement's outcome: an error, a status, or its first rows."""
        pane, outcome = self.pane, event.outcome
        if outcome.row_filter is None:
            pane.streams.close_before(outcome.index)
        if outcome.error is not None:
            if isinstance(outcome.error, Cancelled) and pane.row_filter.superseded:
                return  # a newer filter stopped this one: its result is on the way
            await self._show_error(outcome, event.base)
            return
        run = outcome.run
        assert run is not None
        if outcome.schema is not None:
            await pane.streams.show(outcome)
            return
        view = ResultView(outcome.index, outcome.statement.text, run=pane.results.run,
                          message=run.status or "OK", target=outcome.target)
        await pane.results.add(view)
        pane.results.set_status(view, result_table.status_text(
            rows=run.rowcount, exhausted=True, elapsed=run.elapsed, status=run.status,
            has_rows=False))

    async def _show_error(self, outcome: Outcome, base: int) -> None:
        pane, error = self.pane, outcome.error
        assert error is not None
        text = str(error)
        # a filter's position points into the wrapper, not into what the operator wrote
        if isinstance(error, BadQuery) and error.position and outcome.row_filter is None:
            line, column = pane.editor.mark(base + outcome.statement.start + error.position - 1)
            text = f"{text} (line {line}, column {column})"
            pane.editor.focus()
        view = ResultView(outcome.index, outcome.statement.text, run=pane.results.run,
                          message=text, target=outcome.target, row_filter=outcome.row_filter)
        view.add_class("-error")
        await pane.results.place(view)
        cancelled = isinstance(error, Cancelled)
        pane.results.set_status(view, "cancelled" if cancelled else error.title)
        pane.notify(text, title=error.title, severity="warning" if cancelled else "error",
                    markup=False)

    def run_ended(self, event: messages.RunEnded) -> None:
        """The run worker stopped: the pane is free, and a waiting filter may go."""
        self.worker = None
        self.pane.set_state("cancelled" if event.stopped else "")
        self.pane.row_filter.run_ended()

    def cancel(self) -> None:
        """Cancel the statement or the fetch in flight (the operator's ctrl+t)."""
        pane = self.pane
        if not self.running and not pane.streams.fetching:
            pane.notify("No query is running.", severity="information", timeout=2)
            return
        self.cancel_statement()
        if self.worker is not None:
            self.worker.cancel()
        pane.set_state("cancelling…")

    def cancel_statement(self) -> None:
        """Ask the server to cancel the statement in flight (one short round trip)."""
        self.pane.run_worker(self.pane.runner.cancel, thread=True, exclusive=False,
                             group="sql-cancel", description="Cancelling the query",
                             exit_on_error=False)
