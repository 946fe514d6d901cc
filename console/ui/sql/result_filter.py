"""The ``/`` filter of the SQL pane: the shown result narrowed on the server.

The result's statement runs again wrapped by its engine (``filter_rows``) once
typing pauses, as a run of its own, and its rows stream in place of the result
it narrows. A filter typed while another runs cancels that one and follows it.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.timer import Timer
from textual.worker import get_current_worker

from console.backends.postgres import classify
from console.backends.sql import Statement, Target
from console.ui.sql import messages
from console.ui.sql.results import ResultView

if TYPE_CHECKING:
    from console.ui.panes.sql import SqlPane

FILTER_DELAY = 0.3
"""Seconds of quiet typing in the filter bar before the filtered query is sent."""


class ResultFilter:
    """Filter the shown result by the text typed after ``/``, on the server."""

    def __init__(self, pane: SqlPane) -> None:
        self.pane = pane
        self._text = ""
        """What the filter bar holds now; sent once typing pauses."""
        self._timer: Timer | None = None
        self._running = False
        """The run in flight is a filter's re-run, not the operator's statements."""
        self.superseded = False
        """The filter changed while one ran: the newest runs once that one stops."""

    def typed(self, text: str) -> None:
        """The filter bar holds ``text`` now; filter once typing pauses (``""`` shows all)."""
        self._text = text.strip()
        self.stop_timer()
        self._timer = self.pane.set_timer(FILTER_DELAY, self.now)

    def stop_timer(self) -> None:
        """Forget a filter still waiting for typing to pause."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def now(self) -> None:
        """Send the filter typed last, unless the result already shows exactly that."""
        pane = self.pane
        self._timer = None
        view, text = pane.results.current, self._text
        refusal = self.refusal(view)
        if refusal is not None:
            pane.notify(refusal, title="Filter", severity="warning")
            return
        assert view is not None and view.target is not None
        if view.grid is not None and (view.row_filter or "") == text:
            return
        if pane.runs.running:
            if self._running:  # stop the filter that runs; the newest one follows it
                self.superseded = True
                pane.runs.cancel_statement()
            else:
                pane.notify("A query is running: filter once it is done (ctrl+t cancels it).",
                            title="Filter", severity="warning")
            return
        pane.streams.close(pane.streams.open_indices(), "a filter ran")  # the session moves on
        self._running = True
        pane.set_state(f'filtering: rows holding "{text}"… ctrl+t cancels' if text
                       else "showing every row again… ctrl+t cancels")
        statement = Statement(view.sql, 0, len(view.sql))
        pane.runs.launch(partial(self._refilter, view.target, view.index, statement, text),
                         "Filtering the result")

    def refusal(self, view: ResultView | None) -> str | None:
        """Why the shown result cannot be filtered, or ``None`` when it can."""
        if view is None or view.target is None:
            return "No result to filter yet: run a query first (ctrl+r)."
        if view.target.engine == "postgres":
            kind = classify(view.sql)
            if not kind.cursorable:
                return (f"Only rows of a SELECT, WITH, VALUES or TABLE query can be filtered; "
                        f"this result came from {kind.keyword or 'a statement'}.")
        if view.grid is None and view.row_filter is None:
            return "This statement failed: there are no rows to filter."
        return None

    def _refilter(self, target: Target, index: int, statement: Statement, text: str) -> None:
        worker = get_current_worker()
        pane = self.pane
        try:
            outcome = pane.runner.refilter(target, index, statement, text)
            pane.post_message(messages.StatementFinished(outcome, 0))
        finally:
            pane.post_message(messages.RunEnded(worker.is_cancelled))

    def run_ended(self) -> None:
        """A run ended: a filter typed while it ran goes now."""
        self._running = False
        if self.superseded:
            self.superseded = False
            self.now()
