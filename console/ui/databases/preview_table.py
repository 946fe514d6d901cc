"""An import's first rows under their inferred column types, which the operator can change.

The first row holds each column's type; ``t`` (or Enter on that row) moves the
column under the cursor to the next type, ``T`` to the previous one.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from console.backends.datajobs import ColumnType, ImportColumn, PreviewTable

TYPES = list(ColumnType)
MAX_CELL = 24


class ImportPreview(DataTable[Text]):
    """Column names in the header, their types in the first row, then the first rows."""

    BINDINGS = [
        Binding("t,enter", "next_type", "Type", tooltip="Change the column's type",
                id="import-next-type"),
        Binding("T", "previous_type", "Type back", show=False,
                tooltip="Change the column's type back", id="import-previous-type"),
    ]
    DEFAULT_CSS = """
    ImportPreview { height: 1fr; min-height: 5; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="column", zebra_stripes=True, id=id)
        self.columns_now: list[ImportColumn] = []
        """The columns as the operator left them."""

    def show(self, table: PreviewTable) -> None:
        """Show a table's preview, its inferred types as the starting point."""
        self.clear(columns=True)
        self.columns_now = list(table.columns)
        for index, column in enumerate(table.columns):
            self.add_column(Text(column.name), key=str(index))
        self.add_row(*self._type_cells(), key="types")
        for row in table.rows:
            self.add_row(*(_cell(value) for value in row))

    def _type_cells(self) -> list[Text]:
        return [Text(c.type.value, style="bold italic") for c in self.columns_now]

    def _shift(self, step: int) -> None:
        if not self.columns_now:
            return
        index = self.cursor_column
        column = self.columns_now[index]
        kind = TYPES[(TYPES.index(column.type) + step) % len(TYPES)]
        self.columns_now[index] = replace(column, type=kind)
        self.update_cell("types", str(index), Text(kind.value, style="bold italic"))

    def action_next_type(self) -> None:
        self._shift(1)

    def action_previous_type(self) -> None:
        self._shift(-1)


def _cell(value: str | None) -> Text:
    if value is None:
        return Text("∅", style="dim")
    shown = value.replace("\n", "⏎")
    return Text(shown if len(shown) <= MAX_CELL else shown[: MAX_CELL - 1] + "…")
