"""Streaming results: their first rows shown, more fetched as the operator scrolls.

A statement that returns rows leaves its run open on the session; the grid says
"more" while it has rows, and nearing its end fetches the next page in a thread
worker. ``G`` (or ``ctrl+end``) fetches the whole rest in one worker pass, in large
pages converted in the thread, with the cursor following the last row (``ctrl+t``
stops it). A result stops streaming when a later statement or a filter runs on the
session, or when a fetch fails; it then says how many rows it shows.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pyarrow as pa
from textual.worker import get_current_worker

from console.backends.sql import SqlRun
from console.ui.sql import messages, result_table
from console.ui.sql.results import ResultGrid, ResultView
from console.ui.sql.runner import Outcome

if TYPE_CHECKING:
    from console.ui.panes.sql import SqlPane


class ResultStreams:
    """The results whose run is still open, fed page by page as the operator scrolls."""

    def __init__(self, pane: SqlPane) -> None:
        self.pane = pane
        self._live: dict[int, tuple[SqlRun, pa.Schema]] = {}
        self._to_end: set[int] = set()
        """Results the operator jumped to the end of: fetched until their last row."""

    @property
    def fetching(self) -> bool:
        """Whether a page is on its way."""
        return any(w.group == "sql-fetch" and w.is_running for w in self.pane.workers)

    def open_indices(self) -> list[int]:
        """The results that may still have rows to fetch."""
        return list(self._live)

    async def show(self, outcome: Outcome) -> None:
        """Show a result's first rows; keep its run if more may come."""
        pane = self.pane
        run, schema = outcome.run, outcome.schema
        assert run is not None and schema is not None
        view = ResultView(outcome.index, outcome.statement.text, run=pane.results.run,
                          table=outcome.table, target=outcome.target,
                          row_filter=outcome.row_filter)
        await pane.results.place(view)
        grid = view.grid
        assert grid is not None
        grid.more = not run.exhausted
        if grid.more:
            self._live[outcome.index] = (run, schema)
        self._update_status(view, run)

    def _update_status(self, view: ResultView, run: SqlRun, *, cancelled: bool = False) -> None:
        grid = view.grid
        rows = grid.row_count if grid is not None else 0
        text = result_table.status_text(
            rows=rows, exhausted=not (grid is not None and grid.more), elapsed=run.elapsed,
            status=run.status, has_rows=True, cancelled=cancelled)
        if view.index in self._to_end:
            text = f"{rows:,}+ rows, reading to the last (ctrl+t stops)"
        self.pane.results.set_status(view, text)

    def forget_all(self) -> None:
        """A new run replaces every result: none streams any more."""
        self._live.clear()
        self._to_end.clear()

    def close_before(self, index: int) -> None:
        """A later statement ran on the session: earlier results can stream no more."""
        self.close([i for i in self._live if i < index], "the next statement ran")

    def close(self, indices: list[int], because: str) -> None:
        """Stop the given results streaming, saying why in their status lines."""
        results = self.pane.results
        for index in indices:
            del self._live[index]
            self._to_end.discard(index)
            view = results.view(index)
            if view is not None and view.grid is not None:
                view.grid.more = False
                results.set_status(
                    view, f"{view.grid.row_count:,} rows shown; the result closed when {because}")

    def near_end(self, event: ResultGrid.NearEnd) -> None:
        """The operator scrolled close to a grid's end (fetch its next page), or jumped
        to its last row (fetch every row left; a page on its way is finished first)."""
        view = event.grid.parent
        if not isinstance(view, ResultView) or view.index not in self._live:
            return
        if event.to_end and view.index not in self._to_end:
            self._to_end.add(view.index)
            self._update_status(view, self._live[view.index][0])
        if not self.fetching:
            self._start_fetch(view.index)

    def _start_fetch(self, index: int) -> None:
        rest = index in self._to_end
        self.pane.run_worker(partial(self._fetch_rest if rest else self._fetch, index),
                             thread=True, exclusive=True, group="sql-fetch",
                             description="Fetching every row left" if rest
                             else "Fetching more rows", exit_on_error=False)

    def _fetch(self, index: int) -> None:
        entry = self._live.get(index)
        if entry is None:  # a statement or filter closed it before this thread started
            return
        run, schema = entry
        cells = self.pane.runner.fetch(run, schema)
        self.pane.post_message(messages.RowsFetched(index, cells, run.exhausted))

    def _fetch_rest(self, index: int) -> None:
        """Read a result to its end in one worker pass, a large page at a time."""
        entry = self._live.get(index)
        worker = get_current_worker()
        while entry is not None and not entry[0].exhausted and not worker.is_cancelled:
            run, schema = entry
            batch = self.pane.runner.fetch_batch(run, schema)
            self.pane.post_message(messages.RowsFetched(index, [], run.exhausted, batch=batch))
            entry = self._live.get(index)

    def rows_fetched(self, event: messages.RowsFetched) -> None:
        """Append a fetched page and ask for the next while the view is still near the end."""
        view = self.pane.results.view(event.result)
        entry = self._live.get(event.result)
        if view is None or view.grid is None or entry is None:
            return
        run, grid = entry[0], view.grid
        following = grid.cursor_row >= grid.row_count - 1 and event.result in self._to_end
        if event.batch is not None:
            grid.append_batch(event.batch)
        else:
            grid.append(event.cells)
        grid.more = not event.last
        if not grid.more:
            self._live.pop(event.result, None)
            self._to_end.discard(event.result)
        if following:  # the cursor rides the last row down as the rows arrive
            grid.move_cursor(row=grid.row_count - 1)
        self._update_status(view, run)
        if event.result in self._to_end and event.batch is None:
            self._start_fetch(event.result)  # a page that was on its way: now the rest
        else:
            grid.check_near_end()

    def stop(self, *, cancelled: bool) -> None:
        """A fetch failed or was cancelled: every open result stops where it is."""
        self._to_end.clear()
        for index in list(self._live):
            run, _ = self._live.pop(index)
            view = self.pane.results.view(index)
            if view is not None and view.grid is not None:
                view.grid.more = False
                self._update_status(view, run, cancelled=cancelled)
