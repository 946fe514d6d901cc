"""What every part of the SQL pane shares: the runner, the editor, the results, the bar.

``SqlPane`` is put together from the parts in this package, one job each. A part
is a ``SqlPaneBase`` subclass rather than a helper object because its workers and
handlers must be methods of the pane: ``@work`` starts the worker on the node whose
method it decorates, and ``@on`` handlers are only collected from widget classes.
The parts call each other through ``self``; each module's docstring says which
methods of the others it uses.
"""

from __future__ import annotations

import pyarrow as pa
from textual import on
from textual.widgets import Static
from textual.worker import Worker

from console.backends.postgres import QueryRun
from console.clients import Clients
from console.profiles import history
from console.ui import messages
from console.ui.panes.base import Pane
from console.ui.sql.editor import SqlEditor
from console.ui.sql.results import ResultsPanel, ResultView
from console.ui.sql.runner import SqlRunner


class SqlPaneBase(Pane):
    """The state and widgets the SQL pane's parts share."""

    def __init__(self, clients: Clients, *, id: str | None = None) -> None:
        super().__init__(clients, id=id)
        profile = clients.profile
        settings = profile.service("postgres")
        self.database: str = settings.dbname if settings is not None else "postgres"
        """The database statements run in."""
        self.history = history.History(profile.name)
        self._runner: SqlRunner | None = None
        self._run_worker: Worker[None] | None = None
        """The run in flight (the operator's statements or a filter's re-run), if any."""
        self._live: dict[int, tuple[QueryRun, pa.Schema]] = {}
        """Results whose cursor is still open: more rows come as the operator scrolls."""

    @property
    def runner(self) -> SqlRunner:
        """The thread side: sessions, history, paging (made on the UI thread at mount)."""
        if self._runner is None:
            self._runner = SqlRunner(
                self.clients, self.history, self._warn_from_thread
            )
        return self._runner

    @property
    def editor(self) -> SqlEditor:
        """The SQL editor."""
        return self.query_one(SqlEditor)

    @property
    def results(self) -> ResultsPanel:
        """The results of the last run."""
        return self.query_one(ResultsPanel)

    def _set_state(self, text: str) -> None:
        self.query_one("#sql-state", Static).update(text)

    async def _place(self, view: ResultView) -> None:
        """Show a new result, or a filter's in place of the result it narrows."""
        if view.row_filter is None:
            await self.results.add(view)
        else:
            await self.results.replace(view)

    def _warn_from_thread(self, text: str) -> None:
        self.post_message(messages.HistoryUnsaved(text))

    @on(messages.HistoryUnsaved)
    def _warn(self, event: messages.HistoryUnsaved) -> None:
        self.notify(event.text, title="Not saved", severity="warning")
