"""Streaming a result: its first rows shown, more fetched as the operator scrolls.

A statement that returns rows leaves its named cursor open on the session; the
grid says "more" while it has rows, and nearing its end fetches the next page in
a thread worker. A cursor closes when a later statement or a filter runs on the
session, or when a fetch fails; its result then says how many rows it shows.
"""

from __future__ import annotations

from textual import on, work

from console.backends.postgres import QueryRun
from console.ui import messages
from console.ui.sql import result_table
from console.ui.sql.base import SqlPaneBase
from console.ui.sql.results import ResultGrid, ResultView
from console.ui.sql.runner import Outcome


class Streaming(SqlPaneBase):
    """Show results with rows and keep the open ones fed as the operator scrolls."""

    async def _show_rows(self, outcome: Outcome) -> None:
        run, schema = outcome.run, outcome.schema
        assert run is not None and schema is not None
        view = ResultView(
            outcome.index,
            outcome.statement.text,
            run=self.results.run,
            table=outcome.table,
            database=outcome.database,
            row_filter=outcome.row_filter,
        )
        await self._place(view)
        grid = view.grid
        assert grid is not None
        grid.more = not run.exhausted
        if grid.more:
            self._live[outcome.index] = (run, schema)
        self._update_status(view, run)

    def _update_status(self, view: ResultView, run: QueryRun, *, cancelled: bool = False) -> None:
        grid = view.grid
        rows = grid.row_count if grid is not None else 0
        self.results.set_status(
            view,
            result_table.status_text(
                rows=rows,
                exhausted=not (grid is not None and grid.more),
                elapsed=run.elapsed,
                status=run.status,
                has_rows=True,
                cancelled=cancelled,
            ),
        )

    def _close_earlier(self, index: int) -> None:
        """A later statement ran on the session: earlier results can stream no more."""
        self._close_streams([i for i in self._live if i < index], "the next statement ran")

    def _close_streams(self, indices: list[int], because: str) -> None:
        for index in indices:
            del self._live[index]
            view = self.results.view(index)
            if view is not None and view.grid is not None:
                view.grid.more = False
                self.results.set_status(
                    view, f"{view.grid.row_count:,} rows shown; the result closed when {because}"
                )

    @on(ResultGrid.NearEnd)
    def _near_end(self, event: ResultGrid.NearEnd) -> None:
        view = event.grid.parent
        if not isinstance(view, ResultView) or view.index not in self._live:
            return
        if not any(w.group == "sql-fetch" and w.is_running for w in self.workers):
            self.fetch_more(view.index)

    @work(
        thread=True,
        exclusive=True,
        group="sql-fetch",
        description="Fetching more rows",
        exit_on_error=False,
    )
    def fetch_more(self, index: int) -> None:
        """Fetch the next page of result ``index``."""
        entry = self._live.get(index)
        if entry is None:  # a statement or filter closed it before this thread started
            return
        run, schema = entry
        cells = self.runner.fetch(run, schema)
        self.post_message(messages.RowsFetched(index, cells))

    @on(messages.RowsFetched)
    def _rows_fetched(self, event: messages.RowsFetched) -> None:
        view = self.results.view(event.result)
        entry = self._live.get(event.result)
        if view is None or view.grid is None or entry is None:
            return
        run = entry[0]
        view.grid.append(event.cells)
        view.grid.more = not run.exhausted
        if not view.grid.more:
            self._live.pop(event.result, None)
        self._update_status(view, run)
        view.grid.check_near_end()

    def _stop_streaming(self, *, cancelled: bool) -> None:
        """A fetch failed or was cancelled: every open result stops where it is."""
        for index in list(self._live):
            run, _ = self._live.pop(index)
            view = self.results.view(index)
            if view is not None and view.grid is not None:
                view.grid.more = False
                self._update_status(view, run, cancelled=cancelled)
