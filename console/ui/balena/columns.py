"""Choose the Devices table's columns: the pane's twin of ``devices list --select``."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static

from console.ui.balena.format import DEVICE_COLUMNS


class ColumnChooser(ModalScreen[list[str] | None]):
    """Tick the columns to show (space), Enter applies, Escape keeps the table as it is."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Keep the columns", id="columns-cancel"),
        Binding(
            "enter",
            "apply",
            "Apply",
            tooltip="Show the ticked columns",
            id="columns-apply",
            priority=True,  # before the list's own Enter, which would tick
        ),
    ]
    DEFAULT_CSS = """
    ColumnChooser { align: center middle; }
    ColumnChooser > Vertical { width: 44; height: auto; max-height: 95%;
                               border: thick $primary; background: $surface; padding: 0 1; }
    ColumnChooser SelectionList { height: auto; max-height: 18; }
    """

    def __init__(self, shown: tuple[str, ...]) -> None:
        super().__init__()
        self.shown = shown

    def compose(self) -> ComposeResult:
        choices = [
            (label, key, key in self.shown) for key, label, _ in DEVICE_COLUMNS if key != "sel"
        ]
        with Vertical():
            yield Static("Columns (space ticks, enter applies)", markup=False)
            yield SelectionList[str](*choices, id="columns-list")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @on(SelectionList.SelectionToggled)
    def _toggled(self) -> None:
        """Keep at least one column besides the selection marks."""
        chosen = self.query_one(SelectionList).selected
        if not chosen:
            self.notify("Keep at least one column", severity="warning")

    def action_apply(self) -> None:
        chosen = list(self.query_one(SelectionList).selected)
        if chosen:
            self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
