"""Query results: an Arrow-backed grid per statement, with its status line.

The grid holds what has been fetched so far and says when the operator
scrolls near its end (``ResultGrid.NearEnd``); the pane fetches the next page
in a worker and appends it. ``G`` and ``ctrl+end`` ask for the whole rest
(``NearEnd(to_end=True)``): it arrives in large pages converted off the UI thread,
and the cursor follows it to the last row. ``y`` copies a cell and ``Y`` a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.await_remove import AwaitRemove
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.css.styles import RenderStyles
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import ContentSwitcher, Static
from textual_fastdatatable import ArrowBackend
from textual_fastdatatable.data_table import DataTable

from console.backends.sql import Target
from console.ui.sql.result_table import as_text
from console.ui.widgets.table_keys import TableKeys

NEAR_END = 100
"""Rows from the end at which the next page is asked for (the first page holds 200)."""
ELLIPSIS = "…"


def cell_text(value: Any, null: str) -> tuple[str, str]:
    """Return what a cell shows and how it aligns (``left``, ``right`` or ``center``).

    The grid holds only what ``result_table`` converted: ``None``, ``bool``,
    ``int``, ``float`` or ``str``; numbers read right-aligned, as psql shows them.
    """
    if value is None:
        return null, "center"
    if isinstance(value, bool):
        return ("true" if value else "false"), "left"
    if isinstance(value, (int, float)):
        return str(value), "right"
    text = str(value)
    first, newline, _ = text.partition("\n")
    return (first + ELLIPSIS if newline else first), "left"


def fit(text: str, width: int, align: str) -> str:
    """Pad or cut ``text`` to exactly ``width`` terminal cells (wide characters count twice)."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + ELLIPSIS
    room = width - length
    if align == "right":
        return " " * room + text
    if align == "center":
        return " " * (room // 2) + text + " " * (room - room // 2)
    return text + " " * room


class _PaintStyles:
    """A component's styles with ``rich_style`` worked out once, for the length of a paint."""

    def __init__(self, styles: RenderStyles) -> None:
        self._styles = styles
        self.rich_style = styles.rich_style

    def __getattr__(self, name: str) -> Any:
        return getattr(self._styles, name)


class ResultGrid(TableKeys, DataTable):
    """The rows of one result, fetched so far."""

    BINDINGS = [
        *TableKeys.BINDINGS,
        Binding("y", "copy_cell", "Copy cell", tooltip="Copy the cell under the cursor",
                id="result-copy-cell"),
        Binding("Y", "copy_row", "Copy row", tooltip="Copy the row (tab-separated)",
                id="result-copy-row"),
        Binding("ctrl+end", "cursor_table_end", "Last cell", show=False,
                tooltip="Go to the last row of the whole result", id="result-last-cell"),
    ]

    @dataclass
    class NearEnd(Message):
        """The operator is within ``NEAR_END`` rows of the last row fetched."""

        grid: ResultGrid
        to_end: bool = False
        """Every row is wanted: the operator jumped to the last one."""

        def can_replace(self, message: Message) -> bool:
            # a scroll never takes the place of a jump waiting in the queue
            return (isinstance(message, ResultGrid.NearEnd) and message.grid is self.grid
                    and (self.to_end or not message.to_end))

    def __init__(self, table: pa.Table, *, id: str | None = None) -> None:
        super().__init__(backend=ArrowBackend(table), null_rep="∅", render_markup=False,
                         zebra_stripes=True, max_column_content_width=60, id=id)
        self.more = True
        """Whether the result may have rows not fetched yet (the pane sets it)."""
        self._painted = False
        self._memo: dict[Any, Any] | None = None

    @property
    def rich_style(self) -> Style:
        if self._memo is None:
            return super().rich_style
        if "self" not in self._memo:
            self._memo["self"] = super().rich_style
        return self._memo["self"]  # type: ignore[no-any-return]

    def get_component_styles(self, *names: str) -> RenderStyles:
        if self._memo is None:
            return super().get_component_styles(*names)
        if names not in self._memo:
            self._memo[names] = _PaintStyles(super().get_component_styles(*names))
        return self._memo[names]  # type: ignore[no-any-return]

    def render_lines(self, crop: Region) -> list[Strip]:
        # The library asks for the same computed styles once per line (each walks every
        # ancestor's CSS); within one paint they cannot change, so each is worked out once.
        self._memo = {}
        try:
            lines = super().render_lines(crop)
        finally:
            self._memo = None
        if not self._painted and self.row_count:
            # the first page is on screen: only now may the next one be fetched, so its
            # conversion never competes with drawing the first rows
            self._painted = True
            self.call_later(self.check_near_end)
        return lines

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False,
                     in_range: bool = False) -> list[list[Segment]]:
        # Body cells here hold only text and numbers, so one padded segment replaces
        # the library's per-cell Rich render (Padding + Styled + render_lines): that
        # took most of the ~50 ms of painting the first screenful of a result.
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor,
                                        hover, in_range)
        key = (row_index, column_index, base_style, cursor, hover, in_range,
               self._show_hover_cursor, self._update_count, self._pseudo_class_state)
        lines = self._cell_render_cache.get(key)
        if lines is None:
            lines = [[self._cell_segment(row_index, column_index, base_style, width, cursor,
                                         hover, in_range)]]
            self._cell_render_cache[key] = lines
        return lines

    def _cell_segment(self, row_index: int, column_index: int, base_style: Style, width: int,
                      cursor: bool, hover: bool, in_range: bool) -> Segment:
        value = self.get_cell_at(Coordinate(row=row_index, column=column_index))
        text, align = cell_text(value, self.null_rep.plain)
        fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        component, post = self._get_styles_to_render_cell(
            False, False, fixed, hover, cursor, in_range, self.show_cursor,
            self._show_hover_cursor, self.cursor_type == "range",
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )
        meta = Style.from_meta({"row": row_index, "column": column_index})
        return Segment(f" {fit(text, width - 2, align)} ", base_style + meta + component + post)

    def append(self, cells: list[list[Any]]) -> None:
        """Add a page of converted rows at the end."""
        if cells:
            self.add_rows(cells)

    def append_batch(self, batch: pa.RecordBatch) -> None:
        """Add a page converted in a worker thread: nothing is done per row here.

        ``add_rows`` would turn 50,000 rows back into Python and then into Arrow on the
        UI thread (~150 ms); the batch joins the table's other batches as it is, and
        the table is told its size changed, as ``add_rows`` tells it.
        """
        backend = self.backend
        if not batch.num_rows or not isinstance(backend, ArrowBackend):
            return
        backend.data = pa.Table.from_batches([*backend.data.to_batches(), batch])
        self._require_update_dimensions = True
        self._update_count += 1
        self.refresh()

    def action_last_row(self) -> None:
        """``G``: the last row of the whole result, fetching the rows not read yet."""
        self._want_the_end()
        super().action_last_row()

    def action_cursor_table_end(self, select: bool = False) -> None:
        """``ctrl+end``: the last cell of the whole result, as ``G`` does for the row."""
        self._want_the_end()
        super().action_cursor_table_end(select)

    def _want_the_end(self) -> None:
        if self.more:
            self.post_message(self.NearEnd(self, to_end=True))

    def check_near_end(self) -> None:
        """Ask for more rows when the cursor or the view is close to the end."""
        if not self.more or not self._painted:
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
    """One statement's result: its grid, or its message alone (status, error)."""

    DEFAULT_CSS = """
    ResultView { height: 1fr; }
    ResultView > ResultGrid { height: 1fr; }
    ResultView > .result--message { height: 1fr; padding: 0 1; }
    ResultView.-error > .result--message { color: $error; }
    """

    def __init__(self, index: int, sql: str, *, run: int = 0, table: pa.Table | None = None,
                 message: str = "", target: Target | None = None,
                 row_filter: str | None = None) -> None:
        super().__init__(id=f"result-{run}-{index}")
        self.run = run
        """Which run of the editor produced it (results of older runs are being removed)."""
        self.index = index
        self.sql = sql
        """The statement that produced it."""
        self.target = target
        """Where it ran (a database, or a cluster's schema)."""
        self.row_filter = row_filter
        """The text its rows were filtered by (``""``: run again unfiltered); ``None`` when
        it is the statement's own result."""
        self.message = message
        """What it says instead of rows (a status or an error), if it has no grid."""
        self.status = ""
        """Its status line (rows, time), shown under it while it is on show."""
        self._table = table

    def compose(self) -> ComposeResult:
        if self._table is not None:
            yield ResultGrid(self._table)
        else:
            yield Static(self.message, classes="result--message", markup=False)

    @property
    def grid(self) -> ResultGrid | None:
        """The grid, for results with rows."""
        found = self.query(ResultGrid)
        return found.first() if found else None


class ResultsPanel(Vertical):
    """Every result of the last run, one shown at a time (``[`` and ``]`` switch)."""

    DEFAULT_CSS = """
    ResultsPanel { height: 1fr; }
    ResultsPanel > #results-title { height: 1; padding: 0 1; background: $boost;
                                    text-style: bold; }
    ResultsPanel > ContentSwitcher { height: 1fr; }
    ResultsPanel > #results-status { height: 1; padding: 0 1; background: $panel; }
    """

    def compose(self) -> ComposeResult:
        yield Static("No results yet: ctrl+r runs the statement at the cursor, f5 them all.",
                     id="results-title", markup=False)
        yield ContentSwitcher(id="results")
        yield Static("", id="results-status", markup=False)

    run = 0
    """The run whose results are shown; each ``begin()`` starts a new one."""

    @property
    def views(self) -> list[ResultView]:
        """The results of the current run, in statement order."""
        return [view for view in self.query(ResultView) if view.run == self.run]

    @property
    def current(self) -> ResultView | None:
        """The result on show."""
        shown = self.query_one(ContentSwitcher).current
        return self.query_one(f"#{shown}", ResultView) if shown else None

    def begin(self) -> AwaitRemove:
        """Start a new run: the old results go (await the answer to see them gone)."""
        self.run += 1
        self.query_one("#results-status", Static).update("")
        return self.query_one(ContentSwitcher).remove_children()

    def set_status(self, view: ResultView, text: str) -> None:
        """Set ``view``'s status line, shown at once if ``view`` is on show."""
        view.status = text
        if self.current is view:
            self.query_one("#results-status", Static).update(text)

    async def add(self, view: ResultView) -> None:
        """Add a result and show it."""
        switcher = self.query_one(ContentSwitcher)
        await switcher.mount(view)
        self.show(view.index)

    async def place(self, view: ResultView) -> None:
        """Show a new result, or a filter's in place of the result it narrows."""
        if view.row_filter is None:
            await self.add(view)
        else:
            await self.replace(view)

    async def replace(self, view: ResultView) -> None:
        """Put ``view`` where the result of the same statement is, and show it."""
        switcher = self.query_one(ContentSwitcher)
        old = self.view(view.index)
        if old is None:
            await self.add(view)
            return
        position = list(switcher.children).index(old)
        switcher.current = None  # the new view reuses the old one's id
        await old.remove()
        if position < len(switcher.children):
            await switcher.mount(view, before=position)
        else:
            await switcher.mount(view)
        self.show(view.index)

    def view(self, index: int) -> ResultView | None:
        """Return the result of statement ``index`` of the current run, if it is shown."""
        found = self.query(f"#result-{self.run}-{index}")
        return found.first(ResultView) if found else None

    def show(self, index: int) -> None:
        """Show the result of statement ``index``."""
        views = self.views
        view = self.view(index)
        if view is None:
            return
        self.query_one(ContentSwitcher).current = view.id
        first_line = view.sql.strip().splitlines()[0] if view.sql.strip() else ""
        narrowed = f' (filter "{view.row_filter}")' if view.row_filter else ""
        title = f"Result {views.index(view) + 1} of {len(views)}{narrowed}: {first_line}"
        self.query_one("#results-title", Static).update(title)
        self.query_one("#results-status", Static).update(view.status)

    def step(self, delta: int) -> None:
        """Show the previous (-1) or next (+1) result."""
        views = self.views
        current = self.current
        if not views or current is None:
            return
        position = (views.index(current) + delta) % len(views)
        self.show(views[position].index)
