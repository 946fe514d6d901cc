"""The one base of the console's forms: the save runs in a worker, its error shows in the
form (what was typed stays), Escape closes it."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static
from textual.worker import Worker

from console.errors import ConsoleError
from console.ui.errors import report_failure


class SavingForm(ModalScreen[Any]):
    """A modal form; subclasses compose a ``Static`` matching ``error_selector``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving", id="form-cancel"),
    ]

    error_selector: ClassVar[str] = ".dialog--error"

    def show_error(self, text: str) -> None:
        """Say in the form why it was not saved (or that the save is on its way)."""
        self.query_one(self.error_selector, Static).update(text)

    def value(self, selector: str, *, strip: bool = True) -> str:
        """The text typed into one input, without surrounding blanks unless they count."""
        typed = self.query_one(selector, Input).value
        return typed.strip() if strip else typed

    def choice(self, selector: str) -> str:
        """The value chosen in one select."""
        return str(self.query_one(selector, Select).value)

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        error = event.worker.error if event.worker.is_finished else None
        if isinstance(error, ConsoleError):
            self.show_error(error.message)
        elif error is not None:
            report_failure(self, event)

    def action_cancel(self) -> None:
        self.dismiss(None)
