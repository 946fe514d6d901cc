"""Keys that move through every table of the console as vi, less and k9s users expect.

Mixed into each table class before the library's table, so its keys sit closest
to the focus: ``j``/``k`` a row, ``g``/``G`` the first and last row,
``ctrl+d``/``ctrl+u`` half a screen. Arrows, Page Up/Down and Home/End keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class TableKeys:
    """Vi-style movement for a Textual or textual-fastdatatable ``DataTable`` subclass.

    Textual reads ``BINDINGS`` from DOM node classes only, so a table class mixing
    this in also declares them: ``BINDINGS = [*TableKeys.BINDINGS, ...]``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, tooltip="Move down a row",
                id="table-down"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Move up a row", id="table-up"),
        Binding("g", "first_row", "First row", show=False, tooltip="Go to the first row",
                id="table-first"),
        Binding("G", "last_row", "Last row", show=False, tooltip="Go to the last row",
                id="table-last"),
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False,
                tooltip="Move down half a screen", id="table-half-down"),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False,
                tooltip="Move up half a screen", id="table-half-up"),
    ]

    if TYPE_CHECKING:  # both table libraries have these; the mixin only uses them
        row_count: int
        cursor_row: int

        def move_cursor(self, *, row: int | None = None, **kwargs: Any) -> None: ...

    def action_first_row(self) -> None:
        """Put the cursor on the first row."""
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        """Put the cursor on the last row loaded."""
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)

    def action_half_page(self, direction: int) -> None:
        """Move the cursor half a screen down (1) or up (-1)."""
        if not self.row_count:
            return
        step = max(1, self.scrollable_content_region.height // 2)
        row = min(max(self.cursor_row + direction * step, 0), self.row_count - 1)
        self.move_cursor(row=row)


class NavTable(TableKeys, DataTable[Any]):
    """A plain Textual ``DataTable`` with the console's movement keys."""

    BINDINGS: ClassVar[list[BindingType]] = TableKeys.BINDINGS
