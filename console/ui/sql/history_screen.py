"""Searchable SQL history: type to filter, Enter recalls the statement into the editor."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.profiles.history import History, HistoryEntry


def entry_label(entry: HistoryEntry, width: int = 70) -> str:
    """One line per entry: when, where, how it went, and the statement's start."""
    flat = " ".join(entry.sql.split())
    outcome = "error" if entry.error else f"{entry.rowcount or 0} rows"
    head = f"{entry.ran_at[:16].replace('T', ' ')}  {entry.database}  {outcome}  "
    room = max(width - len(head), 10)
    return head + (flat if len(flat) <= room else flat[: room - 1] + "…")


class HistoryScreen(ModalScreen[str | None]):
    """The profile's history, newest first; dismisses with the chosen SQL or ``None``."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", tooltip="Close the history",
                id="history-close"),
        Binding("down", "focus_list", "List", show=False, tooltip="Move into the list",
                id="history-list"),
    ]
    DEFAULT_CSS = """
    HistoryScreen { align: center middle; }
    HistoryScreen > Vertical { width: 95%; max-width: 120; height: 90%; border: round $primary;
                               background: $surface; padding: 0 1; }
    HistoryScreen OptionList { height: 1fr; }
    """

    def __init__(self, history: History) -> None:
        super().__init__()
        self.history = history
        self.found: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("History (type to search, ↓ to the list, Enter recalls, Esc closes)",
                         markup=False)
            yield Input(placeholder="search words", id="history-search")
            yield OptionList(id="history-entries", markup=False)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        self.found = self.history.search(text)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(entry_label(e)) for e in self.found)
        if self.found:
            options.highlighted = 0

    @on(Input.Changed)
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def _recall_first(self) -> None:
        if self.found:
            self.dismiss(self.found[0].sql)

    @on(OptionList.OptionSelected)
    def _recall(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.found[event.option_index].sql)

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()
