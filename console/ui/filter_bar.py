"""The ``/`` filter bar: what the operator types filters the current pane as they type."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from console.ui.widgets.popup_input import PopupInput


class FilterBar(PopupInput):
    """A one-line prompt at the bottom; Enter keeps the filter, Escape clears it."""

    BINDINGS = [
        Binding("escape", "clear", "Clear filter", tooltip="Clear the filter and close",
                id="filter-clear"),
    ]

    @dataclass
    class FilterChanged(Message):
        """The filter text changed (or was cleared, as an empty string)."""

        text: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, FilterBar.FilterChanged)

    class Closed(Message):
        """The bar was closed; focus goes back to the pane."""

    def __init__(self) -> None:
        super().__init__(placeholder="/ filter the current table", id="filter-bar")

    def open(self, text: str) -> None:
        """Show the bar holding ``text`` (the current pane's filter), with focus."""
        with self.prevent(Input.Changed):  # showing a pane's own filter changes nothing
            self.value = text
        self.show_focused()

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.FilterChanged(""))
        self._close()

    def _close(self) -> None:
        self.hide()
        self.post_message(self.Closed())

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.FilterChanged(event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close()
