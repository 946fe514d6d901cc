"""Query results: an Arrow-backed grid per statement, with its status line.

The grid holds what has been fetched so far and says when the operator
scrolls near its end (``ResultGrid.NearEnd``); the pane fetches the next page
in a worker and appends it. ``y`` copies a cell and ``Y`` a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import ContentSwitcher, Static
from textual_fastdatatable import ArrowBackend
from textual_fastdatatable.data_table import DataTable

from console.ui.result_table import as_text

NEAR_END = 200
"""Rows from the end at which the next page is asked for."""


class ResultGrid(DataTable):
    """The rows of one result, fetched so far."""

    BINDINGS = [
        Binding("y", "copy_cell", "Copy cell", tooltip="Copy the cell under the cursor",
                id="result-copy-cell"),
        Binding("Y", "copy_row", "Copy row", tooltip="Copy the row (tab-separated)",
                id="result-copy-row"),
    ]

    @dataclass
    class NearEnd(Message):
        """The operator is within ``NEAR_END`` rows of the last row fetched."""

        grid: ResultGrid

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ResultGrid.NearEnd) and message.grid is self.grid

    def __init__(self, table: pa.Table, *, id: str | None = None) -> None:
        super().__init__(backend=ArrowBackend(table), null_rep="∅", render_markup=False,
                         zebra_stripes=True, max_column_content_width=60, id=id)
        self.more = True
        """Whether the result may have rows not fetched yet (the pane sets it)."""

    def append(self, cells: list[list[Any]]) -> None:
        """Add a page of converted rows at the end."""
        if cells:
            self.add_rows(cells)

    def check_near_end(self) -> None:
        """Ask for more rows when the cursor or the view is close to the end."""
        if not self.more:
            return
        bottom = int(self.scroll_y) + self.scrollable_content_region.height
        if max(bottom, self.cursor_row) >= self.row_count - NEAR_END:
            self.post_message(self.NearEnd(self))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.check_near_end()

    def on_data_table_cell_highlighted(self) -> None:
        self.check_near_end()

    def action_copy_cell(self) -> None:
        if self.row_count == 0:
            return
        value = as_text(self.get_cell_at(self.cursor_coordinate))
        self.app.copy_to_clipboard("" if value is None else value)
        self.notify("Cell copied.", timeout=2)

    def action_copy_row(self) -> None:
        if self.row_count == 0:
            return
        cells = [as_text(v) for v in self.get_row_at(self.cursor_row)]
        self.app.copy_to_clipboard("\t".join("" if v is None else v for v in cells))
        self.notify("Row copied.", timeout=2)


class ResultView(Vertical):
    """One statement's result: its grid (or its status alone) and a status line."""

    DEFAULT_CSS = """
    ResultView { height: 1fr; }
    ResultView > ResultGrid { height: 1fr; }
    ResultView > .result--message { height: 1fr; padding: 0 1; }
    ResultView > .result--status { height: 1; padding: 0 1; background: $panel; }
    ResultView.-error > .result--message { color: $error; }
    """

    def __init__(self, index: int, sql: str, *, table: pa.Table | None = None,
                 message: str = "") -> None:
        super().__init__(id=f"result-{index}")
        self.index = index
        self.sql = sql
        """The statement that produced it."""
        self._table = table
        self._message = message

    def compose(self) -> ComposeResult:
        if self._table is not None:
            yield ResultGrid(self._table, id=f"grid-{self.index}")
        else:
            yield Static(self._message, classes="result--message", markup=False)
        yield Static("", classes="result--status", markup=False)

    @property
    def grid(self) -> ResultGrid | None:
        """The grid, for results with rows."""
        found = self.query(ResultGrid)
        return found.first() if found else None

    def set_status(self, text: str) -> None:
        """Show ``text`` on the status line."""
        self.query_one(".result--status", Static).update(text)


class ResultsPanel(Vertical):
    """Every result of the last run, one shown at a time (``[`` and ``]`` switch)."""

    DEFAULT_CSS = """
    ResultsPanel { height: 1fr; }
    ResultsPanel > #results-title { height: 1; padding: 0 1; background: $boost;
                                    text-style: bold; }
    ResultsPanel > ContentSwitcher { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static("No results yet: ctrl+r runs the statement at the cursor, f5 them all.",
                     id="results-title", markup=False)
        yield ContentSwitcher(id="results")

    @property
    def views(self) -> list[ResultView]:
        """The results, in statement order."""
        return list(self.query(ResultView))

    @property
    def current(self) -> ResultView | None:
        """The result on show."""
        shown = self.query_one(ContentSwitcher).current
        return self.query_one(f"#{shown}", ResultView) if shown else None

    async def clear(self) -> None:
        """Remove every result (a new run starts)."""
        await self.query_one(ContentSwitcher).remove_children()

    async def add(self, view: ResultView) -> None:
        """Add a result and show it."""
        switcher = self.query_one(ContentSwitcher)
        await switcher.mount(view)
        self.show(view.index)

    def view(self, index: int) -> ResultView | None:
        """Return the result of statement ``index``, if it is still shown."""
        found = self.query(f"#result-{index}")
        return found.first(ResultView) if found else None

    def show(self, index: int) -> None:
        """Show the result of statement ``index``."""
        views = self.views
        view = self.view(index)
        if view is None:
            return
        self.query_one(ContentSwitcher).current = view.id
        first_line = view.sql.strip().splitlines()[0] if view.sql.strip() else ""
        title = f"Result {views.index(view) + 1} of {len(views)}: {first_line}"
        self.query_one("#results-title", Static).update(title)

    def step(self, delta: int) -> None:
        """Show the previous (-1) or next (+1) result."""
        views = self.views
        current = self.current
        if not views or current is None:
            return
        position = (views.index(current) + delta) % len(views)
        self.show(views[position].index)
