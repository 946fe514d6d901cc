"""One side of a comparison as a table: its rows aligned with the other side's, marked.

Both sides hold the same rows in the same order, so row N of one is row N of
the other: a row only one side has is blank (and dimmed) on the other. The
key columns show once, on the first side (dimmed where only the second side
has the row), so the second side keeps its width for the values. The first
column says what the row is, in marks a monochrome terminal still shows:
``+`` only here, ``-`` only there, ``~`` differs, blank the same. Differing
cells take ``diff-table--changed``; the second side's counts show with their
change (``57 (+3)``).
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable

from console.diff import DIFFER, ONLY_A, ONLY_B, Comparison, Row, delta, display

MARKS = {(ONLY_A, "a"): "+", (ONLY_B, "b"): "+", (ONLY_A, "b"): "-", (ONLY_B, "a"): "-",
         (DIFFER, "a"): "~", (DIFFER, "b"): "~"}
"""(state, side) → the mark in the first column; equal rows have none."""


class DiffTable(DataTable[Text]):
    """The rows of one side (``a`` or ``b``) of a ``Comparison``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-table--only",
        "diff-table--missing",
        "diff-table--changed",
    }
    DEFAULT_CSS = """
    DiffTable { height: 1fr; }
    DiffTable > .diff-table--only { background: $success 25%; text-style: bold; }
    DiffTable > .diff-table--missing { color: $text-disabled; }
    DiffTable > .diff-table--changed { background: $warning 35%; text-style: bold underline; }
    """

    def __init__(self, side: str, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.side = side
        """``a`` or ``b``: which side's cells this table shows."""
        self.comparison: Comparison | None = None
        self.shown: list[int] = []
        """The comparison's columns this side shows (the second side leaves out the key)."""

    def show(self, comparison: Comparison) -> None:
        """Show ``comparison``'s rows from this side, keeping the cursor's row."""
        row_at = self.cursor_row
        self.comparison = comparison
        self.clear(columns=True)
        keys = set(comparison.key) if self.side == "b" else set()
        self.shown = [i for i in range(len(comparison.columns)) if i not in keys]
        styles = {name: self.get_component_rich_style(name, partial=True)
                  for name in self.COMPONENT_CLASSES}
        rows = [self._cells(comparison, row, styles) for row in comparison.rows]
        labels = [Text(" "), *(Text(comparison.columns[i]) for i in self.shown)]
        # Widths given, not measured: the table measures new rows only when idle, and a
        # frame drawn before that kept every column as narrow as its header ("gw-0").
        for column, (label, key) in enumerate(zip(labels, ["mark", *map(str, self.shown)])):
            width = max([label.cell_len, *(cells[column].cell_len for cells in rows)])
            self.add_column(label, key=key, width=width)
        for index, cells in enumerate(rows):
            self.add_row(*cells, key=str(index))
        if comparison.rows:
            self.move_cursor(row=min(row_at, len(comparison.rows) - 1), animate=False)

    def _cells(self, comparison: Comparison, row: Row, styles: dict[str, Style]) -> list[Text]:
        mine = row.a if self.side == "a" else row.b
        mark = Text(MARKS.get((row.state, self.side), " "))
        if mine is None:
            blank = styles["diff-table--missing"]
            keys = dict(zip(comparison.key, row.key))
            return [mark, *(Text(display(keys[i]) if i in keys else "·", style=blank)
                            for i in self.shown)]
        whole = styles["diff-table--only"] if row.state in (ONLY_A, ONLY_B) else Style()
        cells = [Text(mark.plain, style=whole)]
        for i in self.shown:
            text = display(mine[i])
            style = whole
            if i in row.differing:
                style = styles["diff-table--changed"]
                change = delta(row, i) if self.side == "b" else None
                text += f" ({change:+d})" if change is not None else ""
            cells.append(Text(text, style=style))
        return cells

    @property
    def rows_shown(self) -> list[Row]:
        """The comparison's rows, in table order."""
        return self.comparison.rows if self.comparison is not None else []
