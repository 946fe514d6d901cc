"""The ``/`` filter of the SQL pane: the shown result narrowed on the server.

The result's statement runs again wrapped (``filter_rows``) once typing pauses,
as a run of its own, and its rows stream in place of the result it narrows. A
filter typed while another runs cancels that one and follows it.

Uses ``Running.cancel_statement`` and ``Streaming._close_streams``.
"""

from __future__ import annotations

from textual import work
from textual.timer import Timer
from textual.worker import get_current_worker

from console.backends.postgres import Statement, classify
from console.clients import Clients
from console.ui import messages
from console.ui.sql.base import SqlPaneBase
from console.ui.sql.results import ResultView

FILTER_DELAY = 0.3
"""Seconds of quiet typing in the filter bar before the filtered query is sent."""


class Filtering(SqlPaneBase):
    """Filter the shown result by the text typed after ``/``, on the server."""

    def __init__(self, clients: Clients, *, id: str | None = None) -> None:
        super().__init__(clients, id=id)
        self._filter_text = ""
        """What the filter bar holds now; sent once typing pauses."""
        self._filter_timer: Timer | None = None
        self._filtering = False
        """The running worker is a filter's re-run, not the operator's statements."""
        self._filter_again = False
        """The filter changed while one ran: run the newest once that one stops."""

    def apply_filter(self, text: str) -> None:
        """Show only the rows of the shown result whose text holds ``text``; empty shows all.

        The server filters: the result's statement runs again, wrapped, once typing pauses.
        """
        self._filter_text = text.strip()
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self._filter_now)

    def _filter_now(self) -> None:
        self._filter_timer = None
        view, text = self.results.current, self._filter_text
        refusal = self._filter_refusal(view)
        if refusal is not None:
            self.notify(refusal, title="Filter", severity="warning")
            return
        assert view is not None
        if view.grid is not None and (view.row_filter or "") == text:
            return  # already shows exactly that
        if self._run_worker is not None:
            if self._filtering:  # stop the filter that runs; the newest one follows it
                self._filter_again = True
                self.cancel_statement()
            else:
                self.notify(
                    "A query is running: filter once it is done (ctrl+t cancels it).",
                    title="Filter",
                    severity="warning",
                )
            return
        self._close_streams(list(self._live), "a filter ran")  # the session moves on
        self._filtering = True
        self._set_state(
            f'filtering: rows holding "{text}"… ctrl+t cancels'
            if text
            else "showing every row again… ctrl+t cancels"
        )
        statement = Statement(view.sql, 0, len(view.sql))
        self._run_worker = self.refilter(
            view.database or self.database, view.index, statement, text
        )

    def _filter_refusal(self, view: ResultView | None) -> str | None:
        """Why the shown result cannot be filtered, or ``None`` when it can."""
        if view is None:
            return "No result to filter yet: run a query first (ctrl+r)."
        kind = classify(view.sql)
        if not kind.cursorable:
            return (
                f"Only rows of a SELECT, WITH, VALUES or TABLE query can be filtered; "
                f"this result came from {kind.keyword or 'a statement'}."
            )
        if view.grid is None and view.row_filter is None:
            return "This statement failed: there are no rows to filter."
        return None

    @work(
        thread=True,
        exclusive=True,
        group="sql-run",
        description="Filtering the result",
        exit_on_error=False,
    )
    def refilter(self, database: str, index: int, statement: Statement, text: str) -> None:
        """Run a shown result's statement again, filtered by ``text`` on the server."""
        worker = get_current_worker()
        try:
            outcome = self.runner.refilter(database, index, statement, text)
            self.post_message(messages.StatementFinished(outcome, 0))
        finally:
            self.post_message(messages.RunEnded(worker.is_cancelled))

    def _filter_run_ended(self) -> None:
        """A run ended: a filter typed while it ran goes now."""
        self._filtering = False
        if self._filter_again:
            self._filter_again = False
            self._filter_now()
